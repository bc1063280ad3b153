"""Chat's and Amazon Q's failures as gateway errors.

Chat already names the cases it recognises (``MonthlyQuotaError``, ``ModelCapacityError``,
``ContextTooLongError``, ``LoginRequiredError``, its limits and history errors); they map
one to one. Other service errors are read by code and ``reason``, the way the Amazon Q
CLI reads them: ``INSUFFICIENT_MODEL_CAPACITY`` throttling is an overloaded model; other
throttling and spent quotas are rate limits; a validation error with reason
``CONTENT_LENGTH_EXCEEDS_THRESHOLD`` or the message "Input is too long" is a context
overflow; an invalid or expired bearer token, or no identity at all, means logging in
again. The original error stays as ``__cause__``.
"""

from __future__ import annotations

from qsmith import chat
from qsmith.gateway.errors import (
    BadRequestError,
    ContextTooLongError,
    ForbiddenError,
    GatewayError,
    LoginRequiredError,
    OverloadedError,
    ThrottledError,
    UpstreamError,
)
from qsmith.runtime.errors import (
    EventStreamError,
    IdentityError,
    QsmithError,
    ServiceError,
    TransportError,
)

__all__ = ["gateway_error", "upstream_request_id"]

CAPACITY = "INSUFFICIENT_MODEL_CAPACITY"
TOO_LONG_REASON = "CONTENT_LENGTH_EXCEEDS_THRESHOLD"
TOO_LONG_TEXT = "input is too long"
REQUEST_ID_HEADERS = ("x-amzn-requestid", "x-amz-request-id")


def gateway_error(error: QsmithError) -> GatewayError:
    """The gateway error a failure of an upstream call stands for."""
    translated = _translate(error)
    if translated.upstream_request_id is None:
        translated.upstream_request_id = upstream_request_id(error)
    return translated


def upstream_request_id(error: BaseException) -> str | None:
    """The service's request id behind ``error`` or its causes: from a service error's body,
    or the headers of the answer a broken stream came in (``raw_response``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        request_id = getattr(current, "request_id", None)
        if isinstance(request_id, str) and request_id:
            return request_id
        response = getattr(current, "raw_response", None)
        headers = getattr(response, "headers", None)
        if headers is not None:
            for name in REQUEST_ID_HEADERS:
                if headers.get(name):
                    return str(headers[name])
        current = current.__cause__ or current.__context__
    return None


def _translate(error: QsmithError) -> GatewayError:
    if isinstance(error, GatewayError):
        return error
    chat_error = _chat_error(error)
    if chat_error is not None:
        return chat_error
    if isinstance(error, IdentityError):
        return LoginRequiredError(type(error).__name__)
    if isinstance(error, ServiceError):
        return _service_error(error)
    if isinstance(error, TransportError):
        return UpstreamError(f"could not reach Amazon Q: {type(error).__name__}")
    if isinstance(error, EventStreamError):
        return UpstreamError(f"the Amazon Q answer stream broke off: {error}")
    return UpstreamError(f"the Amazon Q call failed: {error}")


def _chat_error(error: QsmithError) -> GatewayError | None:
    message = str(error)
    if isinstance(error, chat.MonthlyQuotaError):
        return ThrottledError(message)
    if isinstance(error, chat.ModelCapacityError):
        return OverloadedError(message)
    if isinstance(error, chat.ContextTooLongError):
        return ContextTooLongError(f"prompt is too long: {message}", param="messages")
    if isinstance(error, chat.LoginRequiredError):
        return LoginRequiredError(message)
    if isinstance(error, chat.ChatLimitError | chat.HistoryError):
        return BadRequestError(message, param="messages")
    if isinstance(error, chat.RouteError):
        return BadRequestError(message, param="model")
    return None


def _service_error(error: ServiceError) -> GatewayError:
    reason = getattr(error, "reason", None)
    message = str(getattr(error, "message", None) or error.code)
    code = error.code
    if code == "ThrottlingException" and reason == CAPACITY:
        return OverloadedError(f"the model is overloaded, try again later ({message})")
    if code in ("ThrottlingException", "ServiceQuotaExceededException"):
        detail = f"{reason}: {message}" if reason else message
        return ThrottledError(f"Amazon Q is throttling requests ({detail})")
    if code == "ServiceUnavailableException":
        return OverloadedError(f"Amazon Q is unavailable, try again later ({message})")
    if code == "ValidationException":
        if reason == TOO_LONG_REASON or TOO_LONG_TEXT in message.lower():
            return ContextTooLongError(f"prompt is too long for the model's context ({message})")
        return BadRequestError(f"Amazon Q refused the request: {message}")
    if code in ("AccessDeniedException", "UnauthorizedException"):
        if reason is None and "token" in message.lower():
            return LoginRequiredError(message)
        return ForbiddenError(f"Amazon Q denied access ({reason or 'no reason'}): {message}")
    if code == "ExpiredTokenException":
        return LoginRequiredError(message)
    return UpstreamError(f"Amazon Q answered {code}: {message}")

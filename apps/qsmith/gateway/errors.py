"""The gateway's errors, and how each API spells them on the wire.

A backend raises one of these; the routes render it in the calling API's own format and
status, the ones that API's SDKs key on (``openai.RateLimitError`` on 429,
``anthropic.OverloadedError`` on 529, ...). The message never carries a secret.
"""

from __future__ import annotations

from typing import Any

from qsmith.runtime.errors import IdentityError, ParamValidationError, QsmithError

__all__ = [
    "ApiKeyError",
    "BadRequestError",
    "ContextTooLongError",
    "ForbiddenError",
    "GatewayError",
    "InternalError",
    "LoginRequiredError",
    "MethodNotAllowedError",
    "ModelNotFoundError",
    "OverloadedError",
    "PayloadTooLargeError",
    "RouteNotFoundError",
    "ThrottledError",
    "UpstreamError",
    "anthropic_error",
    "openai_error",
]

LOGIN_HINT = "run `qsmith login` to sign in again, then retry"


class GatewayError(QsmithError):
    """Base of the gateway's errors: ``param`` names the request field at fault, if any."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        # The id of the failed upstream call, when the service gave one (for the log only).
        self.upstream_request_id: str | None = None


class BadRequestError(GatewayError, ParamValidationError):
    """The request body is malformed; the message names the field."""


class ApiKeyError(GatewayError):
    """The gateway is configured with API keys and the request had none or a wrong one."""


class LoginRequiredError(GatewayError, IdentityError):
    """The upstream identity is missing or expired."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Amazon Q login is missing or expired ({detail}); {LOGIN_HINT}")


class ForbiddenError(GatewayError):
    """The upstream identity may not do this (e.g. a feature not in the subscription)."""


class ModelNotFoundError(GatewayError):
    """No model of that name (after the alias mapping) is available."""


class ThrottledError(GatewayError):
    """The service throttled the call or a quota is spent."""


class OverloadedError(GatewayError):
    """The model has no capacity right now."""


class ContextTooLongError(GatewayError):
    """The conversation is longer than the model's context window."""


class UpstreamError(GatewayError):
    """Any other failure of the upstream call."""


class PayloadTooLargeError(GatewayError):
    """The request body is over the gateway's limit (``--max-body``)."""


class RouteNotFoundError(GatewayError):
    """No endpoint at that path."""


class MethodNotAllowedError(GatewayError):
    """The endpoint exists but not for that HTTP method."""


class InternalError(GatewayError):
    """A bug in the gateway; logged with its traceback, answered without it."""


# (status, type, code) per error class, in the OpenAI API's vocabulary.
_OPENAI: dict[type[GatewayError], tuple[int, str, str | None]] = {
    BadRequestError: (400, "invalid_request_error", None),
    ApiKeyError: (401, "invalid_request_error", "invalid_api_key"),
    LoginRequiredError: (401, "authentication_error", "upstream_login_required"),
    ForbiddenError: (403, "permission_error", None),
    ModelNotFoundError: (404, "invalid_request_error", "model_not_found"),
    ThrottledError: (429, "requests", "rate_limit_exceeded"),
    OverloadedError: (429, "requests", "model_overloaded"),
    ContextTooLongError: (400, "invalid_request_error", "context_length_exceeded"),
    UpstreamError: (502, "server_error", None),
    PayloadTooLargeError: (413, "invalid_request_error", "request_too_large"),
    RouteNotFoundError: (404, "invalid_request_error", "unknown_url"),
    MethodNotAllowedError: (405, "invalid_request_error", "method_not_allowed"),
    InternalError: (500, "server_error", None),
}

# (status, type) per error class, in the Anthropic API's vocabulary.
_ANTHROPIC: dict[type[GatewayError], tuple[int, str]] = {
    BadRequestError: (400, "invalid_request_error"),
    ApiKeyError: (401, "authentication_error"),
    LoginRequiredError: (401, "authentication_error"),
    ForbiddenError: (403, "permission_error"),
    ModelNotFoundError: (404, "not_found_error"),
    ThrottledError: (429, "rate_limit_error"),
    OverloadedError: (529, "overloaded_error"),
    ContextTooLongError: (400, "invalid_request_error"),
    UpstreamError: (502, "api_error"),
    PayloadTooLargeError: (413, "request_too_large"),
    RouteNotFoundError: (404, "not_found_error"),
    MethodNotAllowedError: (405, "invalid_request_error"),
    InternalError: (500, "api_error"),
}


def _lookup(table: dict[type[GatewayError], Any], error: GatewayError) -> Any:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return table[UpstreamError]


def openai_error(error: GatewayError) -> tuple[int, dict[str, object]]:
    """Status and body of ``error`` as the OpenAI API sends it."""
    status, kind, code = _lookup(_OPENAI, error)
    body = {"message": error.message, "type": kind, "param": error.param, "code": code}
    return status, {"error": body}


def anthropic_error(error: GatewayError) -> tuple[int, dict[str, object]]:
    """Status and body of ``error`` as the Anthropic API sends it."""
    status, kind = _lookup(_ANTHROPIC, error)
    message = error.message
    if isinstance(error, ContextTooLongError) and "prompt is too long" not in message:
        message = f"prompt is too long: {message}"
    return status, {"type": "error", "error": {"type": kind, "message": message}}

"""Chat's errors, and the translation of service and login failures into actionable ones.

Each class sits under the runtime family a caller would catch (``ServiceError``,
``IdentityError``, ``ParamValidationError``, ``ConfigError``); the original error is
kept as ``__cause__``. Which answer means what follows the Amazon Q CLI's reading of
the services: ``MONTHLY_REQUEST_COUNT`` is the monthly quota, ``INSUFFICIENT_MODEL_CAPACITY``
an overloaded model, "Input is too long." a context overflow.
"""

from __future__ import annotations

from qsmith.runtime.auth.errors import NoTokenError, TokenExpiredError, TokenRefreshError
from qsmith.runtime.auth.schemes import NoIdentityError
from qsmith.runtime.errors import (
    ConfigError,
    IdentityError,
    ParamValidationError,
    QsmithError,
    ServiceError,
)

__all__ = [
    "ChatLimitError",
    "ChatServiceError",
    "ContextTooLongError",
    "ConversationNotFoundError",
    "CorruptConversationError",
    "HistoryError",
    "LoginRequiredError",
    "ModelCapacityError",
    "MonthlyQuotaError",
    "RouteError",
    "translate_error",
]

LOGIN_HINT = "run `qsmith login` to sign in again"


class ChatLimitError(ParamValidationError):
    """A message breaks a size limit the service enforces; nothing was sent."""


class HistoryError(ParamValidationError):
    """A request would break the conversation rules (e.g. a result for an unknown tool use)."""


class RouteError(ConfigError):
    """A model or auth choice that cannot be routed (e.g. a malformed ``custom:`` model)."""


class ConversationNotFoundError(ConfigError):
    """No stored conversation has that id."""


class CorruptConversationError(ConfigError):
    """A stored conversation file cannot be read; it is reported and never overwritten."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: corrupt conversation file ({problem}); it was left untouched")


class ChatServiceError(ServiceError):
    """A service error chat recognised; the message says what to do about it."""

    def __init__(self, advice: str, original: ServiceError) -> None:
        self.advice = advice
        self.original = original
        super().__init__(
            f"{advice} ({original.code}: {original.message or 'no message'})",
            code=original.code,
            http_status=original.http_status,
            request_id=original.request_id,
            fault=original.fault,
            retryable=original.retryable,
        )


class MonthlyQuotaError(ChatServiceError):
    """The account's monthly request quota is used up."""


class ModelCapacityError(ChatServiceError):
    """The model has no capacity now (``INSUFFICIENT_MODEL_CAPACITY``)."""


class ContextTooLongError(ChatServiceError):
    """The conversation no longer fits the model's context window."""


class LoginRequiredError(IdentityError):
    """The login is missing or expired; the message says to run ``qsmith login``."""


def translate_error(exc: QsmithError, *, bearer: bool) -> QsmithError:
    """The actionable error for ``exc``, or ``exc`` itself when chat has nothing to add."""
    if isinstance(exc, ServiceError):
        return _translate_service_error(exc, bearer=bearer)
    if bearer and isinstance(exc, TokenExpiredError | NoTokenError | NoIdentityError):
        return LoginRequiredError(f"no valid login ({exc}); {LOGIN_HINT}")
    if isinstance(exc, TokenRefreshError) and exc.login_required:
        return LoginRequiredError(f"the login has expired and cannot be renewed; {LOGIN_HINT}")
    return exc


def _translate_service_error(exc: ServiceError, *, bearer: bool) -> QsmithError:
    reason = str(getattr(exc, "reason", None) or "")
    text = f"{reason} {exc.message or ''}"
    if "Input is too long" in text or reason in {
        "CONTENT_LENGTH_EXCEEDS_THRESHOLD",
        "PROMPT_TOO_LONG",
    }:
        return ContextTooLongError(
            "the conversation is too long for the model's context window; start a new "
            "conversation or send less (large tool results and files count)",
            exc,
        )
    if "INSUFFICIENT_MODEL_CAPACITY" in text:
        return ModelCapacityError(
            "the model is at capacity right now; try again in a moment or choose another "
            "model with --model",
            exc,
        )
    if "MONTHLY_REQUEST_COUNT" in text:
        return MonthlyQuotaError(
            "the monthly request quota of this account is reached; it renews at the start "
            "of next month, or upgrade the subscription",
            exc,
        )
    if bearer and _is_rejected_token(exc):
        return LoginRequiredError(f"the service rejected the login ({exc.code}); {LOGIN_HINT}")
    return exc


def _is_rejected_token(exc: ServiceError) -> bool:
    if exc.http_status == 401 or exc.code in {"ExpiredTokenException", "UnauthorizedException"}:
        return True
    message = (exc.message or "").lower()
    return exc.code == "AccessDeniedException" and "token" in message

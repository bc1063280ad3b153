"""Retry policies (AWS standard and adaptive modes) as sans-I/O objects.

See ``docs/design/retries-and-transport.md``. The client pipeline classifies each
failed attempt into a ``RetryErrorInfo`` and asks the strategy for the next token.
"""

from qsmith.runtime.retry.adaptive import AdaptiveRetryStrategy, ClientRateLimiter
from qsmith.runtime.retry.classify import (
    SERVICE_RULES,
    THROTTLING_CODES,
    ErrorKind,
    RetryErrorInfo,
    ServiceRetryRule,
    register_service_rules,
)
from qsmith.runtime.retry.config import RetrySettings, create_retry_strategy, resolve_retry_settings
from qsmith.runtime.retry.standard import (
    DEFAULT_MAX_ATTEMPTS,
    NoRetryError,
    NoRetryReason,
    RetryQuota,
    RetryToken,
    StandardRetryStrategy,
)

SDK_REQUEST_HEADER = "amz-sdk-request"
SDK_INVOCATION_ID_HEADER = "amz-sdk-invocation-id"

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "SDK_INVOCATION_ID_HEADER",
    "SDK_REQUEST_HEADER",
    "SERVICE_RULES",
    "THROTTLING_CODES",
    "AdaptiveRetryStrategy",
    "ClientRateLimiter",
    "ErrorKind",
    "NoRetryError",
    "NoRetryReason",
    "RetryErrorInfo",
    "RetryQuota",
    "RetrySettings",
    "RetryToken",
    "ServiceRetryRule",
    "StandardRetryStrategy",
    "create_retry_strategy",
    "register_service_rules",
    "resolve_retry_settings",
]

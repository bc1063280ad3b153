"""What went wrong with one attempt, in the terms retry decisions need.

``RetryErrorInfo`` is built by the client pipeline from either an error response
(status, headers, error code, optional reason) or an exception raised while sending
(httpx or qsmith transport errors). Classification happens here, once, so the
strategies only read ``kind``. A service's own rules come from its model
(``retry.modeled``, passed as ``rules``) or are registered in code by sdkId
(``register_service_rules``); both run before the generic classification's result
is kept.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from qsmith.runtime.errors import RequestTimeoutError, TransportError

__all__ = [
    "SERVICE_RULES",
    "THROTTLING_CODES",
    "TRANSIENT_CODES",
    "TRANSIENT_STATUS_CODES",
    "ErrorKind",
    "RetryErrorInfo",
    "ServiceRetryRule",
    "register_service_rules",
]


class ErrorKind(enum.Enum):
    """How an attempt failed, ordered from 'retry and slow down' to 'never retry'."""

    THROTTLING = "throttling"
    TRANSIENT = "transient"  # 5xx, dropped connection, retryable modeled error
    TIMEOUT = "timeout"  # connect or read timeout: transient, but costs more quota
    NOT_RETRYABLE = "not_retryable"


# Error codes the AWS SDKs treat as throttling (plus HTTP 429, handled by status).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "InternalError"})
TRANSIENT_STATUS_CODES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryErrorInfo:
    """One failed attempt as the retry strategy sees it.

    ``retry_after`` is the service's hint in seconds (from ``x-amz-retry-after``,
    which carries milliseconds), or None. ``reason`` is a modeled error's reason
    member (the Q services send e.g. ``MONTHLY_REQUEST_COUNT``).
    """

    kind: ErrorKind
    code: str | None = None
    http_status: int | None = None
    reason: str | None = None
    retry_after: float | None = None
    description: str = ""

    @property
    def is_throttling(self) -> bool:
        return self.kind is ErrorKind.THROTTLING

    @property
    def is_retryable(self) -> bool:
        return self.kind is not ErrorKind.NOT_RETRYABLE

    @classmethod
    def from_response(
        cls,
        *,
        http_status: int,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        code: str | None = None,
        reason: str | None = None,
        message: str | None = None,
        modeled_retryable: bool = False,
        modeled_throttling: bool = False,
        service: str | None = None,
        rules: tuple[ServiceRetryRule, ...] = (),
    ) -> RetryErrorInfo:
        """Classify an error response: the rules registered for ``service`` (an sdkId),
        then ``rules`` (the service model's own), then the generic classification."""
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        retry_after = _parse_retry_after(pairs)
        kind = _generic_kind(http_status, code, modeled_retryable, modeled_throttling)
        for rule in (*SERVICE_RULES.get(service or "", ()), *rules):
            override = rule(http_status, code, reason, message)
            if override is not None:
                kind = override
                break
        return cls(
            kind=kind,
            code=code,
            http_status=http_status,
            reason=reason,
            retry_after=retry_after,
            description=f"{code or 'HTTP error'} (HTTP {http_status})",
        )

    @classmethod
    def from_exception(cls, error: BaseException) -> RetryErrorInfo:
        """Classify an exception raised while sending or receiving (no error response)."""
        name = type(error).__name__
        retryable = getattr(error, "retryable", None)
        if isinstance(error, RequestTimeoutError) or _is_httpx_timeout(error):
            # A whole-call deadline says retryable=False: no time is left to retry in.
            kind = ErrorKind.NOT_RETRYABLE if retryable is False else ErrorKind.TIMEOUT
            return cls(kind=kind, description=f"{name}: timeout")
        if isinstance(error, TransportError):
            kind = ErrorKind.TRANSIENT if retryable is not False else ErrorKind.NOT_RETRYABLE
            return cls(kind=kind, description=name)
        if _is_httpx_transport_error(error) or isinstance(error, ConnectionError):
            return cls(kind=ErrorKind.TRANSIENT, description=name)
        return cls(kind=ErrorKind.NOT_RETRYABLE, description=name)


def _generic_kind(
    status: int, code: str | None, modeled_retryable: bool, modeled_throttling: bool
) -> ErrorKind:
    if modeled_throttling or status == 429 or (code is not None and code in THROTTLING_CODES):
        return ErrorKind.THROTTLING
    if modeled_retryable or status in TRANSIENT_STATUS_CODES:
        return ErrorKind.TRANSIENT
    if code is not None and code in TRANSIENT_CODES:
        return ErrorKind.TRANSIENT
    return ErrorKind.NOT_RETRYABLE


def _parse_retry_after(headers: Iterable[tuple[str, str]]) -> float | None:
    for name, value in headers:
        if name.lower() == "x-amz-retry-after":
            try:
                millis = int(value.strip())
            except ValueError:
                return None  # a malformed hint is ignored; backoff applies
            return millis / 1000.0 if millis >= 0 else None
    return None


def _is_httpx_timeout(error: BaseException) -> bool:
    import httpx  # imported lazily: classification of plain responses needs no httpx

    return isinstance(error, httpx.TimeoutException)


def _is_httpx_transport_error(error: BaseException) -> bool:
    import httpx

    return isinstance(error, httpx.TransportError) and not isinstance(
        error, httpx.UnsupportedProtocol | httpx.ProxyError
    )


# A service rule sees (status, code, reason, message) and returns a kind to force, or
# None to let the next rule (or the generic classification) decide.
ServiceRetryRule = Callable[[int, "str | None", "str | None", "str | None"], "ErrorKind | None"]


# Rules registered in code, by sdkId; a service's model can bring its own instead
# (``qsmith.customizations#retryRules``, see ``retry.modeled``). Rules run in order; the
# first non-None wins.
SERVICE_RULES: dict[str, tuple[ServiceRetryRule, ...]] = {}


def register_service_rules(service: str, *rules: ServiceRetryRule) -> None:
    """Add rules for a service (they run before any rules already registered for it)."""
    SERVICE_RULES[service] = (*rules, *SERVICE_RULES.get(service, ()))

"""Which failures are throttling, transient, or final; the Amazon Q services' own rules."""

from __future__ import annotations

import importlib

import httpx
import pytest

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.customizations import ServiceCustomizations
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry import (
    SERVICE_RULES,
    THROTTLING_CODES,
    ErrorKind,
    RetryErrorInfo,
    ServiceRetryRule,
    register_service_rules,
)
from qsmith.runtime.retry.modeled import rules_from_trait
from qsmith.runtime.transport import (
    CallTimeoutError,
    ConnectionDroppedError,
    ProxyConnectError,
    ReadTimeoutError,
)

ALL_THROTTLING_CODES = [
    "ThrottlingException",
    "Throttling",
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
]


def test_the_throttling_code_list_is_complete() -> None:
    assert set(ALL_THROTTLING_CODES) == THROTTLING_CODES


@pytest.mark.parametrize("code", ALL_THROTTLING_CODES)
def test_throttling_codes(code: str) -> None:
    assert RetryErrorInfo.from_response(http_status=400, code=code).kind is ErrorKind.THROTTLING


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (429, None, ErrorKind.THROTTLING),
        (500, None, ErrorKind.TRANSIENT),
        (502, None, ErrorKind.TRANSIENT),
        (503, None, ErrorKind.TRANSIENT),
        (504, None, ErrorKind.TRANSIENT),
        (501, None, ErrorKind.NOT_RETRYABLE),
        (400, "ValidationException", ErrorKind.NOT_RETRYABLE),
        (403, "AccessDeniedException", ErrorKind.NOT_RETRYABLE),
        (400, "RequestTimeout", ErrorKind.TRANSIENT),
    ],
)
def test_status_codes(status: int, code: str | None, kind: ErrorKind) -> None:
    assert RetryErrorInfo.from_response(http_status=status, code=code).kind is kind


def test_modeled_retryable_and_throttling_traits() -> None:
    info = RetryErrorInfo.from_response(http_status=400, code="Busy", modeled_retryable=True)
    assert info.kind is ErrorKind.TRANSIENT
    info = RetryErrorInfo.from_response(
        http_status=400, code="Busy", modeled_retryable=True, modeled_throttling=True
    )
    assert info.kind is ErrorKind.THROTTLING


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("x-amz-retry-after", "1500")], 1.5),
        ({"X-Amz-Retry-After": "0"}, 0.0),
        ([("x-amz-retry-after", "soon")], None),
        ([("x-amz-retry-after", "-5")], None),
        ([("retry-after", "3")], None),
    ],
)
def test_retry_after_header(headers: object, expected: float | None) -> None:
    info = RetryErrorInfo.from_response(http_status=429, headers=headers)  # type: ignore[arg-type]
    assert info.retry_after == expected


# The Amazon Q clients' retry rules come from their models (qsmith.customizations#retryRules).
Q_CLIENTS = ["codewhisperer", "codewhisperer_streaming", "consolas", "qdeveloper_streaming"]


def _modeled_rules(client: str) -> tuple[ServiceRetryRule, ...]:
    schema = importlib.import_module(f"qsmith.clients.{client}._schema")
    service = schema.SERVICE
    return ServiceCustomizations(service, ClientConfig()).retry_rules


@pytest.mark.parametrize("client", Q_CLIENTS)
def test_q_monthly_quota_is_never_retried(client: str) -> None:
    info = RetryErrorInfo.from_response(
        http_status=429,
        code="ThrottlingException",
        reason="MONTHLY_REQUEST_COUNT",
        rules=_modeled_rules(client),
    )
    assert info.kind is ErrorKind.NOT_RETRYABLE
    # The same error from a service whose model has no rules is ordinary throttling.
    other = RetryErrorInfo.from_response(
        http_status=429, code="ThrottlingException", reason="MONTHLY_REQUEST_COUNT"
    )
    assert other.kind is ErrorKind.THROTTLING


@pytest.mark.parametrize("client", Q_CLIENTS)
@pytest.mark.parametrize(
    ("status", "code", "reason", "message"),
    [
        (400, "ValidationException", "INSUFFICIENT_MODEL_CAPACITY", None),
        (503, "ServiceUnavailableException", None, None),
        (500, "InternalServerException", None, "Encountered unexpectedly high load, retry"),
    ],
)
def test_q_capacity_errors_are_throttling(
    client: str, status: int, code: str, reason: str | None, message: str | None
) -> None:
    info = RetryErrorInfo.from_response(
        http_status=status, code=code, reason=reason, message=message, rules=_modeled_rules(client)
    )
    assert info.kind is ErrorKind.THROTTLING


def test_a_plain_q_500_stays_transient() -> None:
    info = RetryErrorInfo.from_response(
        http_status=500,
        code="InternalServerException",
        message="boom",
        rules=_modeled_rules("codewhisperer"),
    )
    assert info.kind is ErrorKind.TRANSIENT


def test_a_model_without_the_trait_gets_no_rules() -> None:
    assert _modeled_rules("sso_oidc") == ()


@pytest.mark.parametrize(
    "rules",
    [
        "not a list",
        [{"kind": "throttling"}],
        [{"code": "X", "kind": "sometimes"}],
        [{"code": "X", "kind": "throttling", "colour": "red"}],
        ["not an object"],
    ],
)
def test_a_malformed_rules_trait_is_a_config_error(rules: object) -> None:
    with pytest.raises(ConfigError, match="retryRules"):
        rules_from_trait(rules, "MyService")


def test_rules_are_pluggable_per_service() -> None:
    def teapot(status: int, *_: object) -> ErrorKind | None:
        return ErrorKind.TRANSIENT if status == 418 else None

    try:
        register_service_rules("my-service", teapot)
        info = RetryErrorInfo.from_response(http_status=418, service="my-service")
        assert info.kind is ErrorKind.TRANSIENT
        assert RetryErrorInfo.from_response(http_status=418).kind is ErrorKind.NOT_RETRYABLE
    finally:
        SERVICE_RULES.pop("my-service")


def _request() -> httpx.Request:
    return httpx.Request("GET", "http://127.0.0.1/")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("refused", request=_request()), ErrorKind.TRANSIENT),
        (httpx.ReadError("reset", request=_request()), ErrorKind.TRANSIENT),
        (httpx.RemoteProtocolError("closed", request=_request()), ErrorKind.TRANSIENT),
        (httpx.ReadTimeout("slow", request=_request()), ErrorKind.TIMEOUT),
        (httpx.ConnectTimeout("slow", request=_request()), ErrorKind.TIMEOUT),
        (ConnectionResetError(), ErrorKind.TRANSIENT),
        (ConnectionRefusedError(), ErrorKind.TRANSIENT),
        (ConnectionDroppedError(), ErrorKind.TRANSIENT),
        (ReadTimeoutError(), ErrorKind.TIMEOUT),
        (CallTimeoutError(), ErrorKind.NOT_RETRYABLE),
        (ProxyConnectError(), ErrorKind.NOT_RETRYABLE),
        (ValueError("bug"), ErrorKind.NOT_RETRYABLE),
    ],
)
def test_exceptions(error: BaseException, kind: ErrorKind) -> None:
    assert RetryErrorInfo.from_exception(error).kind is kind

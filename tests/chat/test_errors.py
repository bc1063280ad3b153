"""Each service or login failure becomes an actionable error, and the turn is rolled back."""

from __future__ import annotations

import pytest

from qsmith.chat import (
    ContextTooLongError,
    LoginRequiredError,
    ModelCapacityError,
    MonthlyQuotaError,
)
from qsmith.clients.codewhisperer_streaming import _schema as cw_schema
from qsmith.runtime.auth.errors import TokenExpiredError
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.errors import QsmithError, ServiceError
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_encoder
from tests.chat import scripts as s

CASES = [
    (
        s.error_response(
            429, "ThrottlingException", "no capacity", reason="INSUFFICIENT_MODEL_CAPACITY"
        ),
        ModelCapacityError,
        "at capacity",
    ),
    (
        s.error_response(
            402, "ServiceQuotaExceededException", "quota", reason="MONTHLY_REQUEST_COUNT"
        ),
        MonthlyQuotaError,
        "monthly request quota",
    ),
    (
        s.error_response(429, "ThrottlingException", "limit", reason="MONTHLY_REQUEST_COUNT"),
        MonthlyQuotaError,
        "monthly request quota",
    ),
    (
        s.error_response(400, "ValidationException", "Input is too long."),
        ContextTooLongError,
        "context window",
    ),
    (
        s.error_response(
            400, "ValidationException", "big", reason="CONTENT_LENGTH_EXCEEDS_THRESHOLD"
        ),
        ContextTooLongError,
        "context window",
    ),
    (
        s.error_response(
            403, "AccessDeniedException", "The bearer token included in the request is invalid."
        ),
        LoginRequiredError,
        "qsmith login",
    ),
]


@pytest.mark.parametrize(
    ("response", "error_type", "advice"),
    CASES,
    ids=["capacity", "quota-402", "quota-throttling", "too-long", "too-long-reason", "token"],
)
def test_service_errors_are_mapped(
    loopback: LoopbackServer, response: ScriptedResponse, error_type: type[QsmithError], advice: str
) -> None:
    loopback.enqueue(response)
    with s.conversation(loopback) as conv:
        with pytest.raises(error_type) as caught:
            list(conv.send("hi"))
        assert conv.history == ()  # the failed turn is not kept
    assert advice in str(caught.value)
    assert s.TOKEN not in str(caught.value)
    if isinstance(caught.value, ServiceError):
        assert caught.value.request_id == "req-9"
        assert isinstance(caught.value.__cause__, ServiceError)


def test_unrecognised_errors_pass_through(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.error_response(400, "ValidationException", "bad field"))
    with s.conversation(loopback) as conv, pytest.raises(ServiceError) as caught:
        list(conv.send("hi"))
    assert type(caught.value).__name__ == "ValidationException"


def test_error_in_the_middle_of_the_stream(loopback: LoopbackServer) -> None:
    response = s.answer(s.text("partial"))
    encoder = event_stream_encoder(
        cw_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION, "aws.protocols#awsJson1_0"
    )
    assert isinstance(response.body, list)
    response.body.append(
        encoder.encode_unmodeled_error("ThrottlingException", "INSUFFICIENT_MODEL_CAPACITY")
    )
    loopback.enqueue(response)
    with s.conversation(loopback) as conv:
        with pytest.raises(ModelCapacityError):
            list(conv.send("hi"))
        assert conv.history == ()


class _ExpiredLogin:
    source = "test login"

    def resolve_token(self) -> BearerToken:
        raise TokenExpiredError(self.source, "log in again")


def test_expired_login_says_qsmith_login(loopback: LoopbackServer) -> None:
    conv = s.conversation(loopback, token=_ExpiredLogin())
    with conv, pytest.raises(LoginRequiredError, match="qsmith login"):
        list(conv.send("hi"))
    assert loopback.requests == []


def test_missing_login_says_qsmith_login(
    loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    for name in ("QSMITH_BEARER_TOKEN", "QSMITH_TOKEN_FILE", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path) + "/none")
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):  # no real `qsmith login` found
        monkeypatch.setenv(name, str(tmp_path))
    conv = s.conversation(loopback, token=None)
    with conv, pytest.raises(LoginRequiredError, match="qsmith login"):
        list(conv.send("hi"))

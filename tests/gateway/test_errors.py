"""Each upstream failure reaches each SDK as that API's own error, status and type."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"

pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")
anthropic = pytest.importorskip(
    "anthropic", reason="the anthropic SDK (a dev dependency) is missing"
)

from qsmith.gateway.app import GatewayConfig  # noqa: E402
from qsmith.gateway.chat_backend import ChatBackend  # noqa: E402
from qsmith.runtime.auth.errors import TokenExpiredError  # noqa: E402
from qsmith.runtime.auth.identity import BearerToken  # noqa: E402
from qsmith.testing import error_response, stop_mid_stream, throttle  # noqa: E402
from qsmith.testing.fake_service import Step  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    stream_body,
    text,
)

USER = [{"role": "user", "content": "hi"}]

THROTTLED = throttle(reason="MONTHLY_REQUEST_COUNT")
CAPACITY = throttle(reason="INSUFFICIENT_MODEL_CAPACITY", message="I am busy")
TOO_LONG = error_response(
    "ValidationException",
    "Input is too long.",
    extra={"reason": "CONTENT_LENGTH_EXCEEDS_THRESHOLD"},
)
BAD_TOKEN = error_response(
    "AccessDeniedException", "The bearer token included in the request is invalid.", status=403
)


def openai_client(gateway: ServedGateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.url}/v1", api_key="k", max_retries=0)


def anthropic_client(gateway: ServedGateway) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gateway.url, api_key="k", max_retries=0)


def _openai_call(gateway: ServedGateway, stream: bool) -> None:
    result = openai_client(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=USER, stream=stream  # type: ignore[arg-type]
    )
    if stream:
        list(result)  # type: ignore[arg-type]


def _anthropic_call(gateway: ServedGateway, stream: bool) -> None:
    result = anthropic_client(gateway).messages.create(
        model="claude-sonnet-4", max_tokens=10, messages=USER, stream=stream  # type: ignore[arg-type]
    )
    if stream:
        list(result)  # type: ignore[arg-type]


OPENAI_CASES = [
    (THROTTLED, openai.RateLimitError, 429, "rate_limit_exceeded"),
    (CAPACITY, openai.RateLimitError, 429, "model_overloaded"),
    (TOO_LONG, openai.BadRequestError, 400, "context_length_exceeded"),
    (BAD_TOKEN, openai.AuthenticationError, 401, "upstream_login_required"),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    ("fault", "error", "status", "code"), OPENAI_CASES, ids=[c[3] for c in OPENAI_CASES]
)
def test_openai_error_mapping(
    gateway: ServedGateway,
    fake_q: FakeQ,
    fault: Step,
    error: type[openai.APIStatusError],
    status: int,
    code: str,
    stream: bool,
) -> None:
    fake_q.respond(GENERATE, fault)
    with pytest.raises(error) as caught:
        _openai_call(gateway, stream)
    assert caught.value.status_code == status
    assert caught.value.code == code
    if status == 401:
        assert "qsmith login" in caught.value.message


ANTHROPIC_CASES = [
    (THROTTLED, anthropic.RateLimitError, 429, "rate_limit_error"),
    (CAPACITY, anthropic.OverloadedError, 529, "overloaded_error"),
    (TOO_LONG, anthropic.BadRequestError, 400, "invalid_request_error"),
    (BAD_TOKEN, anthropic.AuthenticationError, 401, "authentication_error"),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    ("fault", "error", "status", "kind"),
    ANTHROPIC_CASES,
    ids=["rate_limit", "overloaded", "prompt_too_long", "login"],
)
def test_anthropic_error_mapping(
    gateway: ServedGateway,
    fake_q: FakeQ,
    fault: Step,
    error: type[anthropic.APIStatusError],
    status: int,
    kind: str,
    stream: bool,
) -> None:
    fake_q.respond(GENERATE, fault)
    with pytest.raises(error) as caught:
        _anthropic_call(gateway, stream)
    assert caught.value.status_code == status
    body = caught.value.body
    assert isinstance(body, dict) and body["error"]["type"] == kind
    if fault is TOO_LONG:
        assert "prompt is too long" in body["error"]["message"]
    if status == 401:
        assert "qsmith login" in body["error"]["message"]


def test_bad_requests_name_the_field(gateway: ServedGateway) -> None:
    no_messages = httpx.post(f"{gateway.url}/v1/chat/completions", json={"model": "m"})
    assert no_messages.status_code == 400
    assert no_messages.json()["error"]["param"] == "messages"
    assert "messages" in no_messages.json()["error"]["message"]
    bad_role = {"model": "m", "max_tokens": 5, "messages": [{"role": "robot", "content": "x"}]}
    answer = httpx.post(f"{gateway.url}/v1/messages", json=bad_role)
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert "messages[0].role" in answer.json()["error"]["message"]
    two = httpx.post(
        f"{gateway.url}/v1/chat/completions", json={"model": "m", "messages": [], "n": 2}
    )
    assert two.status_code == 400 and two.json()["error"]["param"] == "n"
    not_json = httpx.post(f"{gateway.url}/v1/messages", content=b"{nope")
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["error"]["message"]


def test_bad_request_through_the_sdk(gateway: ServedGateway) -> None:
    with pytest.raises(anthropic.BadRequestError, match=r"messages\[0\]\.content\[0\]\.source"):
        anthropic_client(gateway).messages.create(
            model="claude-sonnet-4",
            max_tokens=5,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}
                    ],
                }
            ],
        )


def test_stream_broken_midway_ends_with_the_apis_error_event(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    body = stream_body([text("partial"), text(" more"), text(" never")])
    fake_q.respond(GENERATE, stop_mid_stream(body, after=2))
    with pytest.raises(openai.APIError, match=r"broke off|could not reach"):
        _openai_call(gateway, stream=True)
    fake_q.respond(GENERATE, stop_mid_stream(body, after=2))
    with pytest.raises(anthropic.APIStatusError) as caught:
        _anthropic_call(gateway, stream=True)
    assert caught.value.body["error"]["type"] == "api_error"  # type: ignore[index]


class ExpiredLogin:
    source = "test token file"

    def resolve_token(self) -> BearerToken:
        raise TokenExpiredError(self.source, "run `qsmith login`")


@pytest.fixture
def logged_out(fake_q: FakeQ) -> Iterator[ServedGateway]:
    backend = ChatBackend(token=ExpiredLogin(), endpoint_url=fake_q.url, max_attempts=1)
    with ServedGateway(backend, GatewayConfig(models_ttl=0)) as served:
        yield served


def test_expired_login_is_401_in_both_apis_and_health_says_so(
    logged_out: ServedGateway, fake_q: FakeQ
) -> None:
    with pytest.raises(openai.AuthenticationError, match="qsmith login"):
        _openai_call(logged_out, stream=False)
    with pytest.raises(anthropic.AuthenticationError, match="qsmith login"):
        _anthropic_call(logged_out, stream=True)
    assert fake_q.attempts(GENERATE) == 0  # nothing unsigned ever left
    health = httpx.get(f"{logged_out.url}/health")
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable" and "qsmith login" in health.json()["detail"]


def test_health_ok_with_a_valid_identity(gateway: ServedGateway) -> None:
    health = httpx.get(f"{gateway.url}/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "auth": "bearer", "detail": "token from static"}

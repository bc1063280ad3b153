"""Serving behaviour: API keys, concurrent streams, keep-alives, client disconnects."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence

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
from qsmith.testing import ScriptedResponse  # noqa: E402
from qsmith.testing.fake_service import EVENT_STREAM_TYPE, StepContext  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    stream_body,
    text,
)

KEY = "gateway-key-canary"
USER = [{"role": "user", "content": "hi"}]


@pytest.fixture
def keyed(fake_q: FakeQ) -> Iterator[ServedGateway]:
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1)
    with ServedGateway(backend, GatewayConfig(api_keys=frozenset({KEY}))) as served:
        yield served


def test_api_keys_enforced_on_every_route(keyed: ServedGateway, fake_q: FakeQ) -> None:
    wrong_openai = openai.OpenAI(base_url=f"{keyed.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        wrong_openai.chat.completions.create(model="claude-sonnet-4", messages=USER)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_api_key"
    assert KEY not in str(caught.value) and "wrong" not in str(caught.value)
    wrong_anthropic = anthropic.Anthropic(base_url=keyed.url, api_key="wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        wrong_anthropic.messages.create(model="claude-sonnet-4", max_tokens=5, messages=USER)  # type: ignore[arg-type]
    with pytest.raises(anthropic.AuthenticationError):
        wrong_anthropic.models.list()
    for path in ("/health", "/v1/models"):
        assert httpx.get(f"{keyed.url}{path}").status_code == 401
    assert fake_q.attempts(GENERATE) == 0

    fake_q.respond(GENERATE, answer(text("in")), answer(text("in")))
    right_openai = openai.OpenAI(base_url=f"{keyed.url}/v1", api_key=KEY, max_retries=0)
    done = right_openai.chat.completions.create(model="claude-sonnet-4", messages=USER)  # type: ignore[arg-type]
    assert done.choices[0].message.content == "in"
    right_anthropic = anthropic.Anthropic(base_url=keyed.url, api_key=KEY, max_retries=0)
    message = right_anthropic.messages.create(model="claude-sonnet-4", max_tokens=5, messages=USER)  # type: ignore[arg-type]
    assert message.content[0].text == "in"  # type: ignore[union-attr]
    assert httpx.get(f"{keyed.url}/health", headers={"x-api-key": KEY}).status_code == 200


def test_many_concurrent_streams(gateway: ServedGateway, fake_q: FakeQ) -> None:
    """Every upstream call waits at a barrier for all the others: served one at a time,
    the barrier would break and the streams fail."""
    count = 20
    barrier = threading.Barrier(count, timeout=10)

    def together(context: StepContext) -> ScriptedResponse:
        index = barrier.wait()
        return answer(text(f"s{index}"), text("-end"), chunk_delay=0.01)(context)

    fake_q.set_default(GENERATE, together)

    async def one(sdk: openai.AsyncOpenAI) -> str:
        stream = await sdk.chat.completions.create(
            model="claude-sonnet-4", messages=USER, stream=True  # type: ignore[arg-type]
        )
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    async def all_of_them() -> list[str]:
        sdk = openai.AsyncOpenAI(base_url=f"{gateway.url}/v1", api_key="k", max_retries=0)
        async with sdk:
            return await asyncio.gather(*[one(sdk) for _ in range(count)])

    results = asyncio.run(all_of_them())
    assert sorted(results) == sorted(f"s{i}-end" for i in range(count))


def test_keepalive_comments_during_silence(fake_q: FakeQ) -> None:
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1)
    fake_q.respond(GENERATE, answer(text("late"), chunk_delay=0.35))
    config = GatewayConfig(keepalive_interval=0.1)
    with ServedGateway(backend, config) as served:
        body = {"model": "claude-sonnet-4", "messages": USER, "stream": True}
        with httpx.stream("POST", f"{served.url}/v1/chat/completions", json=body) as response:
            lines = [line for line in response.iter_lines() if line]
    assert response.status_code == 200
    assert ": keep-alive" in lines
    assert lines[-1] == "data: [DONE]"
    assert any('"late"' in line for line in lines)


def test_anthropic_streams_send_ping_events_during_silence(fake_q: FakeQ) -> None:
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1)
    fake_q.respond(GENERATE, answer(text("late"), chunk_delay=0.35))
    with ServedGateway(backend, GatewayConfig(keepalive_interval=0.1)) as served:
        body = {"model": "claude-sonnet-4", "messages": USER, "stream": True, "max_tokens": 9}
        with httpx.stream("POST", f"{served.url}/v1/messages", json=body) as response:
            lines = [line for line in response.iter_lines() if line]
    assert "event: ping" in lines and 'data: {"type":"ping"}' in lines
    assert not any(line.startswith(":") for line in lines)
    assert lines[-1] == 'data: {"type":"message_stop"}'


class _Progress(Sequence[bytes]):
    """Chunks of a scripted body that count how many the fake service sent."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.sent = 0
        self.finished = threading.Event()

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, index: int) -> bytes:  # type: ignore[override]
        return self.chunks[index]

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.chunks:
                self.sent += 1
                yield chunk
        finally:
            self.finished.set()


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
def test_client_disconnect_cancels_the_upstream_call(
    gateway: ServedGateway, fake_q: FakeQ, path: str
) -> None:
    events = [text(f"piece {i} ") for i in range(200)]
    progress = _Progress(stream_body(events))
    fake_q.respond(
        GENERATE,
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE)],
            body=progress,
            chunk_delay=0.02,
        ),
    )
    body = {"model": "claude-sonnet-4", "messages": USER, "stream": True, "max_tokens": 5}
    with httpx.stream("POST", f"{gateway.url}{path}", json=body) as response:
        for line in response.iter_lines():
            if "piece 2" in line:
                break  # hang up after a few pieces
    assert progress.finished.wait(timeout=5), "the upstream kept streaming after the client left"
    assert progress.sent < len(progress.chunks) // 2


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
def test_client_giving_up_on_a_whole_answer_cancels_the_upstream_call(
    gateway: ServedGateway, fake_q: FakeQ, path: str
) -> None:
    progress = _Progress(stream_body([text(f"piece {i} ") for i in range(200)]))
    fake_q.respond(
        GENERATE,
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE)],
            body=progress,
            chunk_delay=0.02,
        ),
    )
    body = {"model": "claude-sonnet-4", "messages": USER, "max_tokens": 5}
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{gateway.url}{path}", json=body, timeout=0.3)
    assert progress.finished.wait(timeout=5), "the upstream kept streaming after the client left"
    assert progress.sent < len(progress.chunks) // 2


def test_sigv4_route_serves_the_configured_models_and_signs(fake_q: FakeQ) -> None:
    from qsmith.chat.translate import retarget
    from qsmith.clients.qdeveloper_streaming import _schema as qd_schema
    from qsmith.clients.qdeveloper_streaming import models as qd
    from qsmith.runtime.auth.identity import AwsCredentials
    from qsmith.testing import event_stream_response
    from qsmith.testing.event_streams import event_stream_body

    body = event_stream_body(qd_schema.SEND_MESSAGE_OPERATION, [retarget(text("signed"), qd)])
    fake_q.respond("SendMessage", event_stream_response(body))
    backend = ChatBackend(
        region="us-west-2",
        credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary"),
        models=("claude-sonnet-4",),
        endpoint_url=fake_q.url,
        max_attempts=1,
        environ={"AMAZON_Q_SIGV4": "1"},
    )
    with ServedGateway(backend) as served:
        sdk = openai.OpenAI(base_url=f"{served.url}/v1", api_key="k", max_retries=0)
        assert [m.id for m in sdk.models.list()] == ["claude-sonnet-4"]
        done = sdk.chat.completions.create(model="claude-sonnet-4", messages=USER)  # type: ignore[arg-type]
        health = httpx.get(f"{served.url}/health").json()
    assert done.choices[0].message.content == "signed"
    assert health == {"status": "ok", "auth": "sigv4", "detail": "AWS credentials given"}
    assert fake_q.attempts("ListAvailableModels") == 0
    (request,) = fake_q.calls("SendMessage")
    auth = request.header("Authorization") or ""
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-west-2/q/aws4_request" in auth


def test_sigv4_without_configured_models_is_refused_at_start() -> None:
    from qsmith.runtime.errors import ConfigError

    with pytest.raises(ConfigError, match="--model"):
        ChatBackend(environ={"AMAZON_Q_SIGV4": "1"})


@pytest.mark.parametrize("stream", [True, False])
def test_a_disconnect_gives_the_upstream_connection_back(fake_q: FakeQ, stream: bool) -> None:
    """With one upstream connection, a turn after an abandoned one still runs: the
    abandoned call's connection was closed, not left streaming into a buffer (which on
    Python 3.12+ happened when only the reading task was cancelled)."""
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1, max_streams=1)
    events = [text(f"piece {i} ") for i in range(200)]
    progress = _Progress(stream_body(events))
    fake_q.respond(
        GENERATE,
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE)],
            body=progress,
            chunk_delay=0.02,
        ),
        answer(text("next turn")),
    )
    body = {"model": "claude-sonnet-4", "messages": USER, "stream": stream}
    with ServedGateway(backend, GatewayConfig(keepalive_interval=5.0)) as served:
        url = f"{served.url}/v1/chat/completions"
        if stream:
            with httpx.stream("POST", url, json=body) as response:
                for line in response.iter_lines():
                    if "piece 2" in line:
                        break
        else:
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(url, json=body, timeout=0.3)
        assert progress.finished.wait(timeout=5)
        after = httpx.post(url, json={**body, "stream": False}, timeout=10)
    assert after.status_code == 200, after.text
    assert after.json()["choices"][0]["message"]["content"] == "next turn"

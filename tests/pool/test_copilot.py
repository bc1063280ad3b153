"""GitHub Copilot as a pool login, against a loopback stand-in of its endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.gateway.backend import (
    BackendEvent,
    Message,
    TextDelta,
    TextPart,
    ToolCall,
    ToolChoice,
    ToolResultPart,
    ToolSpec,
    ToolUsePart,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.errors import LoginRequiredError, ThrottledError
from qsmith.pool.accounts import AccountSpec
from qsmith.pool.copilot import CopilotBackend
from qsmith.pool.logins import PoolLogin, build_login
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.pool.fake_copilot import GITHUB_TOKEN, FakeCopilot, sse, text_answer
from tests.pool.scripted import FakeClock, ScriptedBackend, login
from tests.pool.served import ServedApp, pool_app, sqlite_state

REQUEST = TurnRequest("gpt-4o", (Message("user", (TextPart("hi"),)),), system="Be brief.")


@pytest.fixture
def copilot() -> Iterator[tuple[FakeCopilot, str]]:
    server = LoopbackServer()
    fake = FakeCopilot(lambda: server.url)
    server.set_handler(fake.handle)
    with server:
        yield fake, server.url


async def events_of(backend: CopilotBackend, request: TurnRequest = REQUEST) -> list[BackendEvent]:
    async with contextlib.aclosing(backend.stream_turn(request)) as stream:
        return [event async for event in stream]


async def test_a_turn_is_an_openai_chat_request_and_its_stream_comes_back_as_events(
    copilot: tuple[FakeCopilot, str],
) -> None:
    fake, url = copilot
    backend = CopilotBackend(lambda: GITHUB_TOKEN, github_api=url)
    try:
        events = await events_of(backend)
    finally:
        await backend.aclose()
    assert events == [
        TextDelta("Hello"),
        TextDelta(" from Copilot"),
        TurnEnd("end_turn", Usage(12, 3)),
    ]
    (body,) = fake.chat_bodies
    assert body["model"] == "gpt-4o" and body["stream"] is True
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
    ]
    assert fake.chat_tokens == ["Bearer tid=copilot-1-CANARY"]


async def test_tools_go_out_as_functions_and_fragments_come_back_whole(
    copilot: tuple[FakeCopilot, str],
) -> None:
    fake, url = copilot
    call = {"index": 0, "id": "call_1", "function": {"name": "get_weather", "arguments": '{"ci'}}
    rest = {"index": 0, "function": {"arguments": 'ty": "Oslo"}'}}
    fake.chat_script.append(
        sse(
            {"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]},
            {"choices": [{"index": 0, "delta": {"tool_calls": [rest]}}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        )
    )
    request = TurnRequest(
        "gpt-4o",
        (
            Message("user", (TextPart("weather?"),)),
            Message("assistant", (ToolUsePart("call_0", "get_weather", {"city": "Rome"}),)),
            Message("user", (ToolResultPart("call_0", "sunny"), TextPart("and Oslo?"))),
        ),
        tools=(ToolSpec("get_weather", "Weather of a city", {"type": "object"}),),
        tool_choice=ToolChoice("any"),
    )
    backend = CopilotBackend(lambda: GITHUB_TOKEN, github_api=url)
    try:
        events = await events_of(backend, request)
    finally:
        await backend.aclose()
    assert events[0] == ToolCall("call_1", "get_weather", '{"city": "Oslo"}')
    assert isinstance(events[1], TurnEnd) and events[1].stop_reason == "tool_use"
    assert events[1].usage.estimated  # this answer reported no usage
    body = fake.chat_bodies[0]
    assert body["tool_choice"] == "required"
    assert body["tools"][0]["function"]["name"] == "get_weather"
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool", "user"]
    assert body["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"city": "Rome"}'
    assert body["messages"][2] == {"role": "tool", "tool_call_id": "call_0", "content": "sunny"}


async def test_the_copilot_token_is_exchanged_once_and_renewed_before_expiry(
    copilot: tuple[FakeCopilot, str],
) -> None:
    fake, url = copilot
    fake.lifetime = 120.0
    clock = FakeClock(now=time.time())
    backend = CopilotBackend(lambda: GITHUB_TOKEN, github_api=url, clock=clock)
    try:
        await asyncio.gather(*(events_of(backend) for _ in range(5)))
        assert fake.exchanges == 1
        clock.advance(59.0)  # still more than a minute left
        await events_of(backend)
        assert fake.exchanges == 1
        clock.advance(2.0)  # now within the minute before expiry
        await events_of(backend)
        assert fake.exchanges == 2
        assert fake.chat_tokens[-1] == "Bearer tid=copilot-2-CANARY"
    finally:
        await backend.aclose()


async def test_refusals_map_to_gateway_errors(copilot: tuple[FakeCopilot, str]) -> None:
    fake, url = copilot
    wrong = CopilotBackend(lambda: "gho-wrong", github_api=url)
    with pytest.raises(LoginRequiredError, match="sign in to GitHub again"):
        await events_of(wrong)
    await wrong.aclose()
    fake.chat_script.append(
        ScriptedResponse.json(429, '{"error": "rate limited"}', headers=[("x-request-id", "gh-7")])
    )
    backend = CopilotBackend(lambda: GITHUB_TOKEN, github_api=url)
    with pytest.raises(ThrottledError) as caught:
        await events_of(backend)
    assert getattr(caught.value, "request_id", None) == "gh-7"
    await backend.aclose()


def test_models_route_by_prefix_and_anthropic_clients_are_translated(
    copilot: tuple[FakeCopilot, str], tmp_path: Path
) -> None:
    fake, url = copilot
    token_file = tmp_path / "github-token"
    token_file.write_text(json.dumps({"github_token": GITHUB_TOKEN}))
    spec = AccountSpec("gh", "copilot", 1, path=token_file, github_api=url)
    state = sqlite_state(tmp_path)
    amazon_q = ScriptedBackend()
    app, _ = pool_app([login("q", amazon_q, 0), build_login(spec, state)], state)
    with ServedApp(app) as served:
        models = httpx.get(f"{served.url}/v1/models").json()["data"]
        assert {"copilot/gpt-4o", "gpt-4o", "amazon-q/claude-sonnet-4"} <= {m["id"] for m in models}
        answer = httpx.post(
            f"{served.url}/v1/messages",
            json={
                "model": "copilot/gpt-4o",
                "max_tokens": 50,
                "system": "Be brief.",
                "messages": [{"role": "user", "content": "hi"}],
            },
            headers={"anthropic-version": "2023-06-01"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["content"][0]["text"] == "Hello from Copilot"
        assert fake.chat_bodies[0]["model"] == "gpt-4o"
        assert fake.chat_bodies[0]["messages"][0] == {"role": "system", "content": "Be brief."}
        plain = httpx.post(
            f"{served.url}/v1/chat/completions",
            json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert plain.json()["choices"][0]["message"]["content"] == "Hello from Copilot"
        # An OpenAI-format request for a model only Copilot lists went through untranslated.
        assert fake.chat_bodies[1] == {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "hi"}],
        }
        claude = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}
        assert httpx.post(f"{served.url}/v1/chat/completions", json=claude).status_code == 200
    assert amazon_q.calls == 1 and len(fake.chat_bodies) == 2


def copilot_logins(url: str, tmp_path: Path, state: object) -> list[PoolLogin]:
    token_file = tmp_path / "github-token"
    token_file.write_text(GITHUB_TOKEN)
    specs = [AccountSpec(f"gh{i}", "copilot", i, path=token_file, github_api=url) for i in (1, 2)]
    return [build_login(spec, state) for spec in specs]  # type: ignore[arg-type]


def test_openai_requests_pass_through_untranslated_and_fail_over(
    copilot: tuple[FakeCopilot, str], tmp_path: Path
) -> None:
    fake, url = copilot
    state = sqlite_state(tmp_path)
    app, pool = pool_app(copilot_logins(url, tmp_path, state), state)
    request = {
        "model": "copilot/gpt-4o",
        "messages": [{"role": "user", "content": "hi"}],
        "logit_bias": {"50256": -100},  # nothing the gateway's translators know
        "user": "dev-7",
        "stream": True,
    }
    answered = text_answer("Hi", " there", prompt_tokens=9, completion_tokens=2)
    fake.chat_script += [ScriptedResponse.json(429, '{"error": "slow down"}'), answered]
    with ServedApp(app) as served:
        response = httpx.post(f"{served.url}/v1/chat/completions", json=request)
    assert response.status_code == 200
    assert response.content == b"".join(answered.body)  # type: ignore[arg-type]
    assert fake.chat_bodies == [{**request, "model": "gpt-4o"}] * 2
    assert pool.state.health("gh1").strikes == 1
    assert pool.state.usage("login:gh2") == {"requests": 1, "input_tokens": 9, "output_tokens": 2}
    assert pool.state.failures()[0].login == "gh1"

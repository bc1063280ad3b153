"""The real ``qsmith serve`` process with the official SDKs, and what its log says about
streams that fail midway or lose their client."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")
anthropic = pytest.importorskip(
    "anthropic", reason="the anthropic SDK (a dev dependency) is missing"
)

from qsmith.gateway.capabilities import EFFORT_BUDGETS  # noqa: E402
from qsmith.testing import ScriptedResponse  # noqa: E402
from qsmith.testing.fake_service import EVENT_STREAM_TYPE  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    answer,
    current_message,
    model_fields,
    png_bytes,
    reasoning,
    sent_state,
    stream_body,
    text,
    tool_use,
    usage,
)
from tests.gateway.process import ServeProcess  # noqa: E402
from tests.support.held_back import HeldBack  # noqa: E402

USER = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def serve(fake_q_server: FakeQ) -> Iterator[ServeProcess]:
    with ServeProcess(fake_q_server.url, "--log-level", "info", "--keepalive", "0.2") as process:
        yield process


def wait_for_log(serve: ServeProcess, needle: str, count: int = 1) -> str:
    """The log once ``needle`` is in it ``count`` times (a line is written when its request
    is over, which may be after the client has its answer); fails after a generous 60 s."""
    deadline = time.monotonic() + 60
    while (log := serve.log()).count(needle) < count:
        assert time.monotonic() < deadline, f"{needle!r} never logged ({count}x):\n{log}"
        time.sleep(0.05)
    return log


def test_the_sdks_stream_through_the_process(serve: ServeProcess, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("Hel"), text("lo"), usage(9, 2)))
    oa = openai.OpenAI(base_url=serve.url + "/v1", api_key="unused", max_retries=0)
    chunks = oa.chat.completions.create(model="gpt-4o", messages=USER, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"
    fake_q.respond(
        GENERATE, answer(tool_use("tu_1", "get_time", '{"tz": "UTC"}', stop=True), usage(9, 2))
    )
    an = anthropic.Anthropic(base_url=serve.url, api_key="unused", max_retries=0)
    tools = [{"name": "get_time", "description": "Time.", "input_schema": {"type": "object"}}]
    with an.messages.stream(
        model="claude-opus-4-8", max_tokens=50, messages=USER, tools=tools
    ) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert final.content[-1].input == {"tz": "UTC"}
    assert an.models.retrieve("claude-opus-4-8").id == "claude-opus-4-8"
    log = wait_for_log(serve, '"POST /v1/messages" 200')
    # Clients that read to the end and close did not leave early (a bare "499" could be a
    # client port or a duration in the log).
    assert '" 499: the client left' not in log


def test_responses_images_thinking_and_cache_fields_through_the_process(
    serve: ServeProcess, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("Done."), usage(9, 2, cache_read=40)))
    oa = openai.OpenAI(base_url=serve.url + "/v1", api_key="unused", max_retries=0)
    events = list(oa.responses.create(model="gpt-5.1-codex", input="hi", stream=True))
    final = events[-1].response
    assert final.output_text == "Done." and final.usage.input_tokens_details.cached_tokens == 40

    fake_q.respond(GENERATE, answer(reasoning("Look."), reasoning("", "sig"), text("Red.")))
    image = base64.b64encode(png_bytes()).decode()
    an = anthropic.Anthropic(base_url=serve.url, api_key="unused", max_retries=0)
    message = an.messages.create(
        model="claude-sonnet-4",
        max_tokens=50,
        thinking={"type": "enabled", "budget_tokens": 1024},
        system=[{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": image},
                    },
                    {"type": "text", "text": "Colour?", "cache_control": {"type": "ephemeral"}},
                ],
            }
        ],
    )
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].signature == "sig"
    call = fake_q.calls(GENERATE)[1]
    sent = current_message(call)
    assert base64.b64decode(sent["images"][0]["source"]["bytes"]) == png_bytes()
    assert model_fields(call) == {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    assert sent["cachePoint"] == {"type": "default"}  # system and message breakpoints: one


def test_thinking_cache_and_usage_through_the_process_streams(
    serve: ServeProcess, fake_q: FakeQ
) -> None:
    accounting = usage(12, 3, cache_read=500, cache_write=100)
    fake_q.respond(
        GENERATE, answer(reasoning("Hm."), reasoning("", "sig-2"), text("ok"), accounting)
    )
    an = anthropic.Anthropic(base_url=serve.url, api_key="unused", max_retries=0)
    cached = {"type": "ephemeral"}
    with an.messages.stream(
        model="claude-sonnet-4",
        max_tokens=8000,
        thinking={"type": "enabled", "budget_tokens": 4000},
        tools=[{"name": "ls", "input_schema": {"type": "object"}, "cache_control": cached}],
        messages=[
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "two"},
            {"role": "user", "content": [{"type": "text", "text": "3", "cache_control": cached}]},
        ],
    ) as stream:
        final = stream.get_final_message()
    assert final.content[0].signature == "sig-2"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (12, 3)
    assert final.usage.cache_read_input_tokens == 500
    assert final.usage.cache_creation_input_tokens == 100
    call = fake_q.calls(GENERATE)[0]
    assert model_fields(call) == {"thinking": {"type": "enabled", "budget_tokens": 4000}}
    state = sent_state(call)
    assert "cachePoint" not in state["history"][0]["userInputMessage"]
    current = state["currentMessage"]["userInputMessage"]
    assert current["cachePoint"] == {"type": "default"}
    tools = current["userInputMessageContext"]["tools"]
    assert tools[1] == {"cachePoint": {"type": "default"}}

    fake_q.respond(GENERATE, answer(text("ok"), accounting))
    oa = openai.OpenAI(base_url=serve.url + "/v1", api_key="unused", max_retries=0)
    chunks = oa.chat.completions.create(
        model="gpt-5",
        reasoning_effort="medium",
        messages=USER,
        stream=True,
        stream_options={"include_usage": True},
    )
    (last,) = [c for c in chunks if c.usage is not None]
    assert last.usage is not None and last.usage.prompt_tokens == 612
    assert last.usage.prompt_tokens_details.cached_tokens == 500
    assert model_fields(fake_q.calls(GENERATE)[1]) == {
        "thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["medium"]}
    }
    with pytest.raises(openai.BadRequestError, match="'qwen3-coder' does not support"):
        oa.chat.completions.create(model="qwen3-coder", reasoning_effort="low", messages=USER)


def test_reasoning_models_chosen_by_option_and_config_file(
    fake_q_server: FakeQ, fake_q: FakeQ, tmp_path: Path
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('[reasoning_models]\n"claude-sonnet-4" = false\n')
    args = ("--reasoning-model", "qwen3-coder=on", "--config", str(config))
    with ServeProcess(fake_q_server.url, *args) as process:
        fake_q.respond(GENERATE, answer(text("ok")))
        oa = openai.OpenAI(base_url=process.url + "/v1", api_key="unused", max_retries=0)
        oa.chat.completions.create(model="qwen3-coder", reasoning_effort="low", messages=USER)
        assert model_fields(fake_q.calls(GENERATE)[0]) == {
            "thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["low"]}
        }
        with pytest.raises(openai.BadRequestError, match="'claude-sonnet-4' does not support"):
            oa.chat.completions.create(
                model="claude-sonnet-4", reasoning_effort="low", messages=USER
            )


def test_a_stream_failing_midway_is_logged_as_a_failure_with_the_request_id(
    serve: ServeProcess, fake_q: FakeQ
) -> None:
    fake_q.respond(
        GENERATE,
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE), ("x-amzn-RequestId", "req-cut-7")],
            body=stream_body([text(f"piece {i} ") for i in range(20)]),
            drop_after_chunks=4,
        ),
    )
    body = {"model": "claude-sonnet-4", "messages": USER, "stream": True}
    with httpx.stream("POST", serve.url + "/v1/chat/completions", json=body) as response:
        lines = [line for line in response.iter_lines() if line]
    assert response.status_code == 200
    assert any('"error"' in line for line in lines) and lines[-1] == "data: [DONE]"
    log = wait_for_log(serve, "req-cut-7")
    (line,) = [entry for entry in log.splitlines() if "req-cut-7" in entry]
    assert line.startswith("WARNING") and "failed mid-stream" in line
    assert '"POST /v1/chat/completions" 200 then failed' in line


def test_a_client_that_leaves_is_logged_as_499(serve: ServeProcess, fake_q: FakeQ) -> None:
    # The answer stops after a few pieces until the client has left: it cannot end first.
    held = HeldBack(stream_body([text(f"piece {i} ") for i in range(100)]), held_from=5)
    headers = [("Content-Type", EVENT_STREAM_TYPE)]
    fake_q.respond(GENERATE, ScriptedResponse(status=200, headers=headers, body=held))
    body = {"model": "claude-sonnet-4", "messages": USER, "stream": True, "max_tokens": 9}
    gone = '"POST /v1/messages" 499: the client left'
    before = serve.log().count(gone)
    try:
        with httpx.stream("POST", serve.url + "/v1/messages", json=body) as response:
            for line in response.iter_lines():
                if "piece 2" in line:
                    break
        log = wait_for_log(serve, gone, count=before + 1)
    finally:
        held.release.set()
    assert log.count(gone) == before + 1

"""The official OpenAI SDK against the gateway, which talks to a scripted fake Amazon Q."""

from __future__ import annotations

import base64
import json

import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"

pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")

from qsmith.gateway.app import GatewayConfig  # noqa: E402
from qsmith.gateway.chat_backend import ChatBackend  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    current_message,
    png_bytes,
    reasoning,
    sent_state,
    text,
    tool_use,
    usage,
)

LONG_TOOL = "mcp__filesystem-server__read-the-whole-file-with-a-very-long-descriptive-name"


def client(gateway: ServedGateway, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)


def test_non_streaming_text_with_system_prompt(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("Hello"), text(" world"), usage(12, 3, cache_read=5)))
    completion = client(gateway).chat.completions.create(
        model="claude-sonnet-4-20250514",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Say hello"},
        ],
    )
    assert completion.choices[0].message.content == "Hello world"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "claude-sonnet-4-20250514"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (17, 3)
    assert completion.usage.total_tokens == 20
    sent = current_message(fake_q.calls(GENERATE)[0])
    assert sent["modelId"] == "claude-sonnet-4"
    assert "Be brief." in sent["content"] and sent["content"].endswith("Say hello")


def test_streaming_chunks_end_with_finish_and_usage(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("One"), text(" two"), usage(10, 2)))
    stream = client(gateway).chat.completions.create(
        model="claude-sonnet-4",
        messages=[{"role": "user", "content": "Count"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    pieces = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert "".join(pieces) == "One two"
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens == 10


def test_streaming_reasoning_is_reasoning_content(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(reasoning("Think"), reasoning(" hard", "sig"), text("42")))
    chunks = list(
        client(gateway).chat.completions.create(
            model="claude-sonnet-4",
            messages=[{"role": "user", "content": "Answer"}],
            stream=True,
            reasoning_effort="high",
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    thought = "".join(getattr(d, "reasoning_content", None) or "" for d in deltas)
    assert thought == "Think hard"
    assert "".join(d.content or "" for d in deltas) == "42"


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": LONG_TOOL,
            "description": "Read a file.",
            "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
        },
    }
]


def _service_tool_name(fake_q: FakeQ) -> str:
    tools = current_message(fake_q.calls(GENERATE)[0])["userInputMessageContext"]["tools"]
    name = tools[0]["toolSpecification"]["name"]
    assert isinstance(name, str)
    return name


@pytest.mark.parametrize("streaming", [False, True])
def test_tool_round_trip_with_long_name(
    gateway: ServedGateway, fake_q: FakeQ, streaming: bool
) -> None:
    fake_q.respond(GENERATE, answer(text("Reading.")))  # first call learns the mapped name
    sdk = client(gateway)
    first = [{"role": "user", "content": "Read a.txt"}]
    sdk.chat.completions.create(model="claude-sonnet-4", messages=first, tools=TOOLS)
    service_name = _service_tool_name(fake_q)
    assert len(service_name) <= 64 and service_name.replace("_", "").isalnum()
    assert service_name != LONG_TOOL

    fake_q.respond(
        GENERATE,
        answer(
            tool_use("tu_1", service_name, '{"path":'),
            tool_use("tu_1", service_name, ' "a.txt"}', stop=True),
            usage(30, 8),
        ),
    )
    if streaming:
        chunks = list(
            sdk.chat.completions.create(
                model="claude-sonnet-4", messages=first, tools=TOOLS, stream=True
            )
        )
        calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
        finish = [c.choices[0].finish_reason for c in chunks if c.choices][-1]
        (call,) = calls
        name, arguments, call_id = call.function.name, call.function.arguments, call.id
    else:
        completion = sdk.chat.completions.create(
            model="claude-sonnet-4", messages=first, tools=TOOLS
        )
        (message_call,) = completion.choices[0].message.tool_calls or []
        finish = completion.choices[0].finish_reason
        name = message_call.function.name
        arguments, call_id = message_call.function.arguments, message_call.id
    assert (name, json.loads(arguments or ""), call_id, finish) == (
        LONG_TOOL,
        {"path": "a.txt"},
        "tu_1",
        "tool_calls",
    )

    fake_q.respond(GENERATE, answer(text("It says hi.")))
    follow_up = [
        *first,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "tu_1",
                    "type": "function",
                    "function": {"name": LONG_TOOL, "arguments": arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "tu_1", "content": "hi"},
    ]
    done = sdk.chat.completions.create(model="claude-sonnet-4", messages=follow_up, tools=TOOLS)
    assert done.choices[0].message.content == "It says hi."
    state = sent_state(fake_q.calls(GENERATE)[-1])
    assistant = state["history"][1]["assistantResponseMessage"]
    assert assistant["toolUses"] == [
        {"toolUseId": "tu_1", "name": service_name, "input": {"path": "a.txt"}}
    ]
    results = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["toolResults"]
    assert results == [{"toolUseId": "tu_1", "content": [{"text": "hi"}], "status": "success"}]


def test_image_from_data_url(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("A pixel.")))
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": data_url}},
    ]
    client(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=[{"role": "user", "content": content}]
    )
    (image,) = current_message(fake_q.calls(GENERATE)[0])["images"]
    assert image["format"] == "png"
    assert base64.b64decode(image["source"]["bytes"]) == png_bytes()


def test_remote_image_urls_are_refused_naming_the_field(gateway: ServedGateway) -> None:
    content = [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]
    with pytest.raises(openai.BadRequestError) as caught:
        client(gateway).chat.completions.create(
            model="claude-sonnet-4", messages=[{"role": "user", "content": content}]
        )
    assert caught.value.status_code == 400
    assert "messages[0].content[0].image_url.url" in str(caught.value)


def test_models_listed_live(gateway: ServedGateway, fake_q: FakeQ) -> None:
    ids = [m.id for m in client(gateway).models.list()]
    assert ids == ["claude-sonnet-4", "claude-3.7-sonnet", "claude-sonnet-4.5", "qwen3-coder"]
    assert fake_q.attempts("ListAvailableModels") == 1


def test_models_cached_within_ttl(fake_q: FakeQ) -> None:
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1)
    fake_q.respond(GENERATE, answer(text("ok")))
    with ServedGateway(backend, GatewayConfig(models_ttl=60.0)) as cached:
        sdk = client(cached)
        first = [m.id for m in sdk.models.list()]
        assert [m.id for m in sdk.models.list()] == first
        sdk.chat.completions.create(
            model="claude-sonnet-4", messages=[{"role": "user", "content": "x"}]
        )
    assert fake_q.attempts("ListAvailableModels") == 1


def test_unknown_model_is_not_found(gateway: ServedGateway) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client(gateway).chat.completions.create(
            model="llama-3-70b", messages=[{"role": "user", "content": "hi"}]
        )
    assert "claude-sonnet-4" in str(caught.value)  # it lists what is available


def test_models_retrieve_and_family_names(gateway: ServedGateway, fake_q: FakeQ) -> None:
    sdk = client(gateway)
    assert sdk.models.retrieve("claude-3-7-sonnet-latest").id == "claude-3-7-sonnet-latest"
    raw = sdk.models.with_raw_response.retrieve("gpt-5.1-codex")
    assert raw.headers["x-qsmith-model"] == "claude-sonnet-4.5"
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.models.retrieve("llama-3-70b")
    assert caught.value.status_code == 404 and "claude-sonnet-4.5" in str(caught.value)


def test_a_family_name_is_served_and_says_by_which_model(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("hi")))
    raw = client(gateway).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.parse().model == "gpt-4o"
    assert raw.headers["x-qsmith-model"] == "claude-sonnet-4.5"
    assert current_message(fake_q.calls(GENERATE)[0])["modelId"] == "claude-sonnet-4.5"

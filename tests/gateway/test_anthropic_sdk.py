"""The official Anthropic SDK against the gateway, which talks to a scripted fake Amazon Q."""

from __future__ import annotations

import base64

import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"

pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
anthropic = pytest.importorskip(
    "anthropic", reason="the anthropic SDK (a dev dependency) is missing"
)

from qsmith.gateway.tokens import estimate_request  # noqa: E402
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

WEATHER = {
    "name": "get-weather",
    "description": "Weather for a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def client(gateway: ServedGateway, key: str = "unused") -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0)


def test_non_streaming_text_and_usage(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("Bonjour"), usage(20, 4, cache_read=7)))
    message = client(gateway).messages.create(
        model="us.anthropic.claude-sonnet-4-20250514-v1:0",
        max_tokens=100,
        system=[{"type": "text", "text": "Answer in French."}],
        messages=[{"role": "user", "content": "Hello"}],
    )
    assert [b.type for b in message.content] == ["text"]
    assert message.content[0].text == "Bonjour"  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (20, 4)
    assert message.usage.cache_read_input_tokens == 7
    sent = current_message(fake_q.calls(GENERATE)[0])
    assert sent["modelId"] == "claude-sonnet-4"
    assert "Answer in French." in sent["content"]


def test_streaming_event_sequence(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(
        GENERATE,
        answer(
            reasoning("Hmm"),
            reasoning("", "sig-1"),
            text("Sunny"),
            tool_use("tu_9", "get_weather", '{"city": "Paris"}', stop=True),
            usage(40, 9),
        ),
    )
    with client(gateway).messages.stream(
        model="claude-sonnet-4",
        max_tokens=100,
        thinking={"type": "enabled", "budget_tokens": 1024},
        tools=[WEATHER],  # type: ignore[list-item]
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert kinds.count("content_block_start") == kinds.count("content_block_stop") == 3
    assert [b.type for b in final.content] == ["thinking", "text", "tool_use"]
    thinking, said, call = final.content
    assert (thinking.thinking, thinking.signature) == ("Hmm", "sig-1")  # type: ignore[union-attr]
    assert said.text == "Sunny"  # type: ignore[union-attr]
    assert (call.name, call.input, call.id) == ("get-weather", {"city": "Paris"}, "tu_9")  # type: ignore[union-attr]
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens == 9


def test_tool_result_round_trip(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("It is sunny in Paris.")))
    message = client(gateway).messages.create(
        model="claude-sonnet-4",
        max_tokens=100,
        tools=[WEATHER],  # type: ignore[list-item]
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "Use the tool.", "signature": "s"},
                    {
                        "type": "tool_use",
                        "id": "tu_9",
                        "name": "get-weather",
                        "input": {"city": "Paris"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "tu_9", "content": "sunny"}],
            },
        ],
    )
    assert message.content[0].text == "It is sunny in Paris."  # type: ignore[union-attr]
    state = sent_state(fake_q.calls(GENERATE)[0])
    assistant = state["history"][1]["assistantResponseMessage"]
    assert assistant["toolUses"] == [
        {"toolUseId": "tu_9", "name": "get_weather", "input": {"city": "Paris"}}
    ]
    assert assistant["reasoningContent"]["reasoningText"] == {
        "text": "Use the tool.",
        "signature": "s",
    }
    context = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]
    assert context["toolResults"][0]["content"] == [{"text": "sunny"}]
    assert context["tools"][0]["toolSpecification"]["name"] == "get_weather"


def test_orphan_tool_use_is_answered_and_prefill_followed(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    client(gateway).messages.create(
        model="claude-sonnet-4",
        max_tokens=50,
        tools=[WEATHER],  # type: ignore[list-item]
        messages=[
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "tu_1", "name": "get-weather", "input": {}}],
            },
        ],
    )
    state = sent_state(fake_q.calls(GENERATE)[0])
    first = state["history"][0]["userInputMessage"]["content"]
    assert first == "a\n\nb"  # consecutive user turns merged
    current = state["currentMessage"]["userInputMessage"]
    (result,) = current["userInputMessageContext"]["toolResults"]
    assert (result["toolUseId"], result["status"]) == ("tu_1", "error")


def test_image_block(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("A pixel.")))
    data = base64.b64encode(png_bytes()).decode()
    client(gateway).messages.create(
        model="claude-sonnet-4",
        max_tokens=50,
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": data},
                    },
                    {"type": "text", "text": "What is it?"},
                ],
            }
        ],
    )
    (image,) = current_message(fake_q.calls(GENERATE)[0])["images"]
    assert image["format"] == "png"
    assert base64.b64decode(image["source"]["bytes"]) == png_bytes()


def test_count_tokens_is_the_documented_estimate(gateway: ServedGateway) -> None:
    from qsmith.gateway.anthropic_api import parse_messages_request

    body = {
        "model": "claude-sonnet-4",
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "How many tokens is this sentence?"}],
    }
    counted = client(gateway).messages.count_tokens(**body)  # type: ignore[arg-type]
    assert (
        counted.input_tokens
        == estimate_request(parse_messages_request(body, counting=True).turn)
        > 0
    )


def test_models_list_readable_by_the_anthropic_sdk(gateway: ServedGateway, fake_q: FakeQ) -> None:
    models = list(client(gateway).models.list())
    assert models[0].id == "claude-sonnet-4"
    assert models[0].display_name == "model claude-sonnet-4"


def test_models_retrieve_resolves_any_usable_name(gateway: ServedGateway, fake_q: FakeQ) -> None:
    sdk = client(gateway)
    assert sdk.models.retrieve("claude-sonnet-4").display_name == "model claude-sonnet-4"
    # Claude Code's default: the fake offers no opus, so the newest sonnet serves it.
    raw = sdk.models.with_raw_response.retrieve("claude-opus-4-8")
    assert raw.parse().id == "claude-opus-4-8"
    assert raw.headers["x-qsmith-model"] == "claude-sonnet-4.5"
    with pytest.raises(anthropic.NotFoundError, match=r"available models: claude-3\.7-sonnet"):
        sdk.models.retrieve("llama-3-70b")

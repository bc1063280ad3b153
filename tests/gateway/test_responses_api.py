"""The OpenAI Responses API through the gateway, read by the official openai SDK."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")

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

SHELL = {
    "type": "function",
    "name": "shell",
    "description": "Run a command.",
    "parameters": {"type": "object", "properties": {"command": {"type": "string"}}},
}
PATCH = {"type": "custom", "name": "apply_patch", "description": "Apply a patch."}


def client(gateway: ServedGateway) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0)


def test_a_text_answer_with_instructions_and_usage(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("Bon"), text("jour"), usage(20, 4, cache_read=5)))
    response = client(gateway).responses.create(
        model="gpt-5.1-codex",
        instructions="Answer in French.",
        input="Hello",
        max_output_tokens=100,
        store=False,
    )
    assert response.status == "completed" and response.output_text == "Bonjour"
    assert response.model == "gpt-5.1-codex"
    assert response.usage is not None and response.usage.output_tokens == 4
    assert response.usage.input_tokens == 25
    assert response.usage.input_tokens_details.cached_tokens == 5
    sent = current_message(fake_q.calls(GENERATE)[0])
    assert "Answer in French." in sent["content"] and sent["content"].endswith("Hello")


def test_a_streamed_tool_call_then_its_output(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(
        GENERATE,
        answer(
            reasoning("Need ls."),
            reasoning("", "sig-9"),
            tool_use("call_1", "shell", '{"command": "ls"}', stop=True),
            usage(30, 6),
        ),
    )
    sdk = client(gateway)
    stream = sdk.responses.create(
        model="gpt-5.1-codex",
        input=[{"role": "user", "content": [{"type": "input_text", "text": "List files"}]}],
        tools=[SHELL],
        reasoning={"effort": "medium"},
        stream=True,
    )
    events = list(stream)
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert "response.reasoning_summary_text.delta" in kinds
    assert "response.function_call_arguments.done" in kinds
    final = events[-1].response
    reasoning_item, call = final.output
    assert reasoning_item.type == "reasoning" and reasoning_item.encrypted_content == "sig-9"
    assert (call.type, call.name, call.call_id) == ("function_call", "shell", "call_1")
    assert json.loads(call.arguments) == {"command": "ls"}

    fake_q.respond(GENERATE, answer(text("Two files.")))
    follow = sdk.responses.create(
        model="gpt-5.1-codex",
        input=[
            {"role": "user", "content": "List files"},
            reasoning_item.model_dump(exclude_none=True),
            call.model_dump(exclude_none=True),
            {"type": "function_call_output", "call_id": "call_1", "output": "a.txt\nb.txt"},
        ],
        tools=[SHELL],
    )
    assert follow.output_text == "Two files."
    state = sent_state(fake_q.calls(GENERATE)[1])
    assistant = state["history"][-1]["assistantResponseMessage"]
    assert assistant["toolUses"][0]["toolUseId"] == "call_1"
    assert assistant["reasoningContent"]["reasoningText"]["signature"] == "sig-9"
    result = current_message(fake_q.calls(GENERATE)[1])["userInputMessageContext"]
    assert result["toolResults"][0]["content"][0]["text"] == "a.txt\nb.txt"


def test_custom_tools_round_trip_as_custom_tool_calls(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    patch = "*** Begin Patch\n*** End Patch"
    fake_q.respond(
        GENERATE, answer(tool_use("call_p", "apply_patch", json.dumps({"input": patch}), stop=True))
    )
    response = client(gateway).responses.create(
        model="gpt-5.1-codex", input="Fix it", tools=[PATCH]
    )
    (call,) = response.output
    assert call.type == "custom_tool_call" and call.input == patch
    sent = current_message(fake_q.calls(GENERATE)[0])["userInputMessageContext"]["tools"]
    schema = sent[0]["toolSpecification"]["inputSchema"]["json"]
    assert schema["required"] == ["input"]


def test_images_in_input(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("A pixel.")))
    url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    client(gateway).responses.create(
        model="claude-sonnet-4",
        input=[
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is it?"},
                    {"type": "input_image", "image_url": url, "detail": "auto"},
                ],
            }
        ],
    )
    sent = current_message(fake_q.calls(GENERATE)[0])
    assert base64.b64decode(sent["images"][0]["source"]["bytes"]) == png_bytes()


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"previous_response_id": "resp_1"}, "previous_response_id: no response 'resp_1'"),
        ({"conversation": "conv_1"}, "conversation: not supported"),
        ({"input": [{"type": "item_reference", "id": "x"}]}, "unsupported input item"),
        ({"text": {"format": {"type": "json_object"}}}, "text.format.type"),
        ({"temperature": "hot"}, "temperature: expected"),
    ],
)
def test_what_the_gateway_cannot_do_is_a_400(
    gateway: ServedGateway, extra: dict[str, object], says: str
) -> None:
    body = {"model": "claude-sonnet-4", "input": "hi", **extra}
    response = httpx.post(gateway.url + "/v1/responses", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and says in error["message"]


def test_a_failure_before_any_output_is_an_http_error(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    with pytest.raises(openai.NotFoundError):
        client(gateway).responses.create(model="llama-3-70b", input="hi", stream=True)


def test_namespace_tools_flatten_and_hosted_tools_are_named_not_sent(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(tool_use("call_n", "agents_close", '{"id": "a1"}', stop=True)))
    close = {"type": "function", "name": "close", "parameters": {"type": "object"}}
    tools = [
        {"type": "namespace", "name": "agents", "description": "Sub-agents.", "tools": [close]},
        {"type": "web_search", "external_web_access": False},
    ]
    raw = client(gateway).responses.with_raw_response.create(
        model="gpt-5.1-codex", input="Close a1", tools=tools
    )
    assert raw.headers["x-qsmith-omitted-tools"] == "web_search"
    (call,) = raw.parse().output
    assert (call.name, call.namespace, call.call_id) == ("close", "agents", "call_n")
    sent = current_message(fake_q.calls(GENERATE)[0])["userInputMessageContext"]["tools"]
    assert [t["toolSpecification"]["name"] for t in sent] == ["agents_close"]

    fake_q.respond(GENERATE, answer(text("Closed.")))
    client(gateway).responses.create(
        model="gpt-5.1-codex",
        input=[
            {"role": "user", "content": "Close a1"},
            call.model_dump(exclude_none=True),
            {"type": "function_call_output", "call_id": "call_n", "output": "ok"},
        ],
        tools=tools,
    )
    history = sent_state(fake_q.calls(GENERATE)[1])["history"]
    assert history[-1]["assistantResponseMessage"]["toolUses"][0]["name"] == "agents_close"


def test_previous_response_id_continues_a_kept_response(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    sdk = client(gateway)
    fake_q.respond(GENERATE, answer(tool_use("call_1", "shell", '{"command": "ls"}', stop=True)))
    first = sdk.responses.create(model="claude-sonnet-4", input="List files", tools=[SHELL])
    fake_q.respond(GENERATE, answer(text("Two files.")))
    second = sdk.responses.create(
        model="claude-sonnet-4",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": "call_1", "output": "a\nb"}],
        tools=[SHELL],
        stream=True,
    )
    assert list(second)[-1].response.output_text == "Two files."
    state = sent_state(fake_q.calls(GENERATE)[1])
    assert state["history"][0]["userInputMessage"]["content"] == "List files"
    uses = state["history"][1]["assistantResponseMessage"]["toolUses"]
    assert uses[0]["toolUseId"] == "call_1"
    results = current_message(fake_q.calls(GENERATE)[1])["userInputMessageContext"]
    assert results["toolResults"][0]["toolUseId"] == "call_1"


def test_a_response_created_with_store_false_is_not_kept(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("hi")))
    first = client(gateway).responses.create(model="claude-sonnet-4", input="hi", store=False)
    with pytest.raises(openai.BadRequestError, match="previous_response_id"):
        client(gateway).responses.create(
            model="claude-sonnet-4", previous_response_id=first.id, input="again"
        )

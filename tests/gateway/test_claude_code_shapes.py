"""Claude Code's own requests (the recorded corpus) and the shapes it may send, through the
gateway to a fake Amazon Q: each is served, and what goes upstream keeps everything."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)

from qsmith.gateway.capabilities import EFFORT_BUDGETS  # noqa: E402
from qsmith.gateway.toolnames import MAX_DESCRIPTION, MOVED_DESCRIPTION  # noqa: E402
from tests.gateway.corpus import RecordedRequest, claude_code_requests  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    current_message,
    model_fields,
    png_bytes,
    sent_state,
    text,
    usage,
)

CORPUS = claude_code_requests()
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "unused"}


def send(gateway: ServedGateway, recorded: RecordedRequest) -> httpx.Response:
    headers = {**recorded.headers, "x-api-key": "unused"}
    return httpx.post(gateway.url + recorded.path, json=recorded.body, headers=headers, timeout=30)


def sse_types(response: httpx.Response) -> list[str]:
    return [
        json.loads(line[len("data: ") :])["type"]
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]


def first_user_text(state: dict[str, Any]) -> str:
    history = state.get("history") or []
    first = history[0] if history else state["currentMessage"]
    content = first["userInputMessage"]["content"]
    assert isinstance(content, str)
    return content


@pytest.mark.parametrize("recorded", CORPUS, ids=[r.name for r in CORPUS])
def test_every_recorded_claude_code_request_is_served(
    gateway: ServedGateway, fake_q: FakeQ, recorded: RecordedRequest
) -> None:
    fake_q.respond(GENERATE, answer(text("Done."), usage(30, 2)))
    response = send(gateway, recorded)
    assert response.status_code == 200, response.text
    assert sse_types(response)[-1] == "message_stop"
    # claude-opus-4-8 is not offered by the fake: the newest model of the nearest family is.
    assert response.headers["x-qsmith-model"] == "claude-sonnet-4.5"
    state = sent_state(fake_q.calls(GENERATE)[0])
    system = first_user_text(state)
    for block in recorded.body["system"]:
        assert block["text"] in system  # every system block, cache_control or not
    inline_system = [m for m in recorded.body["messages"] if m["role"] == "system"]
    assert inline_system and all(m["content"] in system for m in inline_system)
    sent_tools = {
        t["toolSpecification"]["name"]: t["toolSpecification"]
        for t in current_message(fake_q.calls(GENERATE)[0])["userInputMessageContext"]["tools"]
    }
    assert set(sent_tools) == {t["name"] for t in recorded.body["tools"]}
    for tool in recorded.body["tools"]:
        sent = sent_tools[tool["name"]]["description"]
        if len(tool["description"]) > MAX_DESCRIPTION:
            assert sent == MOVED_DESCRIPTION.format(name=tool["name"])
            assert tool["description"] in system  # moved whole, not cut
        else:
            assert sent == tool["description"].strip()


def test_the_tool_round_trip_reaches_the_service_as_a_tool_use_and_its_result(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    (recorded,) = [r for r in CORPUS if r.name == "tool_round_trip_2_result"]
    fake_q.respond(GENERATE, answer(text("It says hello.")))
    assert send(gateway, recorded).status_code == 200
    state = sent_state(fake_q.calls(GENERATE)[0])
    uses = state["history"][-1]["assistantResponseMessage"]["toolUses"]
    assert [(u["toolUseId"], u["name"]) for u in uses] == [("toolu_1", "Read")]
    results = current_message(fake_q.calls(GENERATE)[0])["userInputMessageContext"]["toolResults"]
    assert results[0]["toolUseId"] == "toolu_1"
    assert "hello file contents" in results[0]["content"][0]["text"]


@pytest.mark.parametrize("recorded", CORPUS, ids=[r.name for r in CORPUS])
def test_claude_codes_thinking_and_cache_breakpoints_reach_the_service(
    gateway: ServedGateway, fake_q: FakeQ, recorded: RecordedRequest
) -> None:
    fake_q.respond(GENERATE, answer(text("Done."), usage(30, 2, cache_read=900, cache_write=40)))
    response = send(gateway, recorded)
    assert response.status_code == 200, response.text
    # thinking {type: adaptive} and output_config.effort "high", on a reasoning model.
    assert recorded.body["thinking"] == {"type": "adaptive"}
    assert model_fields(fake_q.calls(GENERATE)[0]) == {
        "thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["high"]}
    }
    # The system blocks' breakpoints are the first user message's; the last user
    # message's is its own (claude-sonnet-4.5 takes 2 checkpoints in the fake's list).
    state = sent_state(fake_q.calls(GENERATE)[0])
    messages = [*(state.get("history") or []), state["currentMessage"]]
    marked = [i for i, m in enumerate(messages) if "cachePoint" in next(iter(m.values()))]
    assert marked == sorted({0, len(messages) - 1})
    final = [
        json.loads(line[len("data: ") :])
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]
    (delta,) = [e for e in final if e["type"] == "message_delta"]
    assert delta["usage"]["cache_read_input_tokens"] == 900
    assert delta["usage"]["cache_creation_input_tokens"] == 40
    assert delta["usage"]["input_tokens"] == 30


def messages_body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4", "max_tokens": 100, "messages": messages, **extra}


def test_a_late_system_message_stays_in_place_as_tagged_user_text(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    body = messages_body(
        [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "reply"},
            {"role": "system", "content": [{"type": "text", "text": "Now be terse."}]},
            {"role": "user", "content": "second"},
        ]
    )
    response = httpx.post(gateway.url + "/v1/messages?beta=true", json=body, headers=HEADERS)
    assert response.status_code == 200, response.text
    sent = current_message(fake_q.calls(GENERATE)[0])["content"]
    assert sent.index("<system_message>\nNow be terse.") < sent.index("second")


def test_images_in_tool_results_travel_with_the_message(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("A red pixel.")))
    image = {
        "type": "image",
        "source": {
            "type": "base64",
            "media_type": "image/png",
            "data": base64.b64encode(png_bytes()).decode(),
        },
    }
    result = {
        "type": "tool_result",
        "tool_use_id": "tu_1",
        "content": [{"type": "text", "text": "screenshot:"}, image],
        "cache_control": {"type": "ephemeral"},
    }
    body = messages_body(
        [
            {"role": "user", "content": "Take a screenshot"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "tu_1", "name": "shot", "input": {}}],
            },
            {"role": "user", "content": [result]},
        ]
    )
    response = httpx.post(gateway.url + "/v1/messages", json=body, headers=HEADERS)
    assert response.status_code == 200, response.text
    sent = current_message(fake_q.calls(GENERATE)[0])
    assert base64.b64decode(sent["images"][0]["source"]["bytes"]) == png_bytes()
    result_text = sent["userInputMessageContext"]["toolResults"][0]["content"][0]["text"]
    assert result_text.startswith("screenshot:") and "1 image(s)" in result_text


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (
            messages_body(
                [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "document",
                                "source": {
                                    "type": "base64",
                                    "media_type": "application/pdf",
                                    "data": "JVBERi0=",
                                },
                            }
                        ],
                    }
                ]
            ),
            400,
            "messages[0].content[0]: document blocks with a 'base64' source (PDF)",
        ),
        (
            {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]},
            400,
            "max_tokens: this field is required",
        ),
        (
            messages_body([{"role": "user", "content": "hi"}], temperature="hot"),
            400,
            "temperature: expected an integer or a number",
        ),
        (
            messages_body([{"role": "user", "content": "hi"}], thinking={"type": "maybe"}),
            400,
            "thinking.type: expected one of",
        ),
    ],
    ids=["pdf-document", "no-max-tokens", "temperature-hot", "thinking-type"],
)
def test_what_cannot_be_served_is_a_clear_400(
    gateway: ServedGateway, body: dict[str, Any], status: int, says: str
) -> None:
    response = httpx.post(gateway.url + "/v1/messages", json=body, headers=HEADERS)
    assert response.status_code == status
    error = response.json()
    assert error["type"] == "error" and error["error"]["type"] == "invalid_request_error"
    assert says in error["error"]["message"]


def test_text_documents_are_sent_as_text(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    document = {
        "type": "document",
        "title": "notes.txt",
        "source": {"type": "text", "media_type": "text/plain", "data": "alpha beta"},
    }
    body = messages_body([{"role": "user", "content": [document, {"type": "text", "text": "?"}]}])
    assert httpx.post(gateway.url + "/v1/messages", json=body, headers=HEADERS).status_code == 200
    sent = current_message(fake_q.calls(GENERATE)[0])["content"]
    assert "<document title='notes.txt'>\nalpha beta\n</document>" in sent


def test_count_tokens_accepts_claude_code_requests(gateway: ServedGateway) -> None:
    (recorded,) = [r for r in CORPUS if r.name == "text_turn"]
    body = {k: v for k, v in recorded.body.items() if k not in ("max_tokens", "stream")}
    response = httpx.post(
        gateway.url + "/v1/messages/count_tokens?beta=true", json=body, headers=recorded.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["input_tokens"] > MAX_DESCRIPTION // 4  # the tools count too

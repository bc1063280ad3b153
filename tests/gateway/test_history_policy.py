"""The gateway applies chat's history rules (``qsmith.chat.history``): what reaches the
service for conversations that break them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)

from qsmith.chat.history import CANCELLED_TOOL_RESULT  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    current_message,
    sent_state,
    text,
)

HEADERS = {"anthropic-version": "2023-06-01"}
CALL = {"type": "tool_use", "id": "tu_1", "name": "grep", "input": {}}


def send(gateway: ServedGateway, messages: list[dict[str, Any]]) -> httpx.Response:
    body = {"model": "claude-sonnet-4", "max_tokens": 9, "system": "S.", "messages": messages}
    return httpx.post(gateway.url + "/v1/messages", json=body, headers=HEADERS)


def test_an_unanswered_tool_call_gets_chats_cancelled_result(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": [CALL]},
        {"role": "user", "content": "never mind"},
    ]
    assert send(gateway, messages).status_code == 200
    sent = current_message(fake_q.calls(GENERATE)[0])
    (result,) = sent["userInputMessageContext"]["toolResults"]
    assert result["toolUseId"] == "tu_1" and result["status"] == "error"
    assert result["content"][0]["text"] == CANCELLED_TOOL_RESULT


def test_a_leading_assistant_turn_is_dropped_and_the_system_prompt_kept(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    messages = [
        {"role": "assistant", "content": "Hi, how can I help?"},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "one"},
        {"role": "user", "content": "second"},
    ]
    assert send(gateway, messages).status_code == 200
    history = sent_state(fake_q.calls(GENERATE)[0])["history"]
    assert len(history) == 2
    assert history[0]["userInputMessage"]["content"].startswith("<system_instructions>\nS.")


def test_a_result_for_no_call_in_the_message_sent_is_a_400(gateway: ServedGateway) -> None:
    result = {"type": "tool_result", "tool_use_id": "ghost", "content": "42"}
    response = send(gateway, [{"role": "user", "content": [result]}])
    assert response.status_code == 400
    assert "ghost" in response.json()["error"]["message"]

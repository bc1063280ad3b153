"""Conversation against scripted event streams on a loopback server (bearer route)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from qsmith.chat import (
    AssistantMessage,
    AsyncConversation,
    Citation,
    ContextUsage,
    FollowupPrompt,
    HistoryError,
    Image,
    InvalidState,
    Metering,
    ReasoningDelta,
    TextDelta,
    ToolResult,
    ToolSpec,
    ToolUse,
    ToolUseRequest,
    TurnComplete,
    UserMessage,
    event_to_dict,
)
from qsmith.chat.history import CANCELLED_TOOL_RESULT
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer
from tests.chat import scripts as s

CLOCK = ToolSpec(
    "get_time",
    "The current time in a time zone",
    {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]},
)


def test_text_streams_in_order_and_enters_history(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer([s.metadata(), *s.text("Hel", "lo", " there")]))
    with s.conversation(loopback) as conv:
        events = list(conv.send("hi"))
    texts = [e.text for e in events if isinstance(e, TextDelta)]
    assert texts == ["Hel", "lo", " there"]
    assert isinstance(events[-1], TurnComplete)
    assert events[-1].stop_reason == "end_turn"
    assert [(m.role, m.content) for m in conv.history] == [
        ("user", "hi"),
        ("assistant", "Hello there"),
    ]
    (request,) = loopback.requests
    assert request.header("Authorization") == f"Bearer {s.TOKEN}"
    assert request.header(
        "X-Amz-Target",
    ) == ("AmazonCodeWhispererStreamingService.GenerateAssistantResponse")
    state = s.request_state(request)
    assert state["currentMessage"]["userInputMessage"]["content"] == "hi"
    assert state["chatTriggerType"] == "MANUAL"
    assert "history" not in state


def test_every_event_kind_is_typed(loopback: LoopbackServer) -> None:
    events: list[object] = [
        cw.ChatResponseStreamCitationEvent(
            cw.CitationEvent(
                target=cw.CitationTargetLocation(4), citation_link="https://example.com/a"
            )
        ),
        cw.ChatResponseStreamFollowupPromptEvent(
            cw.FollowupPromptEvent(followup_prompt=cw.FollowupPrompt(content="And then?"))
        ),
        cw.ChatResponseStreamMeteringEvent(cw.MeteringEvent(usage=1.5, unit="credit")),
        cw.ChatResponseStreamContextUsageEvent(cw.ContextUsageEvent(context_usage_percentage=12.5)),
        cw.ChatResponseStreamInvalidStateEvent(
            cw.InvalidStateEvent(reason="INVALID_TASK_ASSIST_PLAN", message="bad plan")
        ),
    ]
    loopback.enqueue(s.answer(events))
    with s.conversation(loopback) as conv:
        got = list(conv.send("cite"))
    assert got[:5] == [
        Citation("https://example.com/a", None, 4, None),
        FollowupPrompt("And then?"),
        Metering(1.5, "credit", None),
        ContextUsage(12.5),
        InvalidState("INVALID_TASK_ASSIST_PLAN", "bad plan"),
    ]
    assert event_to_dict(got[2]) == {
        "type": "Metering",
        "usage": 1.5,
        "unit": "credit",
        "unit_plural": None,
    }


def test_tool_use_round_trip(loopback: LoopbackServer) -> None:
    loopback.enqueue(
        s.answer(
            [*s.text("Let me check."), *s.tool_use("tu-1", "get_time", ['{"tz":', ' "UTC"}'])]
        ),
        s.answer(s.text("It is noon.")),
    )
    with s.conversation(loopback, tools=[CLOCK]) as conv:
        first = list(conv.send("What time is it?"))
        (request_event,) = [e for e in first if isinstance(e, ToolUseRequest)]
        use = request_event.tool_use
        assert (use.tool_use_id, use.name, use.input) == ("tu-1", "get_time", {"tz": "UTC"})
        assert first[-1] == TurnComplete(conv.history[1], "tool_use")  # type: ignore[arg-type]
        assert conv.pending_tool_uses == (use,)
        answer = conv.ask(tool_results=[ToolResult.json("tu-1", {"time": "12:00"})])
    assert answer.content == "It is noon."
    first_state = s.request_state(loopback.requests[0])
    spec = first_state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["tools"]
    assert spec == [
        {
            "toolSpecification": {
                "name": "get_time",
                "description": "The current time in a time zone",
                "inputSchema": {"json": CLOCK.input_schema},
            }
        }
    ]
    second = s.request_state(loopback.requests[1])
    history = second["history"]
    assert history[1]["assistantResponseMessage"]["toolUses"] == [
        {"toolUseId": "tu-1", "name": "get_time", "input": {"tz": "UTC"}}
    ]
    context = second["currentMessage"]["userInputMessage"]["userInputMessageContext"]
    assert context["toolResults"] == [
        {"toolUseId": "tu-1", "content": [{"json": {"time": "12:00"}}], "status": "success"}
    ]


def test_invalid_tool_input_is_reported_not_dropped(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.tool_use("tu-1", "get_time", ['{"tz": '])))
    with s.conversation(loopback, tools=[CLOCK]) as conv:
        (use,) = [e.tool_use for e in conv.send("time?") if isinstance(e, ToolUseRequest)]
    assert use.input == '{"tz": '
    assert use.input_error is not None and "not valid JSON" in use.input_error


def test_reasoning_is_replayed_with_its_signature(loopback: LoopbackServer) -> None:
    reasoning = [
        cw.ChatResponseStreamReasoningContentEvent(cw.ReasoningContentEvent(text="Think")),
        cw.ChatResponseStreamReasoningContentEvent(
            cw.ReasoningContentEvent(text="ing.", signature="sig-abc")
        ),
    ]
    loopback.enqueue(s.answer([*reasoning, *s.text("42")]), s.answer(s.text("ok")))
    with s.conversation(loopback) as conv:
        events = list(conv.send("question"))
        assert [e.text for e in events if isinstance(e, ReasoningDelta)] == ["Think", "ing."]
        conv.ask("again")
    history = s.request_state(loopback.requests[1])["history"]
    assert history[1]["assistantResponseMessage"]["reasoningContent"] == {
        "reasoningText": {"text": "Thinking.", "signature": "sig-abc"}
    }


def test_unanswered_tool_use_gets_a_cancelled_result(loopback: LoopbackServer) -> None:
    loopback.enqueue(
        s.answer(s.tool_use("tu-1", "get_time", ['{"tz": "UTC"}'])), s.answer(s.text("fine"))
    )
    with s.conversation(loopback, tools=[CLOCK]) as conv:
        list(conv.send("time?"))
        conv.ask("never mind, say hi")
    current = s.request_state(loopback.requests[1])["currentMessage"]["userInputMessage"]
    assert current["content"] == "never mind, say hi"
    assert current["userInputMessageContext"]["toolResults"] == [
        {"toolUseId": "tu-1", "content": [{"text": CANCELLED_TOOL_RESULT}], "status": "error"}
    ]


def test_stopping_early_keeps_a_cancelled_answer(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("one", "two", "three")), s.answer(s.text("ok")))
    with s.conversation(loopback) as conv:
        stream = conv.send("count")
        assert next(stream) == TextDelta("one")
        stream.close()
        assert conv.history[-1].content == "one"
        assert conv.history[-1].cancelled  # type: ignore[union-attr]
        conv.ask("go on")
    history = s.request_state(loopback.requests[1])["history"]
    assert [next(iter(m)) for m in history] == ["userInputMessage", "assistantResponseMessage"]


def test_images_are_sent_as_bytes(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("a cat")))
    with s.conversation(loopback) as conv:
        conv.ask("what is this?", images=[Image("png", b"\x89PNG-data")])
    image = s.request_state(loopback.requests[0])["currentMessage"]["userInputMessage"]["images"]
    assert image == [{"format": "png", "source": {"bytes": "iVBORy1kYXRh"}}]


def test_model_id_is_sent_with_the_current_message(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("hi")))
    with s.conversation(loopback, model="claude-sonnet-4") as conv:
        conv.ask("hello")
    message = s.request_state(loopback.requests[0])["currentMessage"]["userInputMessage"]
    assert message["modelId"] == "claude-sonnet-4"


def test_list_models_pages_through_list_available_models(loopback: LoopbackServer) -> None:
    page_1 = {
        "models": [{"modelId": "m-a", "modelName": "A"}],
        "defaultModel": {"modelId": "m-b"},
        "nextToken": "p2",
    }
    page_2 = {"models": [{"modelId": "m-b", "modelName": "B"}], "defaultModel": {"modelId": "m-b"}}
    loopback.enqueue(
        s.ScriptedResponse.json(200, json.dumps(page_1)),
        s.ScriptedResponse.json(200, json.dumps(page_2)),
    )
    with s.conversation(loopback) as conv:
        models = conv.list_models()
    assert [(m.model_id, m.is_default) for m in models] == [("m-a", False), ("m-b", True)]
    assert json.loads(loopback.requests[1].body)["nextToken"] == "p2"
    assert (
        loopback.requests[0]
        .header(
            "X-Amz-Target",
        )
        .endswith("ListAvailableModels")
    )


async def test_async_conversation_tool_round_trip(loopback: LoopbackServer) -> None:
    loopback.enqueue(
        s.answer(s.tool_use("tu-9", "get_time", ['{"tz": "CET"}'])), s.answer(s.text("Done"))
    )
    options: dict[str, Any] = {
        "endpoint_url": loopback.url,
        "token": s.TOKEN,
        "client_config": ClientConfig(max_attempts=1),
        "environ": {},
        "tools": [CLOCK],
    }
    async with AsyncConversation(**options) as conv:
        events = [e async for e in conv.send("time in Paris?")]
        (use,) = [e.tool_use for e in events if isinstance(e, ToolUseRequest)]
        answer = await conv.ask(tool_results=[ToolResult.text(use.tool_use_id, "13:00")])
    assert answer.content == "Done"
    assert len(conv.history) == 4
    context = s.request_state(loopback.requests[1])["currentMessage"]["userInputMessage"][
        "userInputMessageContext"
    ]
    assert context["toolResults"][0]["toolUseId"] == "tu-9"
    await asyncio.sleep(0)


async def test_async_stopping_early_keeps_a_cancelled_answer(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("one", "two")))
    conv = AsyncConversation(
        endpoint_url=loopback.url,
        token=s.TOKEN,
        client_config=ClientConfig(max_attempts=1),
        environ={},
    )
    async with conv:
        stream = conv.send("count")
        assert await stream.__anext__() == TextDelta("one")
        await stream.aclose()
    assert [(m.role, m.content) for m in conv.history] == [("user", "count"), ("assistant", "one")]
    assert conv.history[-1].cancelled  # type: ignore[union-attr]


def test_a_given_history_is_repaired_and_sent(loopback: LoopbackServer) -> None:
    given = [
        AssistantMessage("stray greeting"),
        UserMessage("time?"),
        AssistantMessage("", (ToolUse("t1", "get_time", {"tz": "UTC"}),)),
    ]
    loopback.enqueue(s.answer(s.text("ok")))
    with s.conversation(loopback, history=given, tools=[CLOCK]) as conv:
        conv.ask(tool_results=[ToolResult.text("t1", "noon")])
    state = s.request_state(loopback.requests[0])
    assert [next(iter(m)) for m in state["history"]] == [
        "userInputMessage",
        "assistantResponseMessage",
    ]
    results = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["toolResults"]
    assert results[0]["toolUseId"] == "t1"


def test_an_empty_message_is_refused(loopback: LoopbackServer) -> None:
    with s.conversation(loopback) as conv, pytest.raises(HistoryError, match="nothing to send"):
        list(conv.send(""))
    assert loopback.requests == []


def test_redacted_reasoning_is_replayed_as_it_came(loopback: LoopbackServer) -> None:
    redacted = cw.ChatResponseStreamReasoningContentEvent(
        cw.ReasoningContentEvent(redacted_content=b"\x00secret-blob")
    )
    loopback.enqueue(s.answer([redacted, *s.text("fine")]), s.answer(s.text("ok")))
    with s.conversation(loopback) as conv:
        events = list(conv.send("q"))
        assert [e.redacted for e in events if isinstance(e, ReasoningDelta)] == [b"\x00secret-blob"]
        conv.ask("again")
    history = s.request_state(loopback.requests[1])["history"]
    assert history[1]["assistantResponseMessage"]["reasoningContent"] == {
        "redactedContent": "AHNlY3JldC1ibG9i"
    }


def test_tool_uses_of_undeclared_tools_go_under_the_placeholder(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.tool_use("tu-1", "get_time", ["{}"])), s.answer(s.text("ok")))
    with s.conversation(loopback, tools=[CLOCK]) as conv:
        list(conv.send("time?"))
        conv.tools = []  # the caller withdraws the tool
        conv.ask(tool_results=[ToolResult.text("tu-1", "noon")])
        assert conv.history[1].tool_uses[0].name == "get_time"  # type: ignore[union-attr]
    state = s.request_state(loopback.requests[1])
    assert state["history"][1]["assistantResponseMessage"]["toolUses"][0]["name"] == "dummy"
    tools = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["tools"]
    assert [t["toolSpecification"]["name"] for t in tools] == ["dummy"]

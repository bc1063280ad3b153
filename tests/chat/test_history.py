"""The history rules: repair, cancelled tool results, trimming policy and size limits."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.chat import (
    AssistantMessage,
    ChatLimitError,
    HistoryError,
    Image,
    Limits,
    ToolResult,
    ToolUse,
    UserMessage,
)
from qsmith.chat.history import CANCELLED_TOOL_RESULT, plan_request, repair_history
from qsmith.testing import LoopbackServer
from tests.chat import scripts as s


def _turns(n: int) -> list[UserMessage | AssistantMessage]:
    out: list[UserMessage | AssistantMessage] = []
    for i in range(n):
        out += [UserMessage(f"q{i}"), AssistantMessage(f"a{i}")]
    return out


def test_repair_drops_leading_answers_and_merges_same_role_neighbours() -> None:
    broken = [AssistantMessage("orphan"), UserMessage("a"), UserMessage("b"), AssistantMessage("c")]
    repaired = repair_history(broken)
    assert [(m.role, m.content) for m in repaired] == [("user", "a\n\nb"), ("assistant", "c")]


def test_repair_answers_tool_uses_and_turns_orphan_results_into_text() -> None:
    history = [
        UserMessage("time?"),
        AssistantMessage("", (ToolUse("t1", "clock", {}), ToolUse("t2", "clock", {}))),
        UserMessage("", tool_results=(ToolResult.text("t1", "noon"), ToolResult.text("zz", "x"))),
        AssistantMessage("ok"),
    ]
    repaired = repair_history(history)
    results = repaired[2].tool_results  # type: ignore[union-attr]
    assert [(r.tool_use_id, r.status) for r in results] == [("t1", "success"), ("t2", "error")]
    assert results[1].content[0].text == CANCELLED_TOOL_RESULT  # type: ignore[union-attr]
    assert "[result of tool use zz (success)]: x" in repaired[2].content


def test_result_for_unknown_tool_use_is_refused() -> None:
    with pytest.raises(HistoryError, match="no such tool use"):
        plan_request(
            _turns(1), UserMessage("", tool_results=(ToolResult.text("nope", "x"),)), Limits()
        )


def test_trailing_unanswered_prompt_is_sent_with_the_next_one() -> None:
    plan = plan_request([*_turns(1), UserMessage("lost")], UserMessage("again"), Limits())
    assert plan.current.content == "lost\n\nagain"
    assert len(plan.history) == 2


def test_trimming_drops_oldest_turns_and_starts_with_a_plain_prompt() -> None:
    history = [
        *_turns(2),
        UserMessage("tool?"),
        AssistantMessage("", (ToolUse("t1", "clock", {}),)),
        UserMessage("", tool_results=(ToolResult.text("t1", "noon"),)),
        AssistantMessage("done"),
    ]
    plan = plan_request(history, UserMessage("next"), Limits(max_history_messages=3))
    # 3 messages would start on a tool-result message: the plan goes on to the next prompt.
    assert plan.history == []
    assert plan.dropped == 8
    plan = plan_request(history, UserMessage("next"), Limits(max_history_messages=5))
    assert [m.content for m in plan.history] == ["tool?", "", "", "done"]
    assert plan.dropped == 4


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        (UserMessage("x" * 11), "11 characters; the limit is 10"),
        (UserMessage("hi", images=(Image("png", b"1"),) * 3), "3 images attached; at most 2"),
        (UserMessage("hi", images=(Image("png", b"123456"),)), "6 bytes; the limit is 5"),
        (UserMessage("hi", images=(Image("bmp", b"1"),)), "format 'bmp'"),
    ],
)
def test_size_limits_are_checked_before_sending(
    loopback: LoopbackServer, message: UserMessage, problem: str
) -> None:
    limits = Limits(max_user_message_chars=10, max_images=2, max_image_bytes=5)
    with s.conversation(loopback, limits=limits) as conv:
        with pytest.raises(ChatLimitError, match=problem):
            list(conv.send(message.content, images=message.images))
        assert conv.history == ()
    assert loopback.requests == []


def test_oversized_tool_result_is_refused(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.tool_use("t1", "clock", ["{}"])))
    with s.conversation(loopback, limits=Limits(max_tool_result_chars=4)) as conv:
        list(conv.send("time?"))
        with pytest.raises(ChatLimitError, match="tool use t1 has 5 characters"):
            list(conv.send(tool_results=[ToolResult.text("t1", "12:00")]))
    assert len(loopback.requests) == 1


def test_history_over_the_cap_is_trimmed_in_the_request_only(loopback: LoopbackServer) -> None:
    loopback.enqueue(*(s.answer(s.text(f"a{i}")) for i in range(4)))
    with s.conversation(loopback, limits=Limits(max_history_messages=4)) as conv:
        for i in range(4):
            conv.ask(f"q{i}")
        assert len(conv.history) == 8
    last = s.request_state(loopback.requests[3])
    assert [
        m.get("userInputMessage", m.get("assistantResponseMessage"))["content"]
        for m in last["history"]
    ] == ["q1", "a1", "q2", "a2"]


_IDS = st.sampled_from(["t1", "t2", "t3"])
_USER = st.builds(
    UserMessage,
    st.sampled_from(["", "q"]),
    tool_results=st.lists(_IDS.map(lambda i: ToolResult.text(i, "r")), max_size=2).map(tuple),
)
_ASSISTANT = st.builds(
    AssistantMessage,
    st.sampled_from(["", "a"]),
    st.lists(
        _IDS.map(lambda i: ToolUse(i, "tool", {})), max_size=2, unique_by=lambda u: u.tool_use_id
    ).map(tuple),
)


@settings(max_examples=60)
@given(st.lists(st.one_of(_USER, _ASSISTANT), max_size=12), st.integers(1, 8))
def test_any_history_becomes_one_the_service_accepts(
    history: list[UserMessage | AssistantMessage], cap: int
) -> None:
    plan = plan_request(history, UserMessage("now"), Limits(max_history_messages=cap))
    sent = [*plan.history, plan.current]
    assert len(plan.history) <= cap
    assert isinstance(sent[0], UserMessage) and (not plan.history or not sent[0].tool_results)
    assert [m.role for m in sent] == ["user", "assistant"] * (len(plan.history) // 2) + ["user"]
    for previous, message in itertools.pairwise(sent):
        if isinstance(message, UserMessage):
            uses = previous.tool_uses if isinstance(previous, AssistantMessage) else ()
            answered = [r.tool_use_id for r in message.tool_results]
            assert sorted(answered) == sorted(u.tool_use_id for u in uses)

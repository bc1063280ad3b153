"""The JSON conversation store: atomic writes, resume, corrupt files reported and kept."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qsmith.chat import (
    ConversationNotFoundError,
    ConversationStore,
    CorruptConversationError,
    Image,
    ToolResult,
    UserMessage,
    default_conversations_dir,
)
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.testing import LoopbackServer
from tests.chat import scripts as s


def _chat_once(loopback: LoopbackServer, store: ConversationStore, **options: object) -> str:
    loopback.enqueue(s.answer([s.metadata("svc-conv"), *s.text("Hello")]))
    with s.conversation(loopback, store=store, model="m-1", **options) as conv:
        conv.ask("hi", images=[Image("png", b"img")])
        return conv.id


def test_each_turn_is_saved_as_json(loopback: LoopbackServer, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conversation_id = _chat_once(loopback, store)
    path = tmp_path / f"{conversation_id}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    data = json.loads(path.read_text())
    assert data["id"] == conversation_id
    assert data["model"] == {
        "model": "m-1",
        "model_id": "m-1",
        "region": "us-east-1",
        "service": "codewhisperer-streaming",
    }
    assert data["identity"]["auth"] == "bearer"
    assert s.TOKEN not in path.read_text()
    assert data["service_conversation_id"] == "svc-conv"
    user, assistant = data["messages"]
    assert (user["role"], user["content"], user["images"]) == (
        "user",
        "hi",
        [{"format": "png", "data": "aW1n"}],
    )
    assert (assistant["role"], assistant["content"], assistant["model_id"]) == (
        "assistant",
        "Hello",
        "m-1",
    )
    assert "at" in user and "created_at" in data


def test_a_failed_write_leaves_the_old_file_whole(
    loopback: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ConversationStore(tmp_path)
    conversation_id = _chat_once(loopback, store)
    path = tmp_path / f"{conversation_id}.json"
    before = path.read_bytes()
    record = store.load(conversation_id)
    record.messages = []

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.save(record)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_resume_sends_the_stored_history(loopback: LoopbackServer, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conversation_id = _chat_once(loopback, store)
    loopback.enqueue(s.answer(s.text("Again")))
    with s.conversation(loopback, store=store, resume=conversation_id) as conv:
        assert conv.id == conversation_id
        assert conv.route.model_id == "m-1"
        conv.ask("second")
    state = s.request_state(loopback.requests[1])
    assert state["conversationId"] == "svc-conv"
    assert [next(iter(m.values()))["content"] for m in state["history"]] == ["hi", "Hello"]
    assert state["history"][0]["userInputMessage"]["images"][0]["format"] == "png"
    assert len(store.load(conversation_id).messages) == 4


def test_tool_uses_and_reasoning_survive_a_round_trip(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    store = ConversationStore(tmp_path)
    reasoning = cw.ChatResponseStreamReasoningContentEvent(
        cw.ReasoningContentEvent(text="hmm", signature="sig")
    )
    loopback.enqueue(s.answer([reasoning, *s.tool_use("t1", "clock", ['{"a": 1}'])]))
    loopback.enqueue(s.answer(s.text("ok")))
    with s.conversation(loopback, store=store) as conv:
        conv.ask("time?")
        conv.ask(tool_results=[ToolResult.json("t1", {"time": "noon"})])
    resumed = store.load(conv.id)
    assert resumed.messages == list(conv.history)


def test_corrupt_file_is_reported_and_never_overwritten(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    store = ConversationStore(tmp_path)
    good = _chat_once(loopback, store)
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": 1, "id": "broken", ')
    listing = store.list()
    assert [r.id for r in listing.conversations] == [good]
    (problem,) = listing.corrupt
    assert problem.path == str(bad) and "invalid JSON" in str(problem)
    with pytest.raises(CorruptConversationError, match=r"broken\.json"):
        store.load("broken")
    with pytest.raises(CorruptConversationError):
        s.conversation(loopback, store=store, resume="broken")
    record = store.load(good)
    record.id = "broken"
    with pytest.raises(CorruptConversationError):
        store.save(record)
    assert bad.read_text() == '{"format": 1, "id": "broken", '


def test_unknown_ids_and_exports(loopback: LoopbackServer, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    with pytest.raises(ConversationNotFoundError):
        store.load("nope")
    with pytest.raises(ConversationNotFoundError):
        store.load("../etc/passwd")
    conversation_id = _chat_once(loopback, store)
    exported = json.loads(store.export(conversation_id))
    assert exported["id"] == conversation_id
    markdown = store.export(conversation_id, fmt="markdown")
    assert "## user" in markdown and "Hello" in markdown


def test_store_location_follows_the_environment(tmp_path: Path) -> None:
    assert default_conversations_dir({"QSMITH_CONVERSATIONS_DIR": str(tmp_path)}) == tmp_path
    assert default_conversations_dir({"XDG_DATA_HOME": "/x"}) == Path("/x/qsmith/conversations")


def test_an_unanswered_prompt_in_a_file_is_merged_once(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    store = ConversationStore(tmp_path)
    conversation_id = _chat_once(loopback, store)
    record = store.load(conversation_id)
    record.messages.append(UserMessage("lost question"))
    store.save(record)
    loopback.enqueue(s.answer(s.text("answer")))
    with s.conversation(loopback, store=store, resume=conversation_id) as conv:
        conv.ask("again")
    assert [m.content for m in conv.history] == ["hi", "Hello", "lost question\n\nagain", "answer"]
    current = s.request_state(loopback.requests[1])["currentMessage"]["userInputMessage"]
    assert current["content"] == "lost question\n\nagain"

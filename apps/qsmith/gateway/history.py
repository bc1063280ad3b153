"""History rules the service enforces, applied to whatever a client sends.

Clients send conversations the service would refuse: two user turns in a row, a history
starting with the assistant, a trailing assistant turn (a "prefill"), tool calls without
results (the client gave up on them) or results without calls (the client trimmed its
history). ``normalize`` repairs each case in a documented way, never dropping content:

- consecutive turns of one role are merged into one turn;
- a leading assistant turn gets a user turn before it (``CONTINUE_TEXT``);
- a trailing assistant turn is kept as history and followed by a user turn asking to go on;
- a tool call with no result in the next user turn gets an error result (``MISSING_RESULT``);
- a result for no known call becomes plain text in its user turn, naming the call id;
- two tool calls with one id are refused (``BadRequestError``): nothing could pair them.
"""

from __future__ import annotations

from collections.abc import Iterable

from qsmith.gateway.backend import Message, Part, TextPart, ToolResultPart, ToolUsePart
from qsmith.gateway.errors import BadRequestError

__all__ = ["CONTINUE_TEXT", "MISSING_RESULT", "normalize"]

CONTINUE_TEXT = "Continue."
MISSING_RESULT = "The tool call was not answered; no result is available."


def normalize(messages: Iterable[Message]) -> tuple[Message, ...]:
    """A history the service accepts: user first, alternating, ending with a user turn."""
    messages = list(messages)
    _refuse_duplicate_calls(messages)
    merged = _merge(m for m in messages if m.parts)
    if not merged:
        raise BadRequestError(
            "messages: at least one message with content is needed", param="messages"
        )
    if merged[0].role == "assistant":
        merged.insert(0, Message("user", (TextPart(CONTINUE_TEXT),)))
    if merged[-1].role == "assistant":
        merged.append(Message("user", (TextPart(CONTINUE_TEXT),)))
    return tuple(_repair_tools(merged))


def _refuse_duplicate_calls(messages: list[Message]) -> None:
    """Two tool calls with one id cannot be told apart (nor their results): the service
    refuses such a history, so the client hears it first, naming the id."""
    seen: set[str] = set()
    for message in messages:
        for part in message.parts:
            if isinstance(part, ToolUsePart):
                if part.id in seen:
                    raise BadRequestError(
                        f"messages: the tool call id {part.id!r} is used by two tool calls",
                        param="messages",
                    )
                seen.add(part.id)


def _merge(messages: Iterable[Message]) -> list[Message]:
    merged: list[Message] = []
    for message in messages:
        if merged and merged[-1].role == message.role:
            merged[-1] = Message(message.role, merged[-1].parts + message.parts)
        else:
            merged.append(message)
    return merged


def _repair_tools(messages: list[Message]) -> list[Message]:
    """Pair every tool call with a result in the next user turn (the list alternates)."""
    repaired: list[Message] = []
    open_calls: list[str] = []
    for message in messages:
        if message.role == "assistant":
            repaired.append(message)
            open_calls = [p.id for p in message.parts if isinstance(p, ToolUsePart)]
            continue
        repaired.append(Message("user", _answer_calls(message.parts, open_calls)))
        open_calls = []
    return repaired


def _answer_calls(parts: tuple[Part, ...], open_calls: list[str]) -> tuple[Part, ...]:
    answered = {p.tool_use_id for p in parts if isinstance(p, ToolResultPart)}
    missing: list[Part] = [
        ToolResultPart(call_id, MISSING_RESULT, is_error=True)
        for call_id in open_calls
        if call_id not in answered
    ]
    kept: list[Part] = []
    for part in parts:
        if isinstance(part, ToolResultPart) and part.tool_use_id not in open_calls:
            kept.append(TextPart(f"[result of tool call {part.tool_use_id}]\n{part.text}"))
        else:
            kept.append(part)
    return (*missing, *kept)

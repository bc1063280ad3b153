"""The conversation a request carries, shaped into one turn for ``qsmith.chat``.

The service's history rules are chat's (``qsmith.chat.history``: one policy for both
apps): a leading assistant message is dropped, adjacent messages of one role are merged,
an unanswered tool call gets a cancelled result, a result answering no call in the
history becomes text, and a result in the message being sent that answers no call of the
previous answer is refused (a 400 here). The gateway adds only what a wire request needs
before chat can take it:

- messages without content are left out (an empty text block is never forwarded);
- consecutive turns of one role are merged, so the request ends with one user turn;
- a trailing assistant turn (a "prefill") is kept as history and followed by a user turn
  asking to go on (``CONTINUE_TEXT``): chat always sends a user message;
- two tool calls with one id are refused (``BadRequestError``): nothing could pair them.
"""

from __future__ import annotations

from collections.abc import Iterable

from qsmith.gateway.backend import Message, TextPart, ToolUsePart
from qsmith.gateway.errors import BadRequestError

__all__ = ["CONTINUE_TEXT", "normalize"]

CONTINUE_TEXT = "Continue."


def normalize(messages: Iterable[Message]) -> tuple[Message, ...]:
    """The request's turns, ending with one user turn; chat's rules do the rest."""
    messages = [_without_empty_text(m) for m in messages]
    _refuse_duplicate_calls(messages)
    merged = _merge(m for m in messages if m.parts)
    if not merged:
        raise BadRequestError(
            "messages: at least one message with content is needed", param="messages"
        )
    if merged[-1].role == "assistant":
        merged.append(Message("user", (TextPart(CONTINUE_TEXT),)))
    return tuple(merged)


def _without_empty_text(message: Message) -> Message:
    parts = tuple(p for p in message.parts if not (isinstance(p, TextPart) and not p.text))
    if len(parts) == len(message.parts):
        return message
    return Message(message.role, parts, message.cache_point)


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
            earlier = merged[-1]
            cache_point = earlier.cache_point or message.cache_point
            merged[-1] = Message(message.role, earlier.parts + message.parts, cache_point)
        else:
            merged.append(message)
    return merged

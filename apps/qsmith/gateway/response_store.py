"""The Responses API's ``previous_response_id``: recent conversations kept in memory.

A response created with ``store`` (the API's default) keeps its whole conversation —
the earlier turns, the request's input and the answer — under its id, so a next request
may send only its new input. The store lives in the gateway process: it is empty after a
restart, and it keeps at most ``max_chars`` characters of text (the oldest responses go
first), so a busy gateway forgets old ids. An unknown id is a 400 that says so.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence

from qsmith.gateway.backend import Message, ReasoningPart, TextPart, ToolResultPart, ToolUsePart
from qsmith.gateway.errors import BadRequestError

__all__ = ["DEFAULT_MAX_CHARS", "ResponseStore"]

DEFAULT_MAX_CHARS = 16 * 1024 * 1024


class ResponseStore:
    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self._max_chars = max_chars
        self._entries: OrderedDict[str, tuple[tuple[Message, ...], int]] = OrderedDict()
        self._chars = 0

    def conversation(self, response_id: str) -> tuple[Message, ...]:
        entry = self._entries.get(response_id)
        if entry is None:
            raise BadRequestError(
                f"previous_response_id: no response {response_id!r} is kept by this gateway "
                "(responses live in its memory only, created with store, and the oldest are "
                "forgotten); send the whole conversation in input instead",
                param="previous_response_id",
            )
        self._entries.move_to_end(response_id)
        return entry[0]

    def keep(self, response_id: str, conversation: Sequence[Message]) -> None:
        size = sum(_chars(m) for m in conversation)
        if size > self._max_chars:
            return
        self._entries[response_id] = (tuple(conversation), size)
        self._chars += size
        while self._chars > self._max_chars:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._chars -= dropped

    def __len__(self) -> int:
        return len(self._entries)


def _chars(message: Message) -> int:
    total = 0
    for part in message.parts:
        if isinstance(part, TextPart | ReasoningPart):
            total += len(part.text)
        elif isinstance(part, ToolResultPart):
            total += len(part.text) + sum(len(i.data) for i in part.images)
        elif isinstance(part, ToolUsePart):
            total += len(json.dumps(part.input))
        else:
            total += len(part.data)
    return total

"""One answer being received: joins tool use fragments and builds the assistant message.

Sans-I/O: ``feed`` takes what ``translate.read_event`` gives and returns the events to
pass on; ``finish`` gives the final ``TurnComplete``. Both conversation classes use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qsmith.chat import events as ev
from qsmith.chat.messages import AssistantMessage, Reasoning, ToolUse
from qsmith.chat.translate import ToolUseFragment, parse_tool_input

__all__ = ["TurnAssembler"]


@dataclass
class _PendingToolUse:
    name: str
    parts: list[str] = field(default_factory=list)


class TurnAssembler:
    """Accumulates one streamed answer."""

    def __init__(self, model_id: str | None) -> None:
        self._model_id = model_id
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._signature: str | None = None
        self._redacted: bytes | None = None
        self._pending: dict[str, _PendingToolUse] = {}
        self._tool_uses: list[ToolUse] = []
        self.message_id: str | None = None
        self.conversation_id: str | None = None

    def feed(self, items: list[ev.ChatEvent | ToolUseFragment]) -> list[ev.ChatEvent]:
        out: list[ev.ChatEvent] = []
        for item in items:
            if isinstance(item, ToolUseFragment):
                out.extend(self._tool_fragment(item))
                continue
            match item:
                case ev.TextDelta(text=text):
                    self._text.append(text)
                case ev.ReasoningDelta(text=text, signature=signature, redacted=redacted):
                    self._reasoning.append(text)
                    self._signature = signature or self._signature
                    if redacted is not None:
                        self._redacted = (self._redacted or b"") + redacted
                case ev.MessageMetadata(conversation_id=cid, utterance_id=uid):
                    self.conversation_id = cid or self.conversation_id
                    self.message_id = uid or self.message_id
            out.append(item)
        return out

    def _tool_fragment(self, fragment: ToolUseFragment) -> list[ev.ChatEvent]:
        pending = self._pending.setdefault(fragment.tool_use_id, _PendingToolUse(fragment.name))
        pending.parts.append(fragment.input)
        if not fragment.stop:
            return []
        return [self._complete(fragment.tool_use_id)]

    def _complete(self, tool_use_id: str) -> ev.ToolUseRequest:
        pending = self._pending.pop(tool_use_id)
        value, problem = parse_tool_input("".join(pending.parts))
        use = ToolUse(tool_use_id, pending.name, value, problem)
        self._tool_uses.append(use)
        return ev.ToolUseRequest(use)

    def finish(self, *, cancelled: bool = False) -> tuple[list[ev.ChatEvent], ev.TurnComplete]:
        """Close the answer: tool uses still open complete now (unless cancelled)."""
        extra: list[ev.ChatEvent] = []
        if cancelled:
            self._pending.clear()
        else:
            extra = [self._complete(tool_use_id) for tool_use_id in list(self._pending)]
        reasoning = None
        if self._reasoning or self._signature or self._redacted is not None:
            reasoning = Reasoning("".join(self._reasoning), self._signature, self._redacted)
        message = AssistantMessage(
            "".join(self._text),
            tuple(self._tool_uses),
            reasoning,
            message_id=self.message_id,
            model_id=self._model_id,
            cancelled=cancelled,
        )
        if cancelled:
            return extra, ev.TurnComplete(message, "cancelled")
        return extra, ev.TurnComplete(message, "tool_use" if self._tool_uses else "end_turn")

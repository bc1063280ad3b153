"""The backend's turn as an Amazon Q request, and Amazon Q's stream as backend events.

Requests: the service has no system prompt field, so the system prompt opens the first
user message of the conversation (``SYSTEM_TEMPLATE``); it has no ``tool_choice``, so
``any`` and ``tool`` become an instruction at the end of the current message and ``none``
sends no tools (a placeholder tool is sent when the history holds tool calls, which the
service refuses without a tool configuration). Tool names and descriptions are fitted to
the service's limits (``toolnames``); reasoning the client replays becomes the assistant
message's reasoning content.

Answers: tool calls stream as fragments of their JSON input, joined here by
``tool_use_id`` and renamed to the client's tool names. Usage comes from the service's
metadata event when it sends one; otherwise it is estimated (``tokens``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field

from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.gateway.backend import (
    BackendEvent,
    ImagePart,
    Message,
    ReasoningDelta,
    ReasoningPart,
    StopReason,
    TextDelta,
    TextPart,
    ToolCall,
    ToolResultPart,
    ToolUsePart,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.tokens import estimate_chars, estimate_request
from qsmith.gateway.toolnames import ToolNames, fit_description

__all__ = ["ORIGIN", "SYSTEM_TEMPLATE", "TurnTranslation"]

ORIGIN = "CLI"
SYSTEM_TEMPLATE = "<system_instructions>\n{system}\n</system_instructions>\n\n{content}"
PLACEHOLDER_TOOL = "no_tool"
ANY_TOOL_HINT = "\n\n(Answer by calling one of the available tools.)"
NAMED_TOOL_HINT = "\n\n(Answer by calling the tool `{name}`.)"


@dataclass
class TurnTranslation:
    """One turn both ways; it remembers the tool names it mapped to map them back."""

    request: TurnRequest
    names: ToolNames = field(init=False)

    def __post_init__(self) -> None:
        self.names = ToolNames(t.name for t in self.request.tools)

    # Request ---------------------------------------------------------------------
    def conversation_state(self) -> cw.ConversationState:
        messages = list(self.request.messages)
        *history, current = messages
        chat_history = [self._chat_message(m, first=i == 0) for i, m in enumerate(history)]
        current_input = self._user_input(current, first=not history, current=True)
        return cw.ConversationState(
            chat_trigger_type=cw.ChatTriggerType.MANUAL,
            history=chat_history or None,
            current_message=cw.ChatMessageUserInputMessage(current_input),
        )

    def _chat_message(self, message: Message, *, first: bool) -> cw.ChatMessage:
        if message.role == "user":
            return cw.ChatMessageUserInputMessage(self._user_input(message, first=first))
        return cw.ChatMessageAssistantResponseMessage(self._assistant(message))

    def _user_input(
        self, message: Message, *, first: bool, current: bool = False
    ) -> cw.UserInputMessage:
        text = "\n\n".join(p.text for p in message.parts if isinstance(p, TextPart))
        if first and self.request.system:
            text = SYSTEM_TEMPLATE.format(system=self.request.system, content=text)
        if current:
            text += self._choice_hint()
        results = [_tool_result(p) for p in message.parts if isinstance(p, ToolResultPart)]
        tools = self._tools() if current else []
        context = None
        if results or tools:
            context = cw.UserInputMessageContext(tool_results=results or None, tools=tools or None)
        images = [
            cw.ImageBlock(format=p.format, source=cw.ImageSourceBytes(p.data))
            for p in message.parts
            if isinstance(p, ImagePart)
        ]
        return cw.UserInputMessage(
            content=text,
            user_input_message_context=context,
            images=images or None,
            origin=ORIGIN,
            model_id=self.request.model if current else None,
        )

    def _assistant(self, message: Message) -> cw.AssistantResponseMessage:
        text = "".join(p.text for p in message.parts if isinstance(p, TextPart))
        uses = [
            cw.ToolUse(tool_use_id=p.id, name=self.names.to_service(p.name), input=dict(p.input))
            for p in message.parts
            if isinstance(p, ToolUsePart)
        ]
        reasoning = [p for p in message.parts if isinstance(p, ReasoningPart)]
        content = None
        if reasoning:
            joined = "".join(p.text for p in reasoning)
            content = cw.ReasoningContentReasoningText(
                cw.ReasoningText(text=joined, signature=reasoning[-1].signature)
            )
        return cw.AssistantResponseMessage(
            content=text, tool_uses=uses or None, reasoning_content=content
        )

    def _tools(self) -> list[cw.Tool]:
        choice = self.request.tool_choice
        if choice.mode == "none" or not self.request.tools:
            return [_placeholder_tool()] if self._history_has_tool_calls() else []
        return [
            cw.ToolToolSpecification(
                cw.ToolSpecification(
                    name=self.names.to_service(t.name),
                    description=fit_description(t.description, t.name),
                    input_schema=cw.ToolInputSchema(json=dict(t.input_schema)),
                )
            )
            for t in self.request.tools
        ]

    def _choice_hint(self) -> str:
        choice = self.request.tool_choice
        if not self.request.tools or choice.mode in ("auto", "none"):
            return ""
        if choice.mode == "tool" and choice.name:
            return NAMED_TOOL_HINT.format(name=self.names.to_service(choice.name))
        return ANY_TOOL_HINT

    def _history_has_tool_calls(self) -> bool:
        return any(isinstance(p, ToolUsePart) for m in self.request.messages for p in m.parts)

    # Answer ----------------------------------------------------------------------
    async def events(self, stream: AsyncIterable[object]) -> AsyncIterator[BackendEvent]:
        """Backend events from the service's events; ends with one ``TurnEnd``."""
        reader = _StreamReader(self.names)
        async for event in stream:
            for item in reader.read(event):
                yield item
        for item in reader.flush():
            yield item
        yield TurnEnd(reader.stop_reason(), reader.usage(self.request))


def _tool_result(part: ToolResultPart) -> cw.ToolResult:
    return cw.ToolResult(
        tool_use_id=part.tool_use_id,
        content=[cw.ToolResultContentBlockText(part.text)],
        status=cw.ToolResultStatus.ERROR if part.is_error else cw.ToolResultStatus.SUCCESS,
    )


def _placeholder_tool() -> cw.Tool:
    return cw.ToolToolSpecification(
        cw.ToolSpecification(
            name=PLACEHOLDER_TOOL,
            description="A placeholder that does nothing; never call it.",
            input_schema=cw.ToolInputSchema(json={"type": "object", "properties": {}}),
        )
    )


class _StreamReader:
    """Joins tool-input fragments and counts what was said, for usage."""

    def __init__(self, names: ToolNames) -> None:
        self.names = names
        self.fragments: dict[str, tuple[str, list[str]]] = {}
        self.calls = 0
        self.output_chars = 0
        self.reported: cw.TokenUsage | None = None

    def read(self, event: object) -> Sequence[BackendEvent]:
        match event:
            case cw.ChatResponseStreamAssistantResponseEvent(value=v) if v.content:
                self.output_chars += len(v.content)
                return [TextDelta(v.content)]
            case cw.ChatResponseStreamReasoningContentEvent(value=v):
                self.output_chars += len(v.text or "")
                return [ReasoningDelta(v.text or "", v.signature)]
            case cw.ChatResponseStreamToolUseEvent(value=v):
                _, pieces = self.fragments.setdefault(v.tool_use_id, (v.name, []))
                pieces.append(v.input or "")
                return [self._finish(v.tool_use_id)] if v.stop else []
            case cw.ChatResponseStreamMetadataEvent(value=v) if v.token_usage is not None:
                self.reported = v.token_usage
        return []

    def _finish(self, tool_use_id: str) -> ToolCall:
        name, pieces = self.fragments.pop(tool_use_id)
        arguments = "".join(pieces).strip() or "{}"
        try:
            json.loads(arguments)
        except ValueError:
            arguments = json.dumps({"_raw_input": arguments})
        self.calls += 1
        self.output_chars += len(arguments)
        return ToolCall(tool_use_id, self.names.to_client(name), arguments)

    def flush(self) -> list[BackendEvent]:
        """Tool calls whose last fragment never said ``stop``: complete them as they are."""
        return [self._finish(tool_use_id) for tool_use_id in list(self.fragments)]

    def stop_reason(self) -> StopReason:
        return "tool_use" if self.calls else "end_turn"

    def usage(self, request: TurnRequest) -> Usage:
        if self.reported is not None:
            u = self.reported
            return Usage(
                u.uncached_input_tokens,
                u.output_tokens,
                u.cache_read_input_tokens or 0,
                u.cache_write_input_tokens or 0,
            )
        return Usage(estimate_request(request), estimate_chars(self.output_chars), estimated=True)

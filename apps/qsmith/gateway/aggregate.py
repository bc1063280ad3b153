"""A whole turn gathered from its events, for the non-streaming endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from qsmith.gateway.backend import (
    BackendEvent,
    ReasoningDelta,
    StopReason,
    TextDelta,
    ToolCall,
    TurnEnd,
    Usage,
)
from qsmith.gateway.errors import UpstreamError

__all__ = ["CompletedTurn", "collect"]


@dataclass(slots=True)
class CompletedTurn:
    text: str = ""
    reasoning: str = ""
    signature: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    stop_reason: StopReason = "end_turn"
    usage: Usage = field(default_factory=lambda: Usage(0, 0, estimated=True))


async def collect(events: AsyncIterator[BackendEvent]) -> CompletedTurn:
    turn = CompletedTurn()
    text: list[str] = []
    reasoning: list[str] = []
    ended = False
    async for event in events:
        match event:
            case TextDelta(piece):
                text.append(piece)
            case ReasoningDelta(piece, signature):
                reasoning.append(piece)
                turn.signature = signature or turn.signature
            case ToolCall():
                turn.tool_calls.append(event)
            case TurnEnd(stop_reason, usage):
                turn.stop_reason, turn.usage, ended = stop_reason, usage, True
    if not ended:
        raise UpstreamError("the upstream answer ended before the turn was complete")
    turn.text, turn.reasoning = "".join(text), "".join(reasoning)
    return turn

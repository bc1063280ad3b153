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

__all__ = ["CompletedTurn", "added", "collect", "replayed"]


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


async def replayed(turn: CompletedTurn) -> AsyncIterator[BackendEvent]:
    """A gathered turn as events again (a checked answer sent as a stream)."""
    if turn.reasoning or turn.signature:
        yield ReasoningDelta(turn.reasoning, turn.signature)
    if turn.text:
        yield TextDelta(turn.text)
    for call in turn.tool_calls:
        yield call
    yield TurnEnd(turn.stop_reason, turn.usage)


def added(first: Usage, second: Usage) -> Usage:
    """The usage of two turns made for one answer (a repaired one)."""
    return Usage(
        first.input_tokens + second.input_tokens,
        first.output_tokens + second.output_tokens,
        first.cache_read_input_tokens + second.cache_read_input_tokens,
        first.cache_write_input_tokens + second.cache_write_input_tokens,
        estimated=first.estimated or second.estimated,
    )

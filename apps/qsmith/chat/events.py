"""The typed events a conversation streams to its caller, as they arrive.

Every event is a frozen dataclass; ``ChatEvent`` is their union, so callers ``match``
on them. ``event_to_dict`` gives the JSON form ``qsmith chat --json`` prints.
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeAlias

from qsmith.chat.messages import AssistantMessage, ToolUse

__all__ = [
    "ChatEvent",
    "Citation",
    "CodeReference",
    "CodeReferences",
    "ContextUsage",
    "FollowupPrompt",
    "InvalidState",
    "MessageMetadata",
    "Metering",
    "OtherEvent",
    "ReasoningDelta",
    "TextDelta",
    "TokenUsage",
    "ToolUseRequest",
    "TurnComplete",
    "WebLink",
    "WebLinks",
    "event_to_dict",
]


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer's text."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning; the signature arrives on the last piece.

    ``redacted`` carries encrypted reasoning, which is replayed but cannot be shown.
    """

    text: str
    signature: str | None = None
    redacted: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ToolUseRequest:
    """A complete tool use (its input fragments joined): answer it with a ``ToolResult``."""

    tool_use: ToolUse


@dataclass(frozen=True, slots=True)
class Citation:
    """A source the answer cites; ``location`` is a character offset, ``span`` a range."""

    link: str
    text: str | None = None
    location: int | None = None
    span: tuple[int | None, int | None] | None = None


@dataclass(frozen=True, slots=True)
class CodeReference:
    """Code in the answer resembling licensed code: licence, repository, where in the answer."""

    license_name: str | None
    repository: str | None
    url: str | None
    span: tuple[int | None, int | None] | None


@dataclass(frozen=True, slots=True)
class CodeReferences:
    references: tuple[CodeReference, ...]


@dataclass(frozen=True, slots=True)
class WebLink:
    url: str
    title: str
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class WebLinks:
    """Supplementary web links the service attached to the answer."""

    links: tuple[WebLink, ...]


@dataclass(frozen=True, slots=True)
class FollowupPrompt:
    """A follow-up question the service suggests."""

    content: str
    user_intent: str | None = None


@dataclass(frozen=True, slots=True)
class Metering:
    """Usage charged for this answer, in the service's units."""

    usage: float | None
    unit: str | None
    unit_plural: str | None


@dataclass(frozen=True, slots=True)
class TokenUsage:
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cache_read_input_tokens: int | None = None
    cache_write_input_tokens: int | None = None
    context_usage_percentage: float | None = None


@dataclass(frozen=True, slots=True)
class ContextUsage:
    """How full the model's context window is, in percent."""

    percentage: float | None


@dataclass(frozen=True, slots=True)
class InvalidState:
    """The service says the conversation is in a state it cannot continue from."""

    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class MessageMetadata:
    """Ids the service gives the conversation and this answer."""

    conversation_id: str | None
    utterance_id: str | None


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """An event chat does not interpret (intents, UI components, unknown types), kept whole."""

    kind: str
    value: Any


@dataclass(frozen=True, slots=True)
class TurnComplete:
    """The last event of a turn: the assistant message as it enters the history.

    ``stop_reason`` is ``tool_use`` when the message holds tool uses to answer.
    """

    message: AssistantMessage
    stop_reason: Literal["end_turn", "tool_use", "cancelled"]


ChatEvent: TypeAlias = (
    TextDelta
    | ReasoningDelta
    | ToolUseRequest
    | Citation
    | CodeReferences
    | WebLinks
    | FollowupPrompt
    | Metering
    | TokenUsage
    | ContextUsage
    | InvalidState
    | MessageMetadata
    | OtherEvent
    | TurnComplete
)


def event_to_dict(event: ChatEvent) -> dict[str, Any]:
    """A JSON-ready form: ``{"type": "<EventClass>", ...fields}``; bytes become base64."""
    return {"type": type(event).__name__, **_jsonable(_fields(event))}


def _fields(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in _fields(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)

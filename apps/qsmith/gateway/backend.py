"""The gateway's backend interface: normalized requests in, normalized events out.

Both wire APIs (OpenAI, Anthropic) translate to and from these types only, so each side
can be built and tested alone: the translators against a scripted backend, the backend
adapter against a fake service. A backend answers four questions: which models exist,
how a turn streams, roughly how many tokens a request holds, and whether the upstream
identity is usable.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeAlias

from qsmith.chat.messages import Image, Reasoning, TextBlock, ToolSpec

__all__ = [
    "Backend",
    "BackendEvent",
    "HealthStatus",
    "ImagePart",
    "Message",
    "ModelInfo",
    "Part",
    "PromptCaching",
    "ReasoningDelta",
    "ReasoningPart",
    "StopReason",
    "TextDelta",
    "TextPart",
    "ThinkingRequest",
    "ToolCall",
    "ToolChoice",
    "ToolResultPart",
    "ToolSpec",
    "ToolUsePart",
    "TurnEnd",
    "TurnRequest",
    "Usage",
]

# The parts chat already defines are chat's own types (one definition of a text block, an
# image, replayed reasoning and a tool specification); tool uses and results differ: the
# wire APIs name calls by ``id`` and a result may carry images the service cannot.
TextPart: TypeAlias = TextBlock
ImagePart: TypeAlias = Image
ReasoningPart: TypeAlias = Reasoning

Role = Literal["user", "assistant"]
StopReason = Literal["end_turn", "tool_use", "max_tokens"]


@dataclass(frozen=True, slots=True)
class ToolUsePart:
    """A tool call the assistant made earlier in the conversation."""

    id: str
    name: str
    input: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolResultPart:
    """The caller's answer to a tool call."""

    tool_use_id: str
    text: str
    is_error: bool = False
    # The service's tool results hold text and JSON only; images travel with the turn.
    images: tuple[ImagePart, ...] = ()


Part: TypeAlias = TextPart | ImagePart | ToolUsePart | ToolResultPart | ReasoningPart


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    parts: tuple[Part, ...]
    # A client's prompt-cache breakpoint (Anthropic ``cache_control``) on one of its parts.
    cache_point: bool = False


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """``auto`` (model decides), ``none`` (no tools), ``any`` (some tool), ``tool`` (``name``)."""

    mode: Literal["auto", "none", "any", "tool"] = "auto"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ThinkingRequest:
    """The client asked for reasoning: ``enabled`` (it must happen) or ``adaptive`` (the
    model may), with a token budget; ``param`` names the client's field, for errors.
    ``from_effort``: the budget came from an effort name, so it may be lowered to fit the
    model's output limit; a budget the client gave is sent as given."""

    mode: Literal["enabled", "adaptive"]
    budget_tokens: int
    param: str
    from_effort: bool = True


@dataclass(frozen=True, slots=True)
class PromptCaching:
    """A model's prompt caching, as the service's model list gives it."""

    supported: bool
    min_tokens_per_checkpoint: int | None = None
    max_checkpoints: int | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model the backend can route to; ``id`` is the service's model id.

    ``context_window`` is the service's ``maxInputTokens``; ``reasoning`` says whether the
    gateway asks this model for extended thinking (``qsmith.gateway.capabilities``)."""

    id: str
    description: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    prompt_caching: PromptCaching | None = None
    reasoning: bool = False


@dataclass(frozen=True, slots=True)
class TurnRequest:
    """One turn to run: ``messages`` is normalized (user first, alternating, ends with user)."""

    model: str
    messages: tuple[Message, ...]
    system: str | None = None
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice = ToolChoice()
    max_tokens: int | None = None
    # The client asked for reasoning; after model resolution, only for a reasoning model.
    thinking: ThinkingRequest | None = None
    # A cache breakpoint on the system prompt (it opens the first user message).
    system_cache_point: bool = False
    # The resolved model's catalog entry (limits, caching), set when the model resolves.
    model_info: ModelInfo | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts: the service's token usage; else input from its context-usage
    percentage of the model's input limit; else estimates. ``estimated`` when any figure
    is an estimate (see the design note)."""

    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int = 0
    cache_write_input_tokens: int = 0
    estimated: bool = False
    # What the service charged for the turn (Amazon Q's metering events), in its credits.
    credits: float = 0.0


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    text: str
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete tool call, its arguments as a JSON object text, named as the caller named it."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class TurnEnd:
    stop_reason: StopReason
    usage: Usage


BackendEvent: TypeAlias = TextDelta | ReasoningDelta | ToolCall | TurnEnd


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """Whether the upstream identity is usable, and a message saying why not."""

    ok: bool
    auth: str
    detail: str


class Backend(Protocol):
    """What the gateway needs from an upstream. Errors raised are ``qsmith.gateway.errors``."""

    async def list_models(self) -> list[ModelInfo]: ...

    def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        """Events of one turn, ending with exactly one ``TurnEnd``. Closing the iterator
        early (a client that hung up) must cancel the upstream call."""
        ...

    def count_tokens(self, request: TurnRequest) -> int: ...

    async def health(self) -> HealthStatus: ...

"""The values a conversation is made of: messages, tool specifications, uses and results, images.

These are qsmith's own plain types, independent of either streaming service; the
translation module turns them into the generated request shapes and back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeAlias

from qsmith.runtime.values import Document

__all__ = [
    "IMAGE_FORMATS",
    "AssistantMessage",
    "Image",
    "JsonBlock",
    "Message",
    "Reasoning",
    "TextBlock",
    "ToolResult",
    "ToolResultBlock",
    "ToolSpec",
    "ToolUse",
    "UserMessage",
    "utc_now",
]

# The image formats the services accept (the model's ImageFormat enum).
IMAGE_FORMATS = frozenset({"png", "jpeg", "gif", "webp"})


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Image:
    """An image sent with a user message: its format (png, jpeg, gif, webp) and bytes."""

    format: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Image(format={self.format!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool the model may call: a name, a description and a JSON schema of its input."""

    name: str
    description: str
    input_schema: dict[str, Document]
    # A prompt-cache checkpoint right after this tool (the service's Tool ``cachePoint``).
    cache_point: bool = False


@dataclass(frozen=True, slots=True)
class ToolUse:
    """A complete tool call from the model.

    ``input`` is the parsed JSON input; when the model's fragments did not join into
    valid JSON, ``input`` holds the raw text and ``input_error`` says what is wrong.
    """

    tool_use_id: str
    name: str
    input: Document
    input_error: str | None = None


@dataclass(frozen=True, slots=True)
class TextBlock:
    text: str


@dataclass(frozen=True, slots=True)
class JsonBlock:
    value: Document


ToolResultBlock: TypeAlias = TextBlock | JsonBlock


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The caller's answer to one tool use."""

    tool_use_id: str
    content: tuple[ToolResultBlock, ...]
    status: Literal["success", "error"] = "success"

    @classmethod
    def text(cls, tool_use_id: str, text: str, *, error: bool = False) -> ToolResult:
        return cls(tool_use_id, (TextBlock(text),), "error" if error else "success")

    @classmethod
    def json(cls, tool_use_id: str, value: Document, *, error: bool = False) -> ToolResult:
        return cls(tool_use_id, (JsonBlock(value),), "error" if error else "success")

    def text_size(self) -> int:
        """Characters of content, JSON blocks counted as their compact serialization."""
        return sum(
            len(b.text) if isinstance(b, TextBlock) else len(json.dumps(b.value))
            for b in self.content
        )


@dataclass(frozen=True, slots=True)
class Reasoning:
    """The model's reasoning for one answer, replayed verbatim with its signature.

    Models with extended thinking reject a history whose reasoning was altered; a
    ``redacted`` blob (encrypted reasoning) is replayed as it came.
    """

    text: str = ""
    signature: str | None = None
    redacted: bytes | None = field(default=None, repr=False)


@dataclass(slots=True)
class UserMessage:
    """A user turn: a prompt, images, and the results of the previous turn's tool uses."""

    content: str
    images: tuple[Image, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()
    timestamp: datetime = field(default_factory=utc_now)
    # A prompt-cache checkpoint after this message: the service may cache the request's
    # prefix through it (sent as the message's ``cachePoint``; not stored).
    cache_point: bool = False
    role: Literal["user"] = field(default="user", init=False)

    @staticmethod
    def of(
        content: str, images: Sequence[Image] = (), tool_results: Sequence[ToolResult] = ()
    ) -> UserMessage:
        return UserMessage(content, tuple(images), tuple(tool_results))


@dataclass(slots=True)
class AssistantMessage:
    """An assistant turn as received; ``cancelled`` when the caller stopped it early."""

    content: str
    tool_uses: tuple[ToolUse, ...] = ()
    reasoning: Reasoning | None = None
    message_id: str | None = None
    model_id: str | None = None
    timestamp: datetime = field(default_factory=utc_now)
    cancelled: bool = False
    cache_point: bool = False  # as ``UserMessage.cache_point``
    role: Literal["assistant"] = field(default="assistant", init=False)


Message: TypeAlias = UserMessage | AssistantMessage

"""The service's conversation rules, applied before each request.

Rules (those the Amazon Q CLI enforces before it sends, so the service never answers 400):
- the history alternates user / assistant and starts with a user message holding no
  tool results; the message being sent is a user message;
- every tool use of an assistant message is answered in the next user message: a use the
  caller gave no result for gets a synthetic error result saying it was cancelled;
  results for tool uses the previous message does not hold are refused (``HistoryError``);
- caps: at most ``max_history_messages`` messages of history, at most ``max_user_message_chars``
  characters in a prompt, ``max_tool_result_chars`` in one tool result, ``max_images`` images
  per request and ``max_image_bytes`` per image (values from the Amazon Q CLI's constants).

Trimming policy: the history is never trimmed silently inside a message. When it is over
its cap, the oldest messages are dropped from the request (never from the saved
conversation) up to the next user message without tool results, so that the request
still starts with a plain user prompt. Prompts, tool results and images over a cap are
refused with ``ChatLimitError`` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from qsmith.chat.errors import ChatLimitError, HistoryError
from qsmith.chat.messages import (
    IMAGE_FORMATS,
    AssistantMessage,
    Message,
    TextBlock,
    ToolResult,
    ToolUse,
    UserMessage,
)

__all__ = [
    "CANCELLED_TOOL_RESULT",
    "DEFAULT_LIMITS",
    "Limits",
    "RequestPlan",
    "plan_request",
    "repair_history",
]

# What a synthetic result says; the model reads it as a tool call that did not run.
CANCELLED_TOOL_RESULT = "The tool use was cancelled: no result was given for it."


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps checked before sending; the defaults are the Amazon Q CLI's."""

    max_history_messages: int = 2000
    max_user_message_chars: int = 400_000
    max_tool_result_chars: int = 400_000
    max_images: int = 10
    max_image_bytes: int = 10 * 1024 * 1024


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class RequestPlan:
    """What to send: the history (possibly trimmed) and the completed current message."""

    history: list[Message]
    current: UserMessage
    dropped: int


def plan_request(history: Sequence[Message], current: UserMessage, limits: Limits) -> RequestPlan:
    """Check ``current`` against the limits, answer open tool uses and trim the history."""
    repaired = repair_history(history)
    if repaired and isinstance(repaired[-1], UserMessage):
        # A turn that never got its answer (e.g. from a resumed file): send it with this one.
        trailing = repaired.pop()
        merged = _merge(trailing, current)
        assert isinstance(merged, UserMessage)
        current = merged
    current = _answer_tool_uses(repaired, current)
    if not (current.content or current.images or current.tool_results):
        raise HistoryError("nothing to send: the message has no text, image or tool result")
    check_user_message(current, limits)
    trimmed = _trim(repaired, limits.max_history_messages)
    dropped = len(repaired) - len(trimmed)
    if not trimmed and current.tool_results:
        # The uses these results answer were trimmed away: keep the results as text.
        current = _results_as_text(current)
    return RequestPlan(trimmed, current, dropped)


def check_user_message(message: UserMessage, limits: Limits) -> None:
    """Raise ``ChatLimitError`` naming the first limit ``message`` breaks."""
    if len(message.content) > limits.max_user_message_chars:
        raise ChatLimitError(
            f"the message has {len(message.content)} characters; the limit is "
            f"{limits.max_user_message_chars}"
        )
    if len(message.images) > limits.max_images:
        raise ChatLimitError(
            f"{len(message.images)} images attached; at most {limits.max_images} per request"
        )
    for index, image in enumerate(message.images):
        if image.format not in IMAGE_FORMATS:
            raise ChatLimitError(
                f"image {index}: format {image.format!r} is not one of {sorted(IMAGE_FORMATS)}"
            )
        if len(image.data) > limits.max_image_bytes:
            raise ChatLimitError(
                f"image {index} has {len(image.data)} bytes; the limit is "
                f"{limits.max_image_bytes}"
            )
    for result in message.tool_results:
        if result.text_size() > limits.max_tool_result_chars:
            raise ChatLimitError(
                f"the result of tool use {result.tool_use_id} has {result.text_size()} "
                f"characters; the limit is {limits.max_tool_result_chars}"
            )


def repair_history(history: Sequence[Message]) -> list[Message]:
    """A history the service accepts, built from one that may break its rules.

    Leading assistant messages are dropped; adjacent messages of one role are merged;
    unanswered tool uses get cancelled results; results that answer nothing become text.
    """
    merged: list[Message] = []
    for message in history:
        if not merged and isinstance(message, AssistantMessage):
            continue
        if merged and merged[-1].role == message.role:
            merged[-1] = _merge(merged[-1], message)
        else:
            merged.append(message)
    repaired: list[Message] = []
    for message in merged:
        if isinstance(message, UserMessage):
            previous = repaired[-1] if repaired else None
            message = _fit_results(previous, message)
        repaired.append(message)
    return repaired


def _merge(first: Message, second: Message) -> Message:
    """One message from two neighbours of one role; a tool use id appears once."""
    content = "\n\n".join(part for part in (first.content, second.content) if part)
    if isinstance(first, UserMessage) and isinstance(second, UserMessage):
        results: dict[str, ToolResult] = {}
        for result in first.tool_results + second.tool_results:
            kept = results.get(result.tool_use_id)
            if kept is None or _is_cancelled(kept):  # a real result beats a synthetic one
                results[result.tool_use_id] = result
        return replace(
            first,
            content=content,
            images=first.images + second.images,
            tool_results=tuple(results.values()),
            cache_point=first.cache_point or second.cache_point,
        )
    assert isinstance(first, AssistantMessage) and isinstance(second, AssistantMessage)
    uses: dict[str, ToolUse] = {}
    for use in first.tool_uses + second.tool_uses:
        uses.setdefault(use.tool_use_id, use)
    return replace(
        first,
        content=content,
        tool_uses=tuple(uses.values()),
        cache_point=first.cache_point or second.cache_point,
    )


def _is_cancelled(result: ToolResult) -> bool:
    return result.status == "error" and result.content == (TextBlock(CANCELLED_TOOL_RESULT),)


def _fit_results(previous: Message | None, message: UserMessage) -> UserMessage:
    """Answer every use of ``previous``; turn results answering nothing into text."""
    uses = previous.tool_uses if isinstance(previous, AssistantMessage) else ()
    wanted = {use.tool_use_id for use in uses}
    kept: list[ToolResult] = []
    orphans: list[ToolResult] = []  # answering nothing, or a second answer: kept as text
    given: set[str] = set()
    for result in message.tool_results:
        if result.tool_use_id in wanted and result.tool_use_id not in given:
            kept.append(result)
            given.add(result.tool_use_id)
        else:
            orphans.append(result)
    kept += [_cancelled(use.tool_use_id) for use in uses if use.tool_use_id not in given]
    if orphans:
        message = _results_as_text(replace(message, tool_results=tuple(orphans)))
    return replace(message, tool_results=tuple(kept))


def _answer_tool_uses(history: Sequence[Message], current: UserMessage) -> UserMessage:
    """Refuse results for unknown tool uses; add cancelled results for unanswered ones."""
    last = history[-1] if history else None
    uses = last.tool_uses if isinstance(last, AssistantMessage) else ()
    known = {use.tool_use_id for use in uses}
    seen: set[str] = set()
    for result in current.tool_results:
        if result.tool_use_id not in known:
            raise HistoryError(
                f"tool result for {result.tool_use_id!r}: the last answer has no such tool use "
                f"(open tool uses: {sorted(known) or 'none'})"
            )
        if result.tool_use_id in seen:
            raise HistoryError(f"two tool results for {result.tool_use_id!r}")
        seen.add(result.tool_use_id)
    missing = [_cancelled(use.tool_use_id) for use in uses if use.tool_use_id not in seen]
    return replace(current, tool_results=current.tool_results + tuple(missing))


def _cancelled(tool_use_id: str) -> ToolResult:
    return ToolResult(tool_use_id, (TextBlock(CANCELLED_TOOL_RESULT),), "error")


def _results_as_text(message: UserMessage) -> UserMessage:
    lines = [
        f"[result of tool use {r.tool_use_id} ({r.status})]: "
        + " ".join(b.text if isinstance(b, TextBlock) else repr(b.value) for b in r.content)
        for r in message.tool_results
    ]
    content = "\n".join([message.content, *lines] if message.content else lines)
    return replace(message, content=content, tool_results=())


def _trim(history: list[Message], cap: int) -> list[Message]:
    """Drop the oldest messages until the history fits and starts with a plain prompt."""
    start = 0
    while start < len(history):
        if len(history) - start <= cap and _is_plain_prompt(history, start):
            return history[start:]
        start += 1
    return []


def _is_plain_prompt(history: list[Message], index: int) -> bool:
    message = history[index]
    return isinstance(message, UserMessage) and not message.tool_results

"""The Anthropic Messages API, translated to and from the backend's types.

Requests: ``system`` (text or text blocks); messages whose content is text or blocks
(``text``, ``image`` with a base64 source, ``tool_use``, ``tool_result``, ``thinking``;
``redacted_thinking`` cannot be replayed upstream and is refused); ``tools`` and
``tool_choice`` (``auto``/``any``/``tool``/``none``); ``thinking`` becomes
``TurnRequest.thinking`` (``enabled`` with its ``budget_tokens``; ``adaptive`` with the
budget of ``output_config.effort``; ``disabled``: none), which
``qsmith.gateway.capabilities`` refuses or forwards by model; ``cache_control`` on system,
message and tool blocks becomes the turn's cache breakpoints. Sampling settings and
``stop_sequences`` have no upstream equivalent and are ignored; ``metadata`` likewise.

Streaming answers follow the API's event sequence: ``message_start``; per content block
``content_block_start``, its deltas (``text_delta``, ``thinking_delta`` then
``signature_delta``, ``input_json_delta``) and ``content_block_stop``; ``message_delta``
with the stop reason and usage; ``message_stop``.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from qsmith.gateway.aggregate import CompletedTurn
from qsmith.gateway.backend import (
    BackendEvent,
    ImagePart,
    Message,
    Part,
    ReasoningDelta,
    ReasoningPart,
    TextDelta,
    TextPart,
    ThinkingRequest,
    ToolCall,
    ToolChoice,
    ToolResultPart,
    ToolSpec,
    ToolUsePart,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.capabilities import MIN_BUDGET_TOKENS, effort_budget
from qsmith.gateway.errors import BadRequestError, GatewayError, anthropic_error
from qsmith.gateway.fields import (
    check_optional_fields,
    decode_image,
    get,
    has_cache_control,
    require,
)
from qsmith.gateway.history import normalize
from qsmith.gateway.sse import Keepalive, encode_event

__all__ = ["MessagesRequest", "message_body", "message_events", "parse_messages_request"]

SYSTEM_MESSAGE_TEMPLATE = "<system_message>\n{text}\n</system_message>"
THINKING_TYPES = ("enabled", "adaptive", "disabled")
# Anthropic's default effort when ``output_config.effort`` is absent.
ADAPTIVE_EFFORT = "high"
# Optional fields checked for their type only: the service has no equivalent for them.
SAMPLING_FIELDS: dict[str, type | tuple[type, ...]] = {
    "temperature": (int, float),
    "top_p": (int, float),
    "top_k": int,
    "stop_sequences": list,
    "metadata": dict,
    "stream": bool,
    "service_tier": str,
}


class MessagesRequest:
    def __init__(self, turn: TurnRequest, *, stream: bool) -> None:
        self.turn = turn
        self.stream = stream
        self.id = f"msg_{uuid.uuid4().hex}"


def parse_messages_request(body: dict[str, Any], *, counting: bool = False) -> MessagesRequest:
    """The turn a Messages request asks for; ``counting`` (count_tokens) needs no max_tokens."""
    model = require(body, "model", str, "")
    raw_messages = require(body, "messages", list, "")
    check_optional_fields(body, SAMPLING_FIELDS)
    max_tokens = get(body, "max_tokens", int, "")
    if max_tokens is None and not counting:
        raise BadRequestError("max_tokens: this field is required", param="max_tokens")
    system = _system(body.get("system"))
    system_cache_point = has_cache_control(body.get("system"))
    messages: list[Message] = []
    for index, raw in enumerate(raw_messages):
        path = f"messages[{index}]"
        if not isinstance(raw, dict):
            raise BadRequestError(f"{path}: expected an object", param=path)
        role = require(raw, "role", str, path)
        if role not in ("user", "assistant", "system"):
            raise BadRequestError(
                f"{path}.role: expected user, assistant or system", param=f"{path}.role"
            )
        parts = _content(raw.get("content"), f"{path}.content")
        cached = has_cache_control(raw.get("content"))
        if role == "system":
            system, message = _system_message(system, parts, messages)
            if message is not None:
                messages.append(dataclasses.replace(message, cache_point=cached))
            else:
                system_cache_point = system_cache_point or cached
            continue
        messages.append(Message("user" if role == "user" else "assistant", parts, cached))
    turn = TurnRequest(
        model=model,
        messages=normalize(messages),
        system=system,
        tools=_tools(get(body, "tools", list, "") or []),
        tool_choice=_tool_choice(get(body, "tool_choice", dict, "")),
        max_tokens=max_tokens,
        thinking=_thinking(body),
        system_cache_point=system_cache_point,
    )
    return MessagesRequest(turn, stream=bool(get(body, "stream", bool, "")))


def _system_message(
    system: str | None, parts: tuple[Part, ...], earlier: list[Message]
) -> tuple[str | None, Message | None]:
    """A ``system`` message inside ``messages`` (Claude Code sends them): before the first
    assistant turn it joins the system prompt; later it stays where it is, as tagged text
    of a user turn, so its position in the conversation is kept."""
    texts = [p.text for p in parts if isinstance(p, TextPart)]
    text = "\n\n".join(t for t in texts if t)
    if not text:
        return system, None
    if not any(m.role == "assistant" for m in earlier):
        return "\n\n".join(t for t in (system, text) if t), None
    return system, Message("user", (TextPart(SYSTEM_MESSAGE_TEMPLATE.format(text=text)),))


def _thinking(body: dict[str, Any]) -> ThinkingRequest | None:
    """``enabled`` with its budget (checked as the API checks it), ``adaptive`` with the
    budget of ``output_config.effort`` (default ``high``), ``disabled`` or absent: None."""
    raw = get(body, "thinking", dict, "")
    if raw is None:
        return None
    kind = require(raw, "type", str, "thinking")
    if kind not in THINKING_TYPES:
        expected = ", ".join(THINKING_TYPES)
        raise BadRequestError(
            f"thinking.type: expected one of {expected}, got {kind!r}", param="thinking.type"
        )
    budget = get(raw, "budget_tokens", int, "thinking")
    if kind == "disabled":
        return None
    if kind == "adaptive":
        output_config = get(body, "output_config", dict, "") or {}
        effort = get(output_config, "effort", str, "output_config") or ADAPTIVE_EFFORT
        return ThinkingRequest(
            "adaptive", effort_budget(effort, "output_config.effort"), "thinking"
        )
    if budget is None:
        raise BadRequestError(
            "thinking.budget_tokens: required when thinking is enabled",
            param="thinking.budget_tokens",
        )
    if budget < MIN_BUDGET_TOKENS:
        raise BadRequestError(
            f"thinking.budget_tokens: must be at least {MIN_BUDGET_TOKENS}, got {budget}",
            param="thinking.budget_tokens",
        )
    return ThinkingRequest("enabled", budget, "thinking", from_effort=False)


def _system(raw: object) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw or None
    if not isinstance(raw, list):
        raise BadRequestError("system: expected a string or text blocks", param="system")
    texts = []
    for index, block in enumerate(raw):
        where = f"system[{index}]"
        if not isinstance(block, dict) or block.get("type") != "text":
            raise BadRequestError(f"{where}: only text blocks are allowed", param=where)
        texts.append(require(block, "text", str, where))
    return "\n\n".join(texts) or None


def _content(raw: object, path: str) -> tuple[Part, ...]:
    if isinstance(raw, str):
        return (TextPart(raw),)
    if not isinstance(raw, list):
        raise BadRequestError(f"{path}: expected a string or content blocks", param=path)
    parts = []
    for index, block in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(block, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        parts.append(_block(block, where))
    return tuple(parts)


def _block(block: dict[str, Any], where: str) -> Part:
    kind = require(block, "type", str, where)
    if kind == "text":
        return TextPart(require(block, "text", str, where))
    if kind == "image":
        return _image(block, where)
    if kind == "document":
        return _document(block, where)
    if kind == "tool_use":
        tool_input = get(block, "input", dict, where) or {}
        return ToolUsePart(
            require(block, "id", str, where), require(block, "name", str, where), tool_input
        )
    if kind == "tool_result":
        text, images = _result_content(block.get("content"), f"{where}.content")
        call_id = require(block, "tool_use_id", str, where)
        is_error = bool(get(block, "is_error", bool, where))
        return ToolResultPart(call_id, text, is_error, images)
    if kind == "thinking":
        thinking = require(block, "thinking", str, where)
        return ReasoningPart(thinking, get(block, "signature", str, where))
    raise BadRequestError(
        f"{where}.type: unsupported content block {kind!r}", param=f"{where}.type"
    )


def _image(block: dict[str, Any], where: str) -> ImagePart:
    source = require(block, "source", dict, where)
    if source.get("type") != "base64":
        raise BadRequestError(
            f"{where}.source.type: only base64 images are accepted (the gateway fetches nothing)",
            param=f"{where}.source.type",
        )
    media_type = require(source, "media_type", str, f"{where}.source")
    return decode_image(media_type, require(source, "data", str, f"{where}.source"), where)


def _document(block: dict[str, Any], where: str) -> TextPart:
    """Plain-text documents become text; PDFs and other binary documents are refused."""
    source = require(block, "source", dict, where)
    kind = require(source, "type", str, f"{where}.source")
    if kind == "text":
        title = get(block, "title", str, where)
        text = require(source, "data", str, f"{where}.source")
        return TextPart(f"<document title={title!r}>\n{text}\n</document>" if title else text)
    if kind == "content":
        texts, images = _result_content(source.get("content"), f"{where}.source.content")
        if images:
            raise BadRequestError(
                f"{where}: images inside a document cannot be forwarded", param=where
            )
        return TextPart(texts)
    raise BadRequestError(
        f"{where}: document blocks with a {kind!r} source (PDF) cannot be forwarded: the "
        "gateway passes text documents only; extract the text first",
        param=where,
    )


def _result_content(raw: object, path: str) -> tuple[str, tuple[ImagePart, ...]]:
    """A tool result's text and images (Claude Code returns screenshots and image files)."""
    if raw is None or isinstance(raw, str):
        return raw or "", ()
    if not isinstance(raw, list):
        raise BadRequestError(f"{path}: expected a string or content blocks", param=path)
    texts: list[str] = []
    images: list[ImagePart] = []
    for index, block in enumerate(raw):
        where = f"{path}[{index}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(require(block, "text", str, where))
        elif kind == "image":
            images.append(_image(block, where))
        else:
            raise BadRequestError(
                f"{where}: tool results may hold text and image blocks only", param=where
            )
    return "\n".join(texts), tuple(images)


def _tools(raw_tools: list[Any]) -> tuple[ToolSpec, ...]:
    tools = []
    for index, tool in enumerate(raw_tools):
        where = f"tools[{index}]"
        if not isinstance(tool, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        schema = get(tool, "input_schema", dict, where)
        if schema is None:
            raise BadRequestError(
                f"{where}: server tools are not supported; give input_schema", param=where
            )
        name = require(tool, "name", str, where)
        description = get(tool, "description", str, where) or ""
        cached = has_cache_control(tool)
        tools.append(ToolSpec(name, description, schema, cache_point=cached))
    return tuple(tools)


def _tool_choice(raw: dict[str, Any] | None) -> ToolChoice:
    if raw is None:
        return ToolChoice("auto")
    kind = require(raw, "type", str, "tool_choice")
    if kind in ("auto", "any", "none"):
        return ToolChoice(kind)  # type: ignore[arg-type]
    if kind == "tool":
        return ToolChoice("tool", require(raw, "name", str, "tool_choice"))
    raise BadRequestError(f"tool_choice.type: unknown choice {kind!r}", param="tool_choice.type")


def _usage(usage: Usage) -> dict[str, int]:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_input_tokens": usage.cache_read_input_tokens,
        "cache_creation_input_tokens": usage.cache_write_input_tokens,
    }


def message_body(request: MessagesRequest, model: str, turn: CompletedTurn) -> dict[str, object]:
    content: list[dict[str, object]] = []
    if turn.reasoning:
        content.append(
            {"type": "thinking", "thinking": turn.reasoning, "signature": turn.signature or ""}
        )
    if turn.text:
        content.append({"type": "text", "text": turn.text})
    for call in turn.tool_calls:
        content.append(
            {
                "type": "tool_use",
                "id": call.id,
                "name": call.name,
                "input": json.loads(call.arguments),
            }
        )
    return {
        "id": request.id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": _usage(turn.usage),
    }


class _Blocks:
    """Tracks the open content block, so each kind of delta opens and closes its own."""

    def __init__(self) -> None:
        self.index = -1
        self.open: str | None = None

    def switch(self, kind: str, start: dict[str, object]) -> list[bytes]:
        if self.open == kind:
            return []
        frames = self.close()
        self.index += 1
        self.open = kind
        frames.append(_event("content_block_start", index=self.index, content_block=start))
        return frames

    def close(self) -> list[bytes]:
        if self.open is None:
            return []
        self.open = None
        return [_event("content_block_stop", index=self.index)]


def _event(kind: str, **fields: object) -> bytes:
    return encode_event({"type": kind, **fields}, event=kind)


# Sent during silences, as the Anthropic API does; its SDKs skip it.
PING = _event("ping")


async def message_events(
    request: MessagesRequest,
    model: str,
    input_estimate: int,
    events: AsyncIterator[BackendEvent | Keepalive],
) -> AsyncIterator[bytes]:
    """The SSE body of a streamed message."""
    start: dict[str, object] = {
        "id": request.id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": input_estimate, "output_tokens": 0},
    }
    yield _event("message_start", message=start)
    blocks = _Blocks()
    try:
        async for event in events:
            for frame in _frames(event, blocks):
                yield frame
    except GatewayError as error:
        yield encode_event(anthropic_error(error)[1], event="error")


def _frames(event: BackendEvent | Keepalive, blocks: _Blocks) -> list[bytes]:
    match event:
        case Keepalive():
            return [PING]
        case TextDelta(text):
            frames = blocks.switch("text", {"type": "text", "text": ""})
            delta = {"type": "text_delta", "text": text}
            return [*frames, _event("content_block_delta", index=blocks.index, delta=delta)]
        case ReasoningDelta(text, signature):
            frames = blocks.switch(
                "thinking", {"type": "thinking", "thinking": "", "signature": ""}
            )
            if text:
                delta = {"type": "thinking_delta", "thinking": text}
                frames.append(_event("content_block_delta", index=blocks.index, delta=delta))
            if signature:
                delta = {"type": "signature_delta", "signature": signature}
                frames.append(_event("content_block_delta", index=blocks.index, delta=delta))
            return frames
        case ToolCall(call_id, name, arguments):
            frames = blocks.close()
            start: dict[str, object] = {
                "type": "tool_use",
                "id": call_id,
                "name": name,
                "input": {},
            }
            frames += blocks.switch(f"tool:{call_id}", start)
            delta = {"type": "input_json_delta", "partial_json": arguments}
            frames.append(_event("content_block_delta", index=blocks.index, delta=delta))
            return frames + blocks.close()
        case TurnEnd(stop_reason, usage):
            end: dict[str, object] = {"stop_reason": stop_reason, "stop_sequence": None}
            return [
                *blocks.close(),
                _event("message_delta", delta=end, usage=_usage(usage)),
                _event("message_stop"),
            ]
    return []

"""The OpenAI Chat Completions API, translated to and from the backend's types.

Requests: ``system``/``developer`` messages become the system prompt; ``user`` content is
text or parts (``text``, ``image_url`` with a data URL); ``assistant`` messages carry text,
``tool_calls`` and optionally ``reasoning_content``; ``tool`` messages are tool results.
``cache_control`` on a message, a content part or a tool (the Anthropic breakpoints some
clients put in OpenAI requests) marks cache breakpoints as Anthropic's do.
``tool_choice`` ``none``/``auto``/``required``/a named function maps to the backend's
choice; ``reasoning_effort`` other than ``none`` asks for thinking with the effort's budget
(``qsmith.gateway.capabilities``: forwarded to a reasoning model, a 400 for the others).
Sampling settings (``temperature``, ``top_p``, ...) have no upstream equivalent and are
ignored (their types are checked). ``response_format`` ``json_object``/``json_schema`` is honoured by
``qsmith.gateway.structured`` (instructed, checked, repaired once).

Answers: reasoning is sent as ``reasoning_content`` (the field reasoning-capable
OpenAI-compatible servers use), tool calls as ``tool_calls`` with JSON arguments, the
stop reason as ``finish_reason`` (``stop``, ``tool_calls``, ``length``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from qsmith.gateway.aggregate import CompletedTurn
from qsmith.gateway.backend import (
    BackendEvent,
    Message,
    Part,
    ReasoningDelta,
    ReasoningPart,
    StopReason,
    TextDelta,
    TextPart,
    ToolCall,
    ToolChoice,
    ToolResultPart,
    ToolSpec,
    ToolUsePart,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.capabilities import effort_thinking
from qsmith.gateway.errors import BadRequestError, GatewayError, openai_error
from qsmith.gateway.fields import (
    check_optional_fields,
    get,
    has_cache_control,
    image_from_data_url,
    require,
)
from qsmith.gateway.history import normalize
from qsmith.gateway.sse import KEEPALIVE_COMMENT, Keepalive, encode_event
from qsmith.gateway.structured import JsonFormat, parse_response_format

__all__ = ["ChatRequest", "completion_body", "completion_chunks", "parse_chat_request"]

# Optional fields checked for their type only: the service has no equivalent for them.
SAMPLING_FIELDS: dict[str, type | tuple[type, ...]] = {
    "temperature": (int, float),
    "top_p": (int, float),
    "presence_penalty": (int, float),
    "frequency_penalty": (int, float),
    "seed": int,
    "stop": (str, list),
    "user": str,
    "metadata": dict,
    "logprobs": bool,
    "parallel_tool_calls": bool,
    "stream": bool,
    "stream_options": dict,
}

FINISH_REASONS: dict[StopReason, str] = {
    "end_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
}


class ChatRequest:
    """A parsed request: the backend's turn, plus what the answer must echo."""

    def __init__(
        self,
        turn: TurnRequest,
        *,
        stream: bool,
        include_usage: bool,
        json_format: JsonFormat | None = None,
    ) -> None:
        self.turn = turn
        self.stream = stream
        self.include_usage = include_usage
        self.json_format = json_format
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())


def parse_chat_request(body: dict[str, Any]) -> ChatRequest:
    model = require(body, "model", str, "")
    raw_messages = require(body, "messages", list, "")
    system: list[str] = []
    system_cache_point = False
    messages: list[Message] = []
    for index, raw in enumerate(raw_messages):
        path = f"messages[{index}]"
        if not isinstance(raw, dict):
            raise BadRequestError(f"{path}: expected an object", param=path)
        role = require(raw, "role", str, path)
        # Anthropic-style breakpoints in OpenAI messages (the LiteLLM/OpenRouter convention).
        cached = has_cache_control(raw) or has_cache_control(raw.get("content"))
        if role in ("system", "developer"):
            system.append(_text_only(raw.get("content"), f"{path}.content"))
            system_cache_point = system_cache_point or cached
        elif role == "user":
            parts = _user_parts(raw.get("content"), f"{path}.content")
            messages.append(Message("user", parts, cached))
        elif role == "assistant":
            messages.append(Message("assistant", _assistant_parts(raw, path), cached))
        elif role == "tool":
            call_id = require(raw, "tool_call_id", str, path)
            text = _text_only(raw.get("content"), f"{path}.content")
            messages.append(Message("user", (ToolResultPart(call_id, text),), cached))
        else:
            raise BadRequestError(f"{path}.role: unknown role {role!r}", param=f"{path}.role")
    check_optional_fields(body, SAMPLING_FIELDS)
    if get(body, "n", int, "") not in (None, 1):
        raise BadRequestError("n: only one choice per request is supported", param="n")
    stream = bool(get(body, "stream", bool, ""))
    options = get(body, "stream_options", dict, "") or {}
    effort = get(body, "reasoning_effort", str, "")
    max_tokens = get(body, "max_completion_tokens", int, "") or get(body, "max_tokens", int, "")
    turn = TurnRequest(
        model=model,
        messages=normalize(messages),
        system="\n\n".join(system) or None,
        tools=_tools(get(body, "tools", list, "") or []),
        tool_choice=_tool_choice(body.get("tool_choice")),
        max_tokens=max_tokens,
        thinking=effort_thinking(effort, "reasoning_effort"),
        system_cache_point=system_cache_point,
    )
    include_usage = bool(get(options, "include_usage", bool, "stream_options"))
    json_format = parse_response_format(body.get("response_format"))
    return ChatRequest(turn, stream=stream, include_usage=include_usage, json_format=json_format)


def _text_only(content: object, path: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for index, part in enumerate(content):
            where = f"{path}[{index}]"
            if not isinstance(part, dict) or part.get("type") != "text":
                raise BadRequestError(f"{where}: only text parts are allowed here", param=where)
            texts.append(require(part, "text", str, where))
        return "\n".join(texts)
    raise BadRequestError(f"{path}: expected a string or an array of parts", param=path)


def _user_parts(content: object, path: str) -> tuple[Part, ...]:
    if isinstance(content, str):
        return (TextPart(content),)
    if not isinstance(content, list):
        raise BadRequestError(f"{path}: expected a string or an array of parts", param=path)
    parts: list[Part] = []
    for index, part in enumerate(content):
        where = f"{path}[{index}]"
        if not isinstance(part, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        kind = require(part, "type", str, where)
        if kind == "text":
            parts.append(TextPart(require(part, "text", str, where)))
        elif kind == "image_url":
            image = require(part, "image_url", dict, where)
            url = require(image, "url", str, f"{where}.image_url")
            parts.append(image_from_data_url(url, f"{where}.image_url.url"))
        else:
            raise BadRequestError(f"{where}.type: unsupported part type {kind!r}", param=where)
    return tuple(parts)


def _assistant_parts(raw: dict[str, Any], path: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    reasoning = get(raw, "reasoning_content", str, path)
    if reasoning:
        parts.append(ReasoningPart(reasoning))
    text = _text_only(raw.get("content"), f"{path}.content")
    if text:
        parts.append(TextPart(text))
    for index, call in enumerate(get(raw, "tool_calls", list, path) or []):
        where = f"{path}.tool_calls[{index}]"
        if not isinstance(call, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        function = require(call, "function", dict, where)
        name = require(function, "name", str, f"{where}.function")
        arguments = _arguments(function.get("arguments"), f"{where}.function.arguments")
        parts.append(ToolUsePart(require(call, "id", str, where), name, arguments))
    return tuple(parts)


def _arguments(raw: object, path: str) -> dict[str, object]:
    if raw is None or raw == "":
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise BadRequestError(f"{path}: not valid JSON", param=path) from None
    if not isinstance(value, dict):
        raise BadRequestError(f"{path}: expected a JSON object", param=path)
    return value


def _tools(raw_tools: list[Any]) -> tuple[ToolSpec, ...]:
    tools = []
    for index, tool in enumerate(raw_tools):
        where = f"tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type", "function") != "function":
            raise BadRequestError(f"{where}: only function tools are supported", param=where)
        function = require(tool, "function", dict, where)
        name = require(function, "name", str, f"{where}.function")
        description = get(function, "description", str, f"{where}.function") or ""
        schema = get(function, "parameters", dict, f"{where}.function")
        schema = schema or {"type": "object", "properties": {}}
        tools.append(ToolSpec(name, description, schema, cache_point=has_cache_control(tool)))
    return tuple(tools)


def _tool_choice(raw: object) -> ToolChoice:
    if raw is None or raw == "auto":
        return ToolChoice("auto")
    if raw == "none":
        return ToolChoice("none")
    if raw == "required":
        return ToolChoice("any")
    if isinstance(raw, dict) and isinstance(raw.get("function"), dict):
        name = require(raw["function"], "name", str, "tool_choice.function")
        return ToolChoice("tool", name)
    raise BadRequestError(
        "tool_choice: expected none, auto, required or a named function", param="tool_choice"
    )


def _usage(usage: Usage) -> dict[str, object]:
    prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_write_input_tokens
    return {
        "prompt_tokens": prompt,
        "completion_tokens": usage.output_tokens,
        "total_tokens": prompt + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_input_tokens},
    }


def _tool_call(call: ToolCall, index: int | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }
    return body if index is None else {"index": index, **body}


def completion_body(request: ChatRequest, model: str, turn: CompletedTurn) -> dict[str, object]:
    message: dict[str, object] = {"role": "assistant", "content": turn.text or None}
    if turn.reasoning:
        message["reasoning_content"] = turn.reasoning
    if turn.tool_calls:
        message["tool_calls"] = [_tool_call(c) for c in turn.tool_calls]
    return {
        "id": request.id,
        "object": "chat.completion",
        "created": request.created,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": FINISH_REASONS[turn.stop_reason]}
        ],
        "usage": _usage(turn.usage),
    }


async def completion_chunks(
    request: ChatRequest, model: str, events: AsyncIterator[BackendEvent | Keepalive]
) -> AsyncIterator[bytes]:
    """The SSE body of a streamed completion, ending with ``data: [DONE]``."""

    def chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return encode_event(
            {
                "id": request.id,
                "object": "chat.completion.chunk",
                "created": request.created,
                "model": model,
                "choices": [choice],
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    tool_index = 0
    try:
        async for event in events:
            match event:
                case Keepalive():
                    yield KEEPALIVE_COMMENT
                case TextDelta(text):
                    yield chunk({"content": text})
                case ReasoningDelta(text):
                    yield chunk({"reasoning_content": text})
                case ToolCall():
                    yield chunk({"tool_calls": [_tool_call(event, tool_index)]})
                    tool_index += 1
                case TurnEnd(stop_reason, usage):
                    yield chunk({}, FINISH_REASONS[stop_reason])
                    if request.include_usage:
                        yield encode_event(_usage_chunk(request, model, usage))
    except GatewayError as error:
        yield encode_event(openai_error(error)[1])
    yield encode_event("[DONE]")


def _usage_chunk(request: ChatRequest, model: str, usage: Usage) -> dict[str, object]:
    return {
        "id": request.id,
        "object": "chat.completion.chunk",
        "created": request.created,
        "model": model,
        "choices": [],
        "usage": _usage(usage),
    }

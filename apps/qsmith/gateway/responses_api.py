"""The OpenAI Responses API (``POST /v1/responses``), translated to and from the backend's types.

Requests: ``instructions`` and ``system``/``developer`` messages become the system prompt;
``input`` is a string or items: messages (``input_text``, ``output_text``, ``input_image``
with a data URL), ``function_call`` and ``function_call_output``, ``custom_tool_call`` and
its output, ``reasoning`` (its summary and ``encrypted_content`` replayed as the assistant's
reasoning and signature). Tools: ``function`` tools, and ``custom`` (free-form) tools,
which go upstream as a function taking one string ``input`` and come back as
``custom_tool_call`` items. ``reasoning.effort`` asks for thinking as ``reasoning_effort``
does (``qsmith.gateway.capabilities``);
``max_output_tokens`` is recorded (the service has no output cap).

``namespace`` tools are flattened (``<namespace>.<name>``; calls come back with their
``namespace``). Hosted tools (``web_search``, ``file_search``, ...) run on OpenAI's servers:
they are not sent, and the answer's ``x-qsmith-omitted-tools`` header and the log name them
(Codex always lists ``web_search``; refusing would refuse Codex).

``previous_response_id`` continues a response kept in the gateway's memory
(``qsmith.gateway.response_store``). Refused with a 400 naming the field: ``conversation``
(the gateway keeps no conversations objects), ``item_reference`` items and ``text.format``
other than ``text``.

Answers: output items ``reasoning`` (summary text, signature as ``encrypted_content``),
``message`` (one ``output_text`` part), ``function_call``/``custom_tool_call``; streamed
as the API's typed events (``response.created`` ... ``response.completed``), each with a
``sequence_number``; a failure after the first event is ``response.failed``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qsmith.gateway.aggregate import CompletedTurn
from qsmith.gateway.backend import (
    BackendEvent,
    Message,
    Part,
    ReasoningDelta,
    ReasoningPart,
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
from qsmith.gateway.fields import check_optional_fields, get, image_from_data_url, require
from qsmith.gateway.history import normalize
from qsmith.gateway.sse import KEEPALIVE_COMMENT, Keepalive, encode_event

__all__ = ["ResponsesRequest", "parse_responses_request", "response_body", "response_events"]

SAMPLING_FIELDS: dict[str, type | tuple[type, ...]] = {
    "temperature": (int, float),
    "top_p": (int, float),
    "metadata": dict,
    "parallel_tool_calls": bool,
    "store": bool,
    "stream": bool,
    "user": str,
    "include": list,
    "truncation": str,
    "prompt_cache_key": str,
    "service_tier": str,
}
UNSUPPORTED_FIELDS = {
    "conversation": "the gateway keeps no conversations; send the whole conversation in input",
}
# A tool inside a ``namespace`` tool is named ``<namespace>.<name>`` here; its calls go
# back as ``name`` with ``namespace`` set.
NAMESPACE_SEPARATOR = "."
CUSTOM_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"input": {"type": "string", "description": "The tool's free-form input."}},
    "required": ["input"],
}


@dataclass
class ResponsesRequest:
    turn: TurnRequest
    stream: bool
    echo: dict[str, Any]  # request fields the response object repeats
    custom_tools: frozenset[str] = frozenset()
    # Hosted tools (web_search, ...) run on OpenAI's servers: not sent, named in a header.
    omitted_tools: tuple[str, ...] = ()
    # The whole conversation (earlier turns and this input), kept when ``store``.
    conversation: tuple[Message, ...] = ()
    store: bool = False
    id: str = field(default_factory=lambda: f"resp_{uuid.uuid4().hex}")
    created_at: int = field(default_factory=lambda: int(time.time()))


def previous_response_id(body: dict[str, Any]) -> str | None:
    return get(body, "previous_response_id", str, "")


def parse_responses_request(
    body: dict[str, Any], earlier: Sequence[Message] = ()
) -> ResponsesRequest:
    """The turn a request asks for; ``earlier``: the conversation of its
    ``previous_response_id`` (``qsmith.gateway.response_store``)."""
    model = require(body, "model", str, "")
    check_optional_fields(body, SAMPLING_FIELDS)
    for key, why in UNSUPPORTED_FIELDS.items():
        if body.get(key) is not None:
            raise BadRequestError(f"{key}: not supported: {why}", param=key)
    _check_text_format(get(body, "text", dict, ""))
    tools, custom, omitted = _tools(get(body, "tools", list, "") or [])
    system = [get(body, "instructions", str, "") or ""]
    new = _input(body.get("input"), system, custom)
    messages = [*earlier, *new]
    reasoning = get(body, "reasoning", dict, "") or {}
    effort = get(reasoning, "effort", str, "reasoning")
    turn = TurnRequest(
        model=model,
        messages=normalize(messages),
        system="\n\n".join(s for s in system if s) or None,
        tools=tools,
        tool_choice=_tool_choice(body.get("tool_choice")),
        max_tokens=get(body, "max_output_tokens", int, ""),
        thinking=effort_thinking(effort, "reasoning.effort"),
    )
    echo = {
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": body.get("metadata") or {},
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "reasoning": {"effort": effort, "summary": reasoning.get("summary")},
        "store": body.get("store", False),
        "temperature": body.get("temperature"),
        "top_p": body.get("top_p"),
        "text": {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "truncation": body.get("truncation", "disabled"),
    }
    stream = bool(get(body, "stream", bool, ""))
    echo["previous_response_id"] = body.get("previous_response_id")
    parsed = ResponsesRequest(turn, stream, echo, frozenset(custom), tuple(omitted))
    parsed.conversation = tuple(messages)
    parsed.store = body.get("store") is not False
    return parsed


def _check_text_format(text: dict[str, Any] | None) -> None:
    fmt = get(text or {}, "format", dict, "text")
    kind = (fmt or {}).get("type", "text")
    if kind != "text":
        raise BadRequestError(
            f"text.format.type: {kind!r} is not supported by this gateway (text only)",
            param="text.format.type",
        )


def _tools(raw_tools: list[Any]) -> tuple[tuple[ToolSpec, ...], set[str], list[str]]:
    """The tools to send, the names of the custom ones, and the hosted tools left out."""
    tools: list[ToolSpec] = []
    custom: set[str] = set()
    omitted: list[str] = []
    for index, tool in enumerate(raw_tools):
        where = f"tools[{index}]"
        if not isinstance(tool, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        kind = require(tool, "type", str, where)
        if kind == "namespace":
            prefix = require(tool, "name", str, where) + NAMESPACE_SEPARATOR
            inner, inner_custom, inner_omitted = _tools(get(tool, "tools", list, where) or [])
            tools += [ToolSpec(prefix + t.name, t.description, t.input_schema) for t in inner]
            custom |= {prefix + name for name in inner_custom}
            omitted += inner_omitted
        elif kind in ("function", "custom"):
            name = require(tool, "name", str, where)
            description = get(tool, "description", str, where) or ""
            if kind == "custom":
                custom.add(name)
                schema = CUSTOM_INPUT_SCHEMA
            else:
                schema = get(tool, "parameters", dict, where) or {"type": "object"}
            tools.append(ToolSpec(name, description, schema))
        else:
            omitted.append(kind)
    return tuple(tools), custom, omitted


def _tool_choice(raw: object) -> ToolChoice:
    if raw is None or raw == "auto":
        return ToolChoice("auto")
    if raw == "none":
        return ToolChoice("none")
    if raw == "required":
        return ToolChoice("any")
    if isinstance(raw, dict) and raw.get("type") in ("function", "custom"):
        return ToolChoice("tool", require(raw, "name", str, "tool_choice"))
    raise BadRequestError(
        "tool_choice: expected none, auto, required or a named function", param="tool_choice"
    )


def _input(raw: object, system: list[str], custom: set[str]) -> list[Message]:
    if isinstance(raw, str):
        return [Message("user", (TextPart(raw),))]
    if not isinstance(raw, list):
        raise BadRequestError("input: expected a string or an array of items", param="input")
    messages: list[Message] = []
    for index, item in enumerate(raw):
        where = f"input[{index}]"
        if not isinstance(item, dict):
            raise BadRequestError(f"{where}: expected an object", param=where)
        message = _item(item, where, system)
        if message is not None:
            messages.append(message)
    return messages


def _item(item: dict[str, Any], where: str, system: list[str]) -> Message | None:
    kind = item.get("type", "message")
    if kind == "message":
        role = require(item, "role", str, where)
        if role in ("system", "developer"):
            system.append(_text(item.get("content"), f"{where}.content"))
            return None
        if role not in ("user", "assistant"):
            raise BadRequestError(f"{where}.role: unknown role {role!r}", param=f"{where}.role")
        parts = _content(item.get("content"), f"{where}.content")
        return Message("user" if role == "user" else "assistant", parts)
    if kind in ("function_call", "custom_tool_call"):
        call_id = require(item, "call_id", str, where)
        name = require(item, "name", str, where)
        namespace = get(item, "namespace", str, where)
        if namespace:
            name = namespace + NAMESPACE_SEPARATOR + name
        if kind == "custom_tool_call":
            arguments: dict[str, Any] = {"input": require(item, "input", str, where)}
        else:
            arguments = _arguments(item.get("arguments"), f"{where}.arguments")
        return Message("assistant", (ToolUsePart(call_id, name, arguments),))
    if kind in ("function_call_output", "custom_tool_call_output"):
        call_id = require(item, "call_id", str, where)
        output = item.get("output")
        text = output if isinstance(output, str) else _text(output, f"{where}.output")
        return Message("user", (ToolResultPart(call_id, text),))
    if kind == "reasoning":
        texts = [s.get("text", "") for s in item.get("summary") or [] if isinstance(s, dict)]
        texts += [c.get("text", "") for c in item.get("content") or [] if isinstance(c, dict)]
        signature = get(item, "encrypted_content", str, where)
        if not any(texts) and signature is None:
            return None
        return Message("assistant", (ReasoningPart("".join(texts), signature),))
    raise BadRequestError(f"{where}.type: unsupported input item {kind!r}", param=f"{where}.type")


def _content(raw: object, path: str) -> tuple[Part, ...]:
    if isinstance(raw, str):
        return (TextPart(raw),)
    if not isinstance(raw, list):
        raise BadRequestError(f"{path}: expected a string or an array of parts", param=path)
    parts: list[Part] = []
    for index, part in enumerate(raw):
        where = f"{path}[{index}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("input_text", "output_text", "text"):
            parts.append(TextPart(require(part, "text", str, where)))
        elif kind == "input_image":
            url = require(part, "image_url", str, where)
            parts.append(image_from_data_url(url, f"{where}.image_url"))
        else:
            raise BadRequestError(f"{where}.type: unsupported content part {kind!r}", param=where)
    return tuple(parts)


def _text(raw: object, path: str) -> str:
    parts = _content(raw if raw is not None else "", path)
    if any(not isinstance(p, TextPart) for p in parts):
        raise BadRequestError(f"{path}: only text is allowed here", param=path)
    return "\n".join(p.text for p in parts if isinstance(p, TextPart))


def _arguments(raw: object, path: str) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise BadRequestError(f"{path}: not valid JSON", param=path) from None
    if not isinstance(value, dict):
        raise BadRequestError(f"{path}: expected a JSON object", param=path)
    return value


# Answers ---------------------------------------------------------------------------


def _usage(usage: Usage) -> dict[str, object]:
    prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_write_input_tokens
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": usage.cache_read_input_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + usage.output_tokens,
    }


def _response(
    request: ResponsesRequest, model: str, status: str, output: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": request.id,
        "object": "response",
        "created_at": request.created_at,
        "status": status,
        "model": model,
        "output": output,
        "error": None,
        "incomplete_details": None,
        "usage": None,
        **request.echo,
    }


def _reasoning_item(item_id: str, text: str, signature: str | None) -> dict[str, Any]:
    summary = [{"type": "summary_text", "text": text}] if text else []
    return {"type": "reasoning", "id": item_id, "summary": summary, "encrypted_content": signature}


def _message_item(item_id: str, text: str, status: str = "completed") -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": []}] if text else []
    return {
        "type": "message",
        "id": item_id,
        "status": status,
        "role": "assistant",
        "content": content,
    }


def _call_item(request: ResponsesRequest, item_id: str, call: ToolCall) -> dict[str, Any]:
    item = _bare_call_item(request, item_id, call)
    namespace, sep, name = call.name.rpartition(NAMESPACE_SEPARATOR)
    if sep and namespace:
        item["name"], item["namespace"] = name, namespace
    return item


def _bare_call_item(request: ResponsesRequest, item_id: str, call: ToolCall) -> dict[str, Any]:
    if call.name in request.custom_tools:
        value = json.loads(call.arguments).get("input", "")
        custom_input = value if isinstance(value, str) else json.dumps(value)
        return {
            "type": "custom_tool_call",
            "id": item_id,
            "call_id": call.id,
            "name": call.name,
            "input": custom_input,
            "status": "completed",
        }
    return {
        "type": "function_call",
        "id": item_id,
        "call_id": call.id,
        "name": call.name,
        "arguments": call.arguments,
        "status": "completed",
    }


def answer_message(turn: CompletedTurn) -> Message:
    """The answer as the assistant turn a later request continues from."""
    parts: list[Part] = []
    if turn.reasoning or turn.signature:
        parts.append(ReasoningPart(turn.reasoning, turn.signature))
    if turn.text:
        parts.append(TextPart(turn.text))
    for call in turn.tool_calls:
        parts.append(ToolUsePart(call.id, call.name, json.loads(call.arguments)))
    return Message("assistant", tuple(parts))


def _item_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def response_body(request: ResponsesRequest, model: str, turn: CompletedTurn) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if turn.reasoning or turn.signature:
        output.append(_reasoning_item(_item_id("rs"), turn.reasoning, turn.signature))
    if turn.text:
        output.append(_message_item(_item_id("msg"), turn.text))
    output += [_call_item(request, _item_id("fc"), call) for call in turn.tool_calls]
    body = _response(request, model, "completed", output)
    body["usage"] = _usage(turn.usage)
    return body


class _Stream:
    """The open output item of a streamed response, and the numbering of its events."""

    def __init__(self, request: ResponsesRequest, model: str) -> None:
        self.request = request
        self.model = model
        self.sequence = 0
        self.output: list[dict[str, Any]] = []
        self.open: str | None = None  # "message" | "reasoning"
        self.item_id = ""
        self.text: list[str] = []
        self.signature: str | None = None

    def event(self, kind: str, **fields: object) -> bytes:
        frame = encode_event({"type": kind, "sequence_number": self.sequence, **fields}, event=kind)
        self.sequence += 1
        return frame

    def response(self, status: str) -> dict[str, Any]:
        return _response(self.request, self.model, status, list(self.output))

    def start(self, kind: str) -> list[bytes]:
        if self.open == kind:
            return []
        frames = self.close()
        self.open, self.item_id, self.text, self.signature = kind, _item_id(kind[:2]), [], None
        index = len(self.output)
        if kind == "message":
            item = _message_item(self.item_id, "", "in_progress")
            part = {"type": "output_text", "text": "", "annotations": []}
            frames.append(self.event("response.output_item.added", output_index=index, item=item))
            frames.append(self.content_event("response.content_part.added", part=part))
        else:
            item = _reasoning_item(self.item_id, "", None)
            part = {"type": "summary_text", "text": ""}
            frames.append(self.event("response.output_item.added", output_index=index, item=item))
            frames.append(self.summary_event("response.reasoning_summary_part.added", part=part))
        return frames

    def content_event(self, kind: str, **fields: object) -> bytes:
        return self.event(
            kind, item_id=self.item_id, output_index=len(self.output), content_index=0, **fields
        )

    def summary_event(self, kind: str, **fields: object) -> bytes:
        return self.event(
            kind, item_id=self.item_id, output_index=len(self.output), summary_index=0, **fields
        )

    def close(self) -> list[bytes]:
        if self.open is None:
            return []
        text = "".join(self.text)
        index = len(self.output)
        if self.open == "message":
            item = _message_item(self.item_id, text)
            part = {"type": "output_text", "text": text, "annotations": []}
            frames = [
                self.content_event("response.output_text.done", text=text),
                self.content_event("response.content_part.done", part=part),
            ]
        else:
            item = _reasoning_item(self.item_id, text, self.signature)
            part = {"type": "summary_text", "text": text}
            frames = [
                self.summary_event("response.reasoning_summary_text.done", text=text),
                self.summary_event("response.reasoning_summary_part.done", part=part),
            ]
        frames.append(self.event("response.output_item.done", output_index=index, item=item))
        self.output.append(item)
        self.open = None
        return frames

    def call(self, call: ToolCall) -> list[bytes]:
        frames = self.close()
        item = _call_item(self.request, _item_id("fc"), call)
        index = len(self.output)
        added = {**item, "status": "in_progress"}
        frames.append(self.event("response.output_item.added", output_index=index, item=added))
        if item["type"] == "function_call":
            where = {"item_id": item["id"], "output_index": index}
            delta, done = (
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
            )
            frames.append(self.event(delta, **where, delta=call.arguments))
            frames.append(self.event(done, **where, arguments=call.arguments))
        else:
            where = {"item_id": item["id"], "output_index": index}
            frames.append(
                self.event("response.custom_tool_call_input.delta", **where, delta=item["input"])
            )
            frames.append(
                self.event("response.custom_tool_call_input.done", **where, input=item["input"])
            )
        frames.append(self.event("response.output_item.done", output_index=index, item=item))
        self.output.append(item)
        return frames


async def response_events(
    request: ResponsesRequest,
    model: str,
    events: AsyncIterator[BackendEvent | Keepalive],
    on_complete: Callable[[CompletedTurn], None] | None = None,
) -> AsyncIterator[bytes]:
    """The SSE body of a streamed response; ``on_complete`` gets the whole answer."""
    stream = _Stream(request, model)
    answer = CompletedTurn()
    yield stream.event("response.created", response=stream.response("in_progress"))
    yield stream.event("response.in_progress", response=stream.response("in_progress"))
    try:
        async for event in events:
            _gather(answer, event)
            for frame in _frames(stream, event):
                yield frame
            if isinstance(event, TurnEnd) and on_complete is not None:
                on_complete(answer)
    except GatewayError as error:
        failed = stream.response("failed")
        failed["error"] = {"code": _error_code(error), "message": error.message}
        yield stream.event("response.failed", response=failed)


def _gather(answer: CompletedTurn, event: BackendEvent | Keepalive) -> None:
    match event:
        case TextDelta(text):
            answer.text += text
        case ReasoningDelta(text, signature):
            answer.reasoning += text
            answer.signature = signature or answer.signature
        case ToolCall():
            answer.tool_calls.append(event)
        case TurnEnd(stop_reason, usage):
            answer.stop_reason, answer.usage = stop_reason, usage


def _error_code(error: GatewayError) -> str:
    body = openai_error(error)[1]["error"]
    code = body.get("code") if isinstance(body, dict) else None
    return str(code or "server_error")


def _frames(stream: _Stream, event: BackendEvent | Keepalive) -> list[bytes]:
    match event:
        case Keepalive():
            return [KEEPALIVE_COMMENT]
        case TextDelta(text):
            frames = stream.start("message")
            stream.text.append(text)
            return [*frames, stream.content_event("response.output_text.delta", delta=text)]
        case ReasoningDelta(text, signature):
            frames = stream.start("reasoning")
            stream.signature = signature or stream.signature
            if text:
                stream.text.append(text)
                frames.append(
                    stream.summary_event("response.reasoning_summary_text.delta", delta=text)
                )
            return frames
        case ToolCall():
            return stream.call(event)
        case TurnEnd(_, usage):
            frames = stream.close()
            done = stream.response("completed")
            done["usage"] = _usage(usage)
            return [*frames, stream.event("response.completed", response=done)]
    return []

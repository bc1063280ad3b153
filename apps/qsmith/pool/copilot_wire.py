"""A normalized turn as an OpenAI chat request, and OpenAI's SSE chunks back as events.

Copilot's chat endpoint speaks OpenAI Chat Completions, so this is that format both ways:
the system prompt is a system message, tool results are ``tool`` messages, images are data
URLs, tool calls arrive as fragments per ``index`` and are emitted whole when the choice
finishes. Usage comes from the last chunk (``stream_options.include_usage``); without it
the counts are estimates, as in the Amazon Q backend.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

from qsmith.gateway.backend import (
    BackendEvent,
    ImagePart,
    Message,
    ReasoningDelta,
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
from qsmith.gateway.errors import UpstreamError
from qsmith.gateway.tokens import estimate_chars, estimate_request

__all__ = ["chat_body", "stream_events"]

STOP_REASONS: dict[str, StopReason] = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
}


def chat_body(request: TurnRequest) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for message in request.messages:
        messages.extend(_messages(message))
    body: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": dict(t.input_schema),
                },
            }
            for t in request.tools
        ]
        body["tool_choice"] = _tool_choice(request)
    return body


def _tool_choice(request: TurnRequest) -> object:
    choice = request.tool_choice
    if choice.mode == "tool" and choice.name:
        return {"type": "function", "function": {"name": choice.name}}
    return {"auto": "auto", "none": "none", "any": "required"}.get(choice.mode, "auto")


def _messages(message: Message) -> list[dict[str, Any]]:
    text = "".join(p.text for p in message.parts if isinstance(p, TextPart))
    if message.role == "assistant":
        entry: dict[str, Any] = {"role": "assistant", "content": text or None}
        calls = [
            {
                "id": p.id,
                "type": "function",
                "function": {"name": p.name, "arguments": json.dumps(dict(p.input))},
            }
            for p in message.parts
            if isinstance(p, ToolUsePart)
        ]
        if calls:
            entry["tool_calls"] = calls
        return [entry]
    results = [
        {"role": "tool", "tool_call_id": p.tool_use_id, "content": p.text}
        for p in message.parts
        if isinstance(p, ToolResultPart)
    ]
    content: list[dict[str, Any]] = [
        {"type": "text", "text": p.text} for p in message.parts if isinstance(p, TextPart)
    ]
    content += [
        {"type": "image_url", "image_url": {"url": _data_url(p)}}
        for p in message.parts
        if isinstance(p, ImagePart)
    ]
    user = [{"role": "user", "content": content}] if content else []
    return results + user


def _data_url(image: ImagePart) -> str:
    return f"data:image/{image.format};base64,{base64.b64encode(image.data).decode()}"


async def stream_events(
    lines: AsyncIterator[str], request: TurnRequest
) -> AsyncIterator[BackendEvent]:
    """The events of one streamed answer, ending with exactly one ``TurnEnd``."""
    calls: dict[int, dict[str, str]] = {}
    stop: StopReason = "end_turn"
    usage: Usage | None = None
    output_chars = 0
    async for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        chunk = _chunk(data)
        if chunk.get("usage"):
            usage = Usage(
                int(chunk["usage"].get("prompt_tokens", 0)),
                int(chunk["usage"].get("completion_tokens", 0)),
            )
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            if delta.get("content"):
                output_chars += len(delta["content"])
                yield TextDelta(delta["content"])
            if delta.get("reasoning_text"):
                yield ReasoningDelta(delta["reasoning_text"])
            for fragment in delta.get("tool_calls") or ():
                call = calls.setdefault(int(fragment.get("index", 0)), {"arguments": ""})
                function = fragment.get("function") or {}
                call["id"] = fragment.get("id") or call.get("id", "")
                call["name"] = function.get("name") or call.get("name", "")
                call["arguments"] += function.get("arguments") or ""
            if choice.get("finish_reason"):
                stop = STOP_REASONS.get(choice["finish_reason"], "end_turn")
    for _, call in sorted(calls.items()):
        output_chars += len(call["arguments"])
        yield ToolCall(call.get("id", ""), call.get("name", ""), call["arguments"] or "{}")
    if usage is None:
        usage = Usage(estimate_request(request), estimate_chars(output_chars), estimated=True)
    yield TurnEnd(stop, usage)


def _chunk(data: str) -> dict[str, Any]:
    try:
        chunk = json.loads(data)
    except ValueError:
        raise UpstreamError(
            f"GitHub Copilot sent a chunk that is not JSON: {data[:80]!r}"
        ) from None
    if not isinstance(chunk, dict):
        raise UpstreamError("GitHub Copilot sent a chunk that is not a JSON object")
    if "error" in chunk:
        raise UpstreamError(f"GitHub Copilot reported an error mid-answer: {chunk['error']}")
    return chunk

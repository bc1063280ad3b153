"""What the stand-in answers, read off the request as Amazon Q would receive it.

A prompt is answered with some reasoning, the answer streamed in pieces, a metering
event and the token usage. When the request offers tools and the prompt names one of
them (or says "tool"), the answer calls that tool instead; the next prompt carrying
the tool's result is answered with it. A prompt containing ``ERROR_WORD`` gets a
``ValidationException``, so error handling can be seen too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from qsmith.clients.codewhisperer import _schema as models_schema
from qsmith.clients.codewhisperer import models as cwm
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.runtime.serde.json import JsonCodec
from qsmith.testing import ScriptedResponse
from qsmith.testing.event_streams import event_stream_body
from qsmith.testing.fake_service import StepContext, error_response

STANDIN_MODELS = ("standin-small", "standin-large")
ERROR_WORD = "please-fail"
EVENT_STREAM = "application/vnd.amazon.eventstream"
_CHARS_PER_TOKEN = 4  # the same rough estimate the gateway uses


def models_response(_context: StepContext) -> ScriptedResponse:
    """``ListAvailableModels``: the stand-in's two models, the first one the default."""
    operation = models_schema.SERVICE.operations["ListAvailableModels"]
    output = cwm.ListAvailableModelsResponse(
        models=[
            cwm.Model(model_id=m, description=f"qsmith stand-in ({m})") for m in STANDIN_MODELS
        ],
        default_model=cwm.Model(model_id=STANDIN_MODELS[0]),
    )
    codec = JsonCodec(use_json_name=False)
    body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
    return ScriptedResponse(
        status=200, headers=[("Content-Type", "application/x-amz-json-1.0")], body=body
    )


def chat_response(context: StepContext) -> ScriptedResponse:
    """``GenerateAssistantResponse``: the scripted answer to the request's current message."""
    state = json.loads(context.request.body or b"{}").get("conversationState", {})
    message = state.get("currentMessage", {}).get("userInputMessage", {})
    prompt = str(message.get("content", ""))
    if ERROR_WORD in prompt:
        refuse = error_response(
            "ValidationException",
            f"the stand-in was asked to fail ({ERROR_WORD!r} in the prompt)",
            namespace="com.amazon.aws.codewhisperer",
        )
        return refuse(context)
    context_members = message.get("userInputMessageContext", {})
    events = _answer(prompt, context_members.get("tools", []), context_members.get("toolResults"))
    body = event_stream_body(
        streaming_schema.SERVICE.operations["GenerateAssistantResponse"],
        events,
        initial={"conversationId": state.get("conversationId") or "standin-conversation"},
    )
    return ScriptedResponse(status=200, headers=[("Content-Type", EVENT_STREAM)], body=body)


def _answer(prompt: str, tools: Sequence[Mapping[str, Any]], results: object) -> list[object]:
    tool = _tool_to_call(prompt, tools) if not results else None
    if tool is not None:
        spoken = f"I will call {tool['name']}."
        return [
            _reasoning(f"The prompt asks for the tool {tool['name']}."),
            *_text_pieces(spoken),
            _tool_use(tool, prompt),
            *_accounting(prompt, spoken),
        ]
    if results:
        reply = f"The tool answered: {json.dumps(results)[:200]}"
    else:
        reply = f"Hello from the qsmith stand-in for Amazon Q. You said: {prompt}"
    return [
        _reasoning("The stand-in answers every prompt the same way."),
        *_text_pieces(reply),
        *_accounting(prompt, reply),
    ]


def _tool_to_call(prompt: str, tools: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    specs: list[Mapping[str, Any]] = [
        t["toolSpecification"] for t in tools if "toolSpecification" in t
    ]
    named = [s for s in specs if s.get("name") and s["name"] in prompt]
    if named:
        return named[0]
    return specs[0] if specs and "tool" in prompt.lower() else None


def _tool_use(tool: Mapping[str, Any], prompt: str) -> object:
    """One call of ``tool``: each required string property of its schema gets the prompt."""
    schema = tool.get("inputSchema", {}).get("json", {})
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    required = schema.get("required", []) if isinstance(schema, dict) else []
    arguments = {
        name: prompt for name in required if properties.get(name, {}).get("type") == "string"
    }
    event = cw.ToolUseEvent(
        tool_use_id="standin-tool-1", name=tool["name"], input=json.dumps(arguments), stop=True
    )
    return cw.ChatResponseStreamToolUseEvent(event)


def _reasoning(text: str) -> object:
    return cw.ChatResponseStreamReasoningContentEvent(cw.ReasoningContentEvent(text=text))


def _text_pieces(text: str) -> list[object]:
    """The answer in word-sized pieces, as a streamed answer arrives."""
    words = text.split(" ")
    pieces = [w + " " for w in words[:-1]] + words[-1:]
    return [
        cw.ChatResponseStreamAssistantResponseEvent(cw.AssistantResponseEvent(content=piece))
        for piece in pieces
    ]


def _accounting(prompt: str, reply: str) -> list[object]:
    """A metering event and the token usage, as Amazon Q ends an answer."""
    input_tokens = max(1, len(prompt) // _CHARS_PER_TOKEN)
    output_tokens = max(1, len(reply) // _CHARS_PER_TOKEN)
    usage = cw.TokenUsage(
        uncached_input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )
    return [
        cw.ChatResponseStreamMeteringEvent(
            cw.MeteringEvent(usage=0.01, unit="credit", unit_plural="credits")
        ),
        cw.ChatResponseStreamMetadataEvent(cw.MetadataEvent(token_usage=usage)),
    ]

"""What the stand-in answers, read off the request as Amazon Q would receive it.

A prompt is answered with some reasoning, the answer streamed in pieces, a metering
event, the context usage and the token usage. When the request offers tools and the
prompt names one of them (or says "tool"), the answer calls that tool instead; the next
prompt carrying the tool's result is answered with it. A prompt containing ``ERROR_WORD``
gets a ``ValidationException``, so error handling can be seen too.

The model list gives token limits and prompt caching (``standin-large`` caches, up to
``MAX_CHECKPOINTS`` checkpoints; ``standin-small`` does not). A request asking for
extended thinking (``additionalModelRequestFields.thinking``) gets reasoning that names
its budget and carries a signature. A request with ``cachePoint``s gets cache figures as
Anthropic reports them: the longest checkpointed prefix seen before is read from the
cache, the rest up to the last checkpoint is written (``PromptCache``).
"""

from __future__ import annotations

import hashlib
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
# Neither name is a Claude family: ``qsmith serve --fake`` serves the large one as a
# reasoning model (``--reasoning-model``'s table).
STANDIN_REASONING = {"standin-large": True}
ERROR_WORD = "please-fail"
EVENT_STREAM = "application/vnd.amazon.eventstream"
SIGNATURE = "standin-signature"
MAX_CHECKPOINTS = 4
_CHARS_PER_TOKEN = 4  # the same rough estimate the gateway uses
_NOT_PROMPT = ("cachePoint", "clientCacheConfig", "modelId", "origin", "userInputMessageContext")
_LIMITS = {"standin-small": (32_000, 8_000), "standin-large": (200_000, 64_000)}


def _model(model_id: str) -> cwm.Model:
    max_input, max_output = _LIMITS[model_id]
    caches = model_id == "standin-large"
    return cwm.Model(
        model_id=model_id,
        description=f"qsmith stand-in ({model_id})",
        token_limits=cwm.TokenLimits(max_input_tokens=max_input, max_output_tokens=max_output),
        prompt_caching=cwm.PromptCaching(
            supports_prompt_caching=caches,
            minimum_tokens_per_cache_checkpoint=1024 if caches else None,
            maximum_cache_checkpoints_per_request=MAX_CHECKPOINTS if caches else None,
        ),
    )


def models_response(_context: StepContext) -> ScriptedResponse:
    """``ListAvailableModels``: the stand-in's two models, the first one the default."""
    operation = models_schema.SERVICE.operations["ListAvailableModels"]
    output = cwm.ListAvailableModelsResponse(
        models=[_model(m) for m in STANDIN_MODELS], default_model=_model(STANDIN_MODELS[0])
    )
    codec = JsonCodec(use_json_name=False)
    body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
    return ScriptedResponse(
        status=200, headers=[("Content-Type", "application/x-amz-json-1.0")], body=body
    )


class PromptCache:
    """The checkpointed prefixes the stand-in has seen, to report cache reads and writes."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def account(self, state: Mapping[str, Any]) -> tuple[int, int, int]:
        """Input tokens of the request: (uncached, cache read, cache write)."""
        prefix: list[str] = []
        checkpoints: list[tuple[str, int]] = []  # (digest, tokens) of each cached prefix
        for element, checkpoint in _prefix_elements(state):
            prefix.append(json.dumps(element, sort_keys=True))
            if checkpoint:
                text = "".join(prefix)
                digest = hashlib.sha256(text.encode()).hexdigest()
                checkpoints.append((digest, _tokens(text)))
        total = _tokens("".join(prefix))
        read = max((t for d, t in checkpoints if d in self._seen), default=0)
        written = max((t for _, t in checkpoints), default=0) - read
        self._seen.update(d for d, _ in checkpoints)
        return max(1, total - read - max(0, written)), read, max(0, written)


def _prefix_elements(state: Mapping[str, Any]) -> list[tuple[object, bool]]:
    """The request in prefix order (tools, history, current message), each element with
    whether a checkpoint follows it."""
    current = state.get("currentMessage", {}).get("userInputMessage", {})
    tools = current.get("userInputMessageContext", {}).get("tools", [])
    elements: list[tuple[object, bool]] = []
    for tool in tools:
        if "cachePoint" in tool:
            if elements:
                elements[-1] = (elements[-1][0], True)
        else:
            elements.append((tool, False))
    messages = [*state.get("history", []), state.get("currentMessage", {})]
    for entry in messages:
        body: dict[str, Any] = next(iter(entry.values()), {}) if isinstance(entry, dict) else {}
        # What the model reads: a message's text, images, tool uses and results.
        content = {k: v for k, v in body.items() if k not in _NOT_PROMPT}
        elements.append((content, "cachePoint" in body))
    return elements


def _tokens(text: str) -> int:
    return max(1, len(text) // _CHARS_PER_TOKEN)


def chat_response(context: StepContext, cache: PromptCache | None = None) -> ScriptedResponse:
    """``GenerateAssistantResponse``: the scripted answer to the request's current message."""
    request = json.loads(context.request.body or b"{}")
    state = request.get("conversationState", {})
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
    events = _answer(
        prompt,
        context_members.get("tools", []),
        context_members.get("toolResults"),
        _thinking_budget(request.get("additionalModelRequestFields")),
    )
    uncached, read, written = (cache or PromptCache()).account(state)
    limit = _LIMITS.get(str(message.get("modelId")), _LIMITS[STANDIN_MODELS[0]])[0]
    events += _accounting(uncached, read, written, _reply_text(events), limit)
    body = event_stream_body(
        streaming_schema.SERVICE.operations["GenerateAssistantResponse"],
        events,
        initial={"conversationId": state.get("conversationId") or "standin-conversation"},
    )
    return ScriptedResponse(status=200, headers=[("Content-Type", EVENT_STREAM)], body=body)


def _thinking_budget(fields: object) -> int | None:
    thinking = fields.get("thinking") if isinstance(fields, dict) else None
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        return budget if isinstance(budget, int) else 0
    return None


def _answer(
    prompt: str, tools: Sequence[Mapping[str, Any]], results: object, budget: int | None
) -> list[object]:
    tool = _tool_to_call(prompt, tools) if not results else None
    if tool is not None:
        thought = f"The prompt asks for the tool {tool['name']}."
        spoken = f"I will call {tool['name']}."
        return [*_reasoning(thought, budget), *_text_pieces(spoken), _tool_use(tool, prompt)]
    if results:
        reply = f"The tool answered: {json.dumps(results)[:200]}"
    else:
        reply = f"Hello from the qsmith stand-in for Amazon Q. You said: {prompt}"
    thought = "The stand-in answers every prompt the same way."
    return [*_reasoning(thought, budget), *_text_pieces(reply)]


def _reply_text(events: Sequence[object]) -> str:
    return "".join(
        e.value.content or ""
        for e in events
        if isinstance(e, cw.ChatResponseStreamAssistantResponseEvent)
    )


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


def _reasoning(text: str, budget: int | None) -> list[object]:
    """A short thought; asked for extended thinking, one naming its budget, then a signature."""
    if budget is None:
        return [cw.ChatResponseStreamReasoningContentEvent(cw.ReasoningContentEvent(text=text))]
    thought = f"Extended thinking within a budget of {budget} tokens. {text}"
    return [
        cw.ChatResponseStreamReasoningContentEvent(cw.ReasoningContentEvent(text=thought)),
        cw.ChatResponseStreamReasoningContentEvent(cw.ReasoningContentEvent(signature=SIGNATURE)),
    ]


def _text_pieces(text: str) -> list[object]:
    """The answer in word-sized pieces, as a streamed answer arrives."""
    words = text.split(" ")
    pieces = [w + " " for w in words[:-1]] + words[-1:]
    return [
        cw.ChatResponseStreamAssistantResponseEvent(cw.AssistantResponseEvent(content=piece))
        for piece in pieces
    ]


def _accounting(uncached: int, read: int, written: int, reply: str, max_input: int) -> list[object]:
    """Metering, context usage and token usage, as Amazon Q ends an answer."""
    output_tokens = _tokens(reply)
    input_tokens = uncached + read + written
    percentage = round(100 * input_tokens / max_input, 3)
    usage = cw.TokenUsage(
        uncached_input_tokens=uncached,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        cache_read_input_tokens=read,
        cache_write_input_tokens=written,
        context_usage_percentage=percentage,
    )
    return [
        cw.ChatResponseStreamMeteringEvent(
            cw.MeteringEvent(usage=0.01, unit="credit", unit_plural="credits")
        ),
        cw.ChatResponseStreamContextUsageEvent(
            cw.ContextUsageEvent(context_usage_percentage=percentage)
        ),
        cw.ChatResponseStreamMetadataEvent(cw.MetadataEvent(token_usage=usage)),
    ]

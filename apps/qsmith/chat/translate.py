"""The one place chat meets the generated models: requests out, stream events in.

Requests are built with the codewhisperer-streaming classes. qdeveloper-streaming was
generated from the same Smithy shapes under the same names, so ``retarget`` copies a
value into the other client's classes by class name; events coming back take the same
road the other way, and one typed ``match`` reads both services.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from qsmith.chat import events as ev
from qsmith.chat.messages import (
    AssistantMessage,
    Message,
    TextBlock,
    ToolResult,
    ToolSpec,
    UserMessage,
)
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.runtime.errors import EventStreamError
from qsmith.runtime.values import Document, UnionVariant, UnknownUnionMember

__all__ = [
    "ORIGIN",
    "PLACEHOLDER_TOOL",
    "ToolUseFragment",
    "build_conversation_state",
    "parse_tool_input",
    "read_event",
    "retarget",
    "thinking_fields",
]

ORIGIN = "CLI"
# The service refuses a history whose tool uses name tools the request does not declare
# (e.g. tools removed mid-conversation): such uses are sent under this placeholder's name
# and the placeholder is declared, as the Amazon Q CLI does. The stored history is unchanged.
PLACEHOLDER_TOOL = ToolSpec(
    "dummy", "A placeholder: this tool does nothing and must not be called.", {"type": "object"}
)


def thinking_fields(budget_tokens: int) -> dict[str, Document]:
    """``additionalModelRequestFields`` asking an Anthropic model for extended thinking, in
    the Bedrock Converse convention: ``{"thinking": {"type": "enabled", "budget_tokens": N}}``."""
    return {"thinking": {"type": "enabled", "budget_tokens": budget_tokens}}


@dataclass(frozen=True, slots=True)
class ToolUseFragment:
    """A piece of a tool use as streamed: the assembler joins pieces by ``tool_use_id``."""

    tool_use_id: str
    name: str
    input: str
    stop: bool


def build_conversation_state(
    history: Sequence[Message],
    current: UserMessage,
    *,
    tools: Sequence[ToolSpec],
    model_id: str | None,
    conversation_id: str | None,
) -> cw.ConversationState:
    """The request's ``conversationState``: history, current message, tools, model."""
    declared = {tool.name for tool in tools}
    used = {u.name for m in history if isinstance(m, AssistantMessage) for u in m.tool_uses}
    if used - declared:
        tools = [*tools, PLACEHOLDER_TOOL]
    return cw.ConversationState(
        chat_trigger_type=cw.ChatTriggerType.MANUAL,
        conversation_id=conversation_id,
        history=[_chat_message(m, declared) for m in history] or None,
        current_message=cw.ChatMessageUserInputMessage(
            _user_input(current, tools=tools, model_id=model_id)
        ),
    )


def _chat_message(message: Message, declared: set[str]) -> cw.ChatMessage:
    if isinstance(message, UserMessage):
        return cw.ChatMessageUserInputMessage(_user_input(message, tools=(), model_id=None))
    return cw.ChatMessageAssistantResponseMessage(_assistant_response(message, declared))


def _user_input(
    message: UserMessage, *, tools: Sequence[ToolSpec], model_id: str | None
) -> cw.UserInputMessage:
    context = None
    if message.tool_results or tools:
        context = cw.UserInputMessageContext(
            tool_results=[_tool_result(r) for r in message.tool_results] or None,
            tools=[entry for t in tools for entry in _tool_entries(t)] or None,
        )
    images = [
        cw.ImageBlock(format=i.format, source=cw.ImageSourceBytes(i.data)) for i in message.images
    ]
    return cw.UserInputMessage(
        content=message.content,
        user_input_message_context=context,
        images=images or None,
        origin=ORIGIN,
        model_id=model_id,
        cache_point=_cache_point(message.cache_point),
    )


def _cache_point(wanted: bool) -> cw.CachePoint | None:
    return cw.CachePoint(type=cw.CachePointType.DEFAULT) if wanted else None


def _tool_entries(spec: ToolSpec) -> list[cw.Tool]:
    """The tool, then its cache checkpoint when it has one (a ``cachePoint`` tool entry)."""
    tool = cw.ToolToolSpecification(
        cw.ToolSpecification(
            name=spec.name,
            description=spec.description,
            input_schema=cw.ToolInputSchema(json=dict(spec.input_schema)),
        )
    )
    if not spec.cache_point:
        return [tool]
    return [tool, cw.ToolCachePoint(cw.CachePoint(type=cw.CachePointType.DEFAULT))]


def _tool_result(result: ToolResult) -> cw.ToolResult:
    blocks: list[cw.ToolResultContentBlock] = [
        (
            cw.ToolResultContentBlockText(b.text)
            if isinstance(b, TextBlock)
            else cw.ToolResultContentBlockJson(b.value)
        )
        for b in result.content
    ]
    return cw.ToolResult(tool_use_id=result.tool_use_id, content=blocks, status=result.status)


def _assistant_response(
    message: AssistantMessage, declared: set[str]
) -> cw.AssistantResponseMessage:
    reasoning: cw.ReasoningContent | None = None
    if message.reasoning is not None:
        if message.reasoning.redacted is not None:
            reasoning = cw.ReasoningContentRedactedContent(message.reasoning.redacted)
        else:
            reasoning = cw.ReasoningContentReasoningText(
                cw.ReasoningText(text=message.reasoning.text, signature=message.reasoning.signature)
            )
    uses = [
        cw.ToolUse(
            tool_use_id=u.tool_use_id,
            name=u.name if u.name in declared else PLACEHOLDER_TOOL.name,
            input=u.input,
        )
        for u in message.tool_uses
    ]
    return cw.AssistantResponseMessage(
        content=message.content,
        message_id=message.message_id,
        tool_uses=uses or None,
        reasoning_content=reasoning,
        cache_point=_cache_point(message.cache_point),
    )


def read_event(event: object) -> list[ev.ChatEvent | ToolUseFragment]:
    """The chat events (or tool use fragments) one codewhisperer-streaming event carries."""
    match event:
        case cw.ChatResponseStreamAssistantResponseEvent(value=v):
            return [ev.TextDelta(v.content)] if v.content else []
        case cw.ChatResponseStreamReasoningContentEvent(value=v):
            return [ev.ReasoningDelta(v.text or "", v.signature, v.redacted_content)]
        case cw.ChatResponseStreamToolUseEvent(value=v):
            return [ToolUseFragment(v.tool_use_id, v.name, v.input or "", bool(v.stop))]
        case cw.ChatResponseStreamCitationEvent(value=v):
            return [_citation(v)]
        case cw.ChatResponseStreamCodeReferenceEvent(value=v):
            return [ev.CodeReferences(tuple(_code_reference(r) for r in v.references or ()))]
        case cw.ChatResponseStreamSupplementaryWebLinksEvent(value=v):
            links = (ev.WebLink(x.url, x.title, x.snippet) for x in v.supplementary_web_links or ())
            return [ev.WebLinks(tuple(links))]
        case cw.ChatResponseStreamFollowupPromptEvent(value=v) if v.followup_prompt is not None:
            return [ev.FollowupPrompt(v.followup_prompt.content, v.followup_prompt.user_intent)]
        case cw.ChatResponseStreamMeteringEvent(value=v):
            return [ev.Metering(v.usage, v.unit, v.unit_plural)]
        case cw.ChatResponseStreamMetadataEvent(value=v) if v.token_usage is not None:
            u = v.token_usage
            return [
                ev.TokenUsage(
                    u.uncached_input_tokens,
                    u.output_tokens,
                    u.total_tokens,
                    u.cache_read_input_tokens,
                    u.cache_write_input_tokens,
                    u.context_usage_percentage,
                )
            ]
        case cw.ChatResponseStreamContextUsageEvent(value=v):
            return [ev.ContextUsage(v.context_usage_percentage)]
        case cw.ChatResponseStreamInvalidStateEvent(value=v):
            return [ev.InvalidState(v.reason, v.message)]
        case cw.ChatResponseStreamMessageMetadataEvent(value=v):
            return [ev.MessageMetadata(v.conversation_id, v.utterance_id)]
        case UnionVariant():
            return [ev.OtherEvent(event.member_name, event.value)]
        case UnknownUnionMember():
            return [ev.OtherEvent(event.tag, event.raw)]
    raise EventStreamError(f"unexpected stream event of type {type(event).__name__}")


def _citation(value: cw.CitationEvent) -> ev.Citation:
    location: int | None = None
    span: tuple[int | None, int | None] | None = None
    match value.target:
        case cw.CitationTargetLocation(value=offset):
            location = offset
        case cw.CitationTargetRange(value=r):
            span = (r.start, r.end)
    return ev.Citation(value.citation_link, value.citation_text, location, span)


def _code_reference(ref: cw.Reference) -> ev.CodeReference:
    span = ref.recommendation_content_span
    return ev.CodeReference(
        ref.license_name, ref.repository, ref.url, (span.start, span.end) if span else None
    )


def parse_tool_input(raw: str) -> tuple[Document, str | None]:
    """The JSON input of a tool use, or the raw text and why it is not JSON."""
    if not raw.strip():
        return {}, None
    try:
        value: Document = json.loads(raw)
    except json.JSONDecodeError as exc:
        return raw, f"the tool input is not valid JSON: {exc}"
    return value, None


def retarget(value: Any, module: ModuleType) -> Any:
    """``value`` rebuilt from ``module``'s generated classes of the same names."""
    if isinstance(value, UnionVariant):
        return _target_class(value, module)(retarget(value.value, module))
    if isinstance(value, UnknownUnionMember):
        return _target_class(value, module)(value.tag, value.raw)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: retarget(getattr(value, f.name), module) for f in dataclasses.fields(value)
        }
        return _target_class(value, module)(**fields)
    if isinstance(value, list):
        return [retarget(v, module) for v in value]
    if isinstance(value, dict):
        return {k: retarget(v, module) for k, v in value.items()}
    return value


def _target_class(value: object, module: ModuleType) -> Any:
    name = type(value).__name__
    target = getattr(module, name, None)
    if not isinstance(target, type):
        raise EventStreamError(f"{module.__name__} has no class {name} to carry this value")
    return target

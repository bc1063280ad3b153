"""qsmith.chat: streaming conversations with Amazon Q Developer, over either streaming service.

Public API (everything a caller, e.g. an OpenAI/Anthropic-compatible gateway, needs)::

    from qsmith.chat import Conversation, ToolSpec, ToolResult, TextDelta, ToolUseRequest, TurnComplete

    with Conversation(model="claude-sonnet-4", tools=[ToolSpec("get_time", "Current time", {
            "type": "object", "properties": {}})]) as conv:
        for event in conv.send("What time is it?"):
            match event:
                case TextDelta(text=t): print(t, end="")
                case ToolUseRequest(tool_use=use): ...          # complete, input parsed
                case TurnComplete(stop_reason="tool_use"): ...
        answer = conv.ask(tool_results=[ToolResult.text(use.tool_use_id, "12:00")])

Conversations
    ``Conversation(**options)`` / ``AsyncConversation(**options)`` (``async for`` / ``await``).
    Options: ``model`` (id, ``custom:<region>:<model-id>`` or None for the default),
    ``region``, ``profile`` (AWS profile), ``profile_arn`` (Q Developer profile),
    ``tools`` (``ToolSpec`` list), ``token`` (``TokenProvider`` | ``BearerToken`` | str; unset:
    ``QSMITH_BEARER_TOKEN``/``QSMITH_TOKEN_FILE``, then the ``qsmith login`` session, then
    the default chain), ``credentials`` (SigV4; unset: the AWS chain), ``endpoint_url``,
    ``client_config`` (a base ``ClientConfig``), ``limits`` (``Limits``), ``store``
    (``ConversationStore``: every turn saved), ``resume`` (a stored id), ``history`` (start
    from these messages: a stateless gateway passes the request's prior turns), ``environ``,
    ``caller_account`` (default True: a ``custom:`` conversation records the caller's AWS
    account id, or ``"unknown"``, in ``record.identity["account_id"]``).
    ``send(prompt="", images=(), tool_results=(), model_fields=None, cache_point=False)``
    yields ``ChatEvent``
    values ending with ``TurnComplete`` (``model_fields``: the request's
    ``additionalModelRequestFields``, e.g. ``thinking_fields(4096)``; bearer route only); ``ask(...)`` returns the ``AssistantMessage``; ``history``,
    ``pending_tool_uses``, ``tools`` (settable), ``id``, ``route``, ``record``,
    ``list_models()`` (bearer only: ``ModelInfo`` list with token limits and
    ``PromptCaching``), ``close()``.
Events (``ChatEvent`` union)
    ``TextDelta``, ``ReasoningDelta``, ``ToolUseRequest``, ``Citation``, ``CodeReferences``,
    ``WebLinks``, ``FollowupPrompt``, ``Metering``, ``TokenUsage``, ``ContextUsage``,
    ``InvalidState``, ``MessageMetadata``, ``OtherEvent`` (anything else, kept whole),
    ``TurnComplete(message, stop_reason)``; ``event_to_dict`` gives their JSON form.
Messages
    ``UserMessage``, ``AssistantMessage`` (with ``tool_uses``, ``reasoning``, ``cancelled``),
    ``Image(format, data)``, ``ToolSpec``, ``ToolUse``, ``ToolResult`` (``.text``/``.json``),
    ``Reasoning`` (replayed with its signature). ``cache_point=True`` on a message or a
    ``ToolSpec`` sends a prompt-cache checkpoint after it (the service's ``cachePoint``).
Rules and limits
    ``Limits`` (the Amazon Q CLI's caps); unanswered tool uses get a cancelled result;
    the history is trimmed from the oldest end (see ``qsmith.chat.history``).
Errors (all ``QsmithError``)
    ``ChatLimitError``, ``HistoryError`` (nothing sent); ``MonthlyQuotaError``,
    ``ModelCapacityError``, ``ContextTooLongError`` (``ServiceError``s);
    ``LoginRequiredError`` (``IdentityError``: says to run ``qsmith login``); ``RouteError``,
    ``ConversationNotFoundError``, ``CorruptConversationError`` (``ConfigError``s).
Store
    ``ConversationStore(directory=None)``: ``load``, ``save``, ``list``, ``export``;
    ``ConversationRecord``; ``default_conversations_dir()``.
"""

from __future__ import annotations

from qsmith.chat.backend import Identity, ModelInfo, PromptCaching
from qsmith.chat.conversation import AsyncConversation, Conversation
from qsmith.chat.errors import (
    ChatLimitError,
    ChatServiceError,
    ContextTooLongError,
    ConversationNotFoundError,
    CorruptConversationError,
    HistoryError,
    LoginRequiredError,
    ModelCapacityError,
    MonthlyQuotaError,
    RouteError,
)
from qsmith.chat.events import (
    ChatEvent,
    Citation,
    CodeReference,
    CodeReferences,
    ContextUsage,
    FollowupPrompt,
    InvalidState,
    MessageMetadata,
    Metering,
    OtherEvent,
    ReasoningDelta,
    TextDelta,
    TokenUsage,
    ToolUseRequest,
    TurnComplete,
    WebLink,
    WebLinks,
    event_to_dict,
)
from qsmith.chat.history import Limits
from qsmith.chat.messages import (
    AssistantMessage,
    Image,
    JsonBlock,
    Message,
    Reasoning,
    TextBlock,
    ToolResult,
    ToolSpec,
    ToolUse,
    UserMessage,
)
from qsmith.chat.routing import Route, resolve_route
from qsmith.chat.store import ConversationRecord, ConversationStore, default_conversations_dir
from qsmith.chat.translate import thinking_fields

__all__ = [
    "AssistantMessage",
    "AsyncConversation",
    "ChatEvent",
    "ChatLimitError",
    "ChatServiceError",
    "Citation",
    "CodeReference",
    "CodeReferences",
    "ContextTooLongError",
    "ContextUsage",
    "Conversation",
    "ConversationNotFoundError",
    "ConversationRecord",
    "ConversationStore",
    "CorruptConversationError",
    "FollowupPrompt",
    "HistoryError",
    "Identity",
    "Image",
    "InvalidState",
    "JsonBlock",
    "Limits",
    "LoginRequiredError",
    "Message",
    "MessageMetadata",
    "Metering",
    "ModelCapacityError",
    "ModelInfo",
    "MonthlyQuotaError",
    "OtherEvent",
    "PromptCaching",
    "Reasoning",
    "ReasoningDelta",
    "Route",
    "RouteError",
    "TextBlock",
    "TextDelta",
    "TokenUsage",
    "ToolResult",
    "ToolSpec",
    "ToolUse",
    "ToolUseRequest",
    "TurnComplete",
    "UserMessage",
    "WebLink",
    "WebLinks",
    "default_conversations_dir",
    "event_to_dict",
    "resolve_route",
    "thinking_fields",
]

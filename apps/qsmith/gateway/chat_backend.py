"""The gateway's backend on ``qsmith.chat``: each request is one stateless chat turn.

A request carries its whole conversation, so every turn is an ``AsyncConversation``
started from the request's earlier messages (``history=``) and sent the last user
message. Chat owns routing (bearer codewhisperer-streaming, or SigV4 qdeveloper-streaming
for ``custom:<region>:<model>`` and ``AMAZON_Q_SIGV4``), the service's history rules and
limits, and the reading of service errors; this module maps messages, tool names and
events both ways. All turns share one connection pool, so concurrent streams are bounded
by ``max_streams``, and closing a turn's event iterator closes its upstream response.

Requests: the service has no system prompt field, so the system prompt opens the first
user message (``SYSTEM_TEMPLATE``); it has no ``tool_choice``, so ``any`` and ``tool``
become an instruction at the end of the current message and ``none`` sends no tools.
A thinking request goes as ``additionalModelRequestFields`` (``chat.thinking_fields``) and
cache breakpoints as the messages' and tools' ``cachePoint``s, both as
``qsmith.gateway.capabilities`` fitted them to the model. Usage: the service's token usage,
else its context-usage percentage of the model's input limit, else estimates.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import timedelta

from qsmith import chat
from qsmith.chat.history import DEFAULT_LIMITS
from qsmith.chat.login_bridge import login_token_provider
from qsmith.gateway.backend import (
    BackendEvent,
    HealthStatus,
    ImagePart,
    Message,
    ModelInfo,
    PromptCaching,
    ReasoningDelta,
    ReasoningPart,
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
from qsmith.gateway.chat_errors import gateway_error
from qsmith.gateway.errors import ContextTooLongError
from qsmith.gateway.tokens import estimate_chars, estimate_request
from qsmith.gateway.toolnames import ToolNames, fit_description, is_long_description
from qsmith.gateway.upstream_calls import track_response
from qsmith.runtime.auth.credentials.chain import default_credential_chain
from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.tokens.chain import default_token_chain
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider, TokenProvider
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import ConfigError, IdentityError, QsmithError
from qsmith.runtime.transport import TransportConfig, build_async_client
from qsmith.runtime.values import Document

__all__ = ["SYSTEM_TEMPLATE", "ChatBackend"]

SYSTEM_TEMPLATE = "<system_instructions>\n{system}\n</system_instructions>\n\n{content}"
ANY_TOOL_HINT = "\n\n(Answer by calling one of the available tools.)"
NAMED_TOOL_HINT = "\n\n(Answer by calling the tool `{name}`.)"
RESULT_IMAGES_NOTE = "[{count} image(s) of this result are attached to the message]"
TOOL_DESCRIPTION_TEMPLATE = '<tool_description name="{name}">\n{text}\n</tool_description>'
EXPIRY_MARGIN = timedelta(minutes=1)
# A model may think for minutes before its first word; the gateway keeps its own
# client's connection alive with keep-alive comments meanwhile.
SILENCE_TIMEOUT = 300.0


class ChatBackend:
    """Turns through ``qsmith.chat``; models listed by the service or given (``models``).

    ``token``: a token, a provider, or None for the ``qsmith login`` session, then the
    default token chain; ``credentials`` (SigV4 routes): given or the AWS chain.
    ``endpoint_url`` points both services elsewhere (tests).
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        token: BearerToken | str | TokenProvider | None = None,
        credentials: AwsCredentials | CredentialProvider | None = None,
        profile_arn: str | None = None,
        models: Sequence[str] = (),
        endpoint_url: str | None = None,
        max_attempts: int | None = None,
        max_streams: int = 100,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._environ = dict(os.environ if environ is None else environ)
        self._route = chat.resolve_route(None, region=region, environ=self._environ)
        if not self._route.bearer and not models:
            raise ConfigError(
                "with SigV4 (AMAZON_Q_SIGV4) the service cannot list models: name them "
                "with --model"
            )
        self._region = region
        self._profile_arn = profile_arn
        self._configured_models = tuple(models)
        self._endpoint_url = endpoint_url
        self._tokens = _token_provider(token, self._environ)
        self._credentials = credentials
        transport = TransportConfig(
            max_connections=max_streams,
            max_keepalive_connections=max_streams,
            read_timeout=SILENCE_TIMEOUT,
            idle_timeout=SILENCE_TIMEOUT,
        )
        self._http = build_async_client(transport)
        hooks = self._http.event_hooks
        self._http.event_hooks = {**hooks, "response": [*hooks["response"], track_response]}
        self._config = ClientConfig(
            max_attempts=max_attempts, transport=transport, async_http_client=self._http
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def _conversation(self, model: str | None, **options: object) -> chat.AsyncConversation:
        return chat.AsyncConversation(
            model=model,
            region=self._region,
            profile_arn=self._profile_arn,
            token=self._tokens if self._route.bearer else None,
            credentials=self._credentials,
            endpoint_url=self._endpoint_url,
            client_config=self._config,
            environ=self._environ,
            # Each request is a fresh conversation: an STS call per request would be waste.
            caller_account=False,
            **options,  # type: ignore[arg-type]
        )

    async def list_models(self) -> list[ModelInfo]:
        if self._configured_models:
            return [ModelInfo(name) for name in self._configured_models]
        conversation = self._conversation(None)
        try:
            found = await conversation.list_models()
        except QsmithError as error:
            raise gateway_error(error) from error
        finally:
            await conversation.close()
        return [_model_info(m) for m in found]

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        names = ToolNames(t.name for t in request.tools)
        *earlier, last = request.messages
        system = _system_prompt(request, names)
        # The system prompt opens the first user turn (chat drops leading assistant turns);
        # its cache breakpoint is that turn's (``capabilities`` placed it there).
        first_user = next(i for i, m in enumerate(request.messages) if m.role == "user")
        history = [
            _chat_message(m, names, system if i == first_user else None)
            for i, m in enumerate(earlier)
        ]
        current = _chat_message(last, names, system if first_user == len(earlier) else None)
        assert isinstance(current, chat.UserMessage)  # normalized: the last turn is the user's
        _check_prompt_size(current)
        conversation = self._conversation(
            request.model, tools=_tools(request, names), history=history
        )
        usage: chat.TokenUsage | None = None
        context_percentage: float | None = None
        output_chars = 0
        credits = 0.0
        try:
            send = conversation.send(
                current.content + _choice_hint(request, names),
                images=current.images,
                tool_results=current.tool_results,
                model_fields=_model_fields(request),
                cache_point=current.cache_point,
            )
            async with contextlib.aclosing(send) as events:
                async for event in events:
                    match event:
                        case chat.TextDelta(text=text):
                            output_chars += len(text)
                            yield TextDelta(text)
                        case chat.ReasoningDelta(text=text, signature=signature):
                            output_chars += len(text)
                            yield ReasoningDelta(text, signature)
                        case chat.ToolUseRequest(tool_use=use):
                            call = _tool_call(use, names)
                            output_chars += len(call.arguments)
                            yield call
                        case chat.TokenUsage():
                            usage = event
                        case chat.ContextUsage(percentage=percentage):
                            context_percentage = percentage
                        case chat.Metering(usage=charged):
                            credits += charged or 0.0
                        case chat.TurnComplete(stop_reason=stop):
                            reason: StopReason = "tool_use" if stop == "tool_use" else "end_turn"
                            counted = _usage(usage, context_percentage, request, output_chars)
                            yield TurnEnd(reason, dataclasses.replace(counted, credits=credits))
        except QsmithError as error:
            raise gateway_error(error) from error
        finally:
            await conversation.close()

    def count_tokens(self, request: TurnRequest) -> int:
        return estimate_request(request)

    async def health(self) -> HealthStatus:
        auth = self._route.auth
        try:
            if self._route.bearer:
                token = await asyncio.to_thread(self._tokens.resolve_token)
                if token.expires_within(EXPIRY_MARGIN):
                    return HealthStatus(False, auth, "the login has expired; run `qsmith login`")
                return HealthStatus(True, auth, f"token from {token.source}")
            given = self._credentials
            if isinstance(given, AwsCredentials):
                return HealthStatus(True, auth, "AWS credentials given")
            chain = given or default_credential_chain(environ=self._environ)
            await asyncio.to_thread(chain.resolve_credentials)
            return HealthStatus(True, auth, "AWS credentials resolved")
        except IdentityError as error:
            hint = "run `qsmith login`" if self._route.bearer else "check the AWS credentials"
            return HealthStatus(False, auth, f"no usable identity ({type(error).__name__}); {hint}")


def _token_provider(
    token: BearerToken | str | TokenProvider | None, environ: Mapping[str, str]
) -> TokenProvider:
    if isinstance(token, BearerToken | str):
        return StaticTokenProvider(token)
    if token is not None:
        return token
    return login_token_provider(environ) or default_token_chain(environ=environ)


def _chat_message(message: Message, names: ToolNames, system: str | None) -> chat.Message:
    text = "".join(p.text for p in message.parts if isinstance(p, TextPart))
    if message.role == "assistant":
        reasoning = [p for p in message.parts if isinstance(p, ReasoningPart)]
        return chat.AssistantMessage(
            text,
            tool_uses=tuple(
                chat.ToolUse(p.id, names.to_service(p.name), dict(p.input))
                for p in message.parts
                if isinstance(p, ToolUsePart)
            ),
            reasoning=(
                chat.Reasoning("".join(p.text for p in reasoning), reasoning[-1].signature)
                if reasoning
                else None
            ),
            cache_point=message.cache_point,
        )
    texts = [p.text for p in message.parts if isinstance(p, TextPart)]
    content = "\n\n".join(texts)
    if system:
        content = SYSTEM_TEMPLATE.format(system=system, content=content)
    results = [p for p in message.parts if isinstance(p, ToolResultPart)]
    images = [p for p in message.parts if isinstance(p, ImagePart)]
    for result in results:
        images.extend(result.images)
    return chat.UserMessage(
        content,
        images=tuple(chat.Image(p.format, p.data) for p in images),
        tool_results=tuple(_tool_result(p) for p in results),
        cache_point=message.cache_point,
    )


def _check_prompt_size(current: chat.UserMessage) -> None:
    """A prompt over the service's size limit is the API's own context-length error (so an
    agent compacts its history) instead of the service's bare validation failure."""
    size = len(current.content)
    limit = DEFAULT_LIMITS.max_user_message_chars
    if size > limit:
        raise ContextTooLongError(
            f"prompt is too long: the current message has {size} characters, the service "
            f"takes at most {limit}",
            param="messages",
        )


def _tool_result(part: ToolResultPart) -> chat.ToolResult:
    """The service's results hold no images: they go with the message, and the text says so."""
    text = part.text
    if part.images:
        note = RESULT_IMAGES_NOTE.format(count=len(part.images))
        text = f"{text}\n{note}" if text else note
    return chat.ToolResult.text(part.tool_use_id, text, error=part.is_error)


def _tools(request: TurnRequest, names: ToolNames) -> list[chat.ToolSpec]:
    if request.tool_choice.mode == "none":
        return []
    return [
        chat.ToolSpec(
            names.to_service(t.name),
            fit_description(t.description, names.to_service(t.name)),
            dict(t.input_schema),
            cache_point=t.cache_point,
        )
        for t in request.tools
    ]


def _system_prompt(request: TurnRequest, names: ToolNames) -> str | None:
    """The request's system prompt, followed by the tool descriptions too long for the
    service's tool field (``fit_description`` points the model here)."""
    moved = [
        TOOL_DESCRIPTION_TEMPLATE.format(name=names.to_service(t.name), text=t.description)
        for t in request.tools
        if request.tool_choice.mode != "none" and is_long_description(t.description)
    ]
    if not moved:
        return request.system
    return "\n\n".join([*([request.system] if request.system else []), *moved])


def _choice_hint(request: TurnRequest, names: ToolNames) -> str:
    choice = request.tool_choice
    if not request.tools or choice.mode in ("auto", "none"):
        return ""
    if choice.mode == "tool" and choice.name:
        return NAMED_TOOL_HINT.format(name=names.to_service(choice.name))
    return ANY_TOOL_HINT


def _tool_call(use: chat.ToolUse, names: ToolNames) -> ToolCall:
    tool_input = use.input if use.input_error is None else {"_raw_input": use.input}
    if not isinstance(tool_input, dict):
        tool_input = {"_raw_input": tool_input}
    return ToolCall(use.tool_use_id, names.to_client(use.name), json.dumps(tool_input))


def _usage(
    reported: chat.TokenUsage | None,
    context_percentage: float | None,
    request: TurnRequest,
    output_chars: int,
) -> Usage:
    """The service's token usage; else the input from its context-usage percentage of the
    model's input limit (output estimated); else estimates."""
    if reported is not None:
        return Usage(
            reported.input_tokens,
            reported.output_tokens,
            reported.cache_read_input_tokens or 0,
            reported.cache_write_input_tokens or 0,
        )
    window = request.model_info.context_window if request.model_info else None
    output = estimate_chars(output_chars)
    if context_percentage is not None and window:
        return Usage(round(context_percentage / 100 * window), output, estimated=True)
    return Usage(estimate_request(request), output, estimated=True)


def _model_fields(request: TurnRequest) -> dict[str, Document] | None:
    """The request's ``additionalModelRequestFields``: extended thinking when asked for
    (``capabilities.fit_turn`` kept it only for a reasoning model)."""
    if request.thinking is None:
        return None
    return chat.thinking_fields(request.thinking.budget_tokens)


def _model_info(model: chat.ModelInfo) -> ModelInfo:
    caching = model.prompt_caching
    return ModelInfo(
        model.model_id,
        model.description or model.name,
        context_window=model.max_input_tokens,
        max_output_tokens=model.max_output_tokens,
        prompt_caching=(
            PromptCaching(
                caching.supported,
                caching.min_tokens_per_checkpoint,
                caching.max_checkpoints_per_request,
            )
            if caching
            else None
        ),
    )

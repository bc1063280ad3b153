"""``Conversation`` (blocking) and ``AsyncConversation`` (asyncio): one interface, two services.

Both share ``_Session``, the sans-I/O part (history, rules, store); they differ only in how
they send and read. ``send`` is a generator: the request goes out when iteration starts,
events come as they arrive, and the turn enters the history when the stream ends. If the
caller stops early (``break``, ``close()``, Ctrl-C), what arrived is kept as a cancelled
answer; if the request fails, the turn is rolled back and the error is raised.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncGenerator, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from qsmith.chat import events as ev
from qsmith.chat.backend import AsyncChatBackend, ChatBackend, Identity, ModelInfo
from qsmith.chat.errors import HistoryError
from qsmith.chat.history import DEFAULT_LIMITS, Limits, plan_request
from qsmith.chat.login_bridge import login_profile_arn, login_token_provider
from qsmith.chat.messages import (
    AssistantMessage,
    Image,
    Message,
    ToolResult,
    ToolSpec,
    ToolUse,
    UserMessage,
    utc_now,
)
from qsmith.chat.routing import Route, resolve_route
from qsmith.chat.store import ACCOUNT_KEY, ConversationRecord, ConversationStore
from qsmith.chat.translate import build_conversation_state, read_event
from qsmith.chat.turn import TurnAssembler
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.login.profiles import profile_region
from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.values import Document

__all__ = ["AsyncConversation", "Conversation"]


@dataclass(frozen=True, slots=True)
class _Setup:
    route: Route
    identity: Identity
    model: str | None
    store: ConversationStore | None
    record: ConversationRecord


def _setup(
    *,
    model: str | None,
    region: str | None,
    profile: str | None,
    profile_arn: str | None,
    token: BearerToken | str | TokenProvider | None,
    credentials: AwsCredentials | CredentialProvider | None,
    resume: str | None,
    history: Sequence[Message],
    store: ConversationStore | None,
    environ: Mapping[str, str] | None,
) -> _Setup:
    """Route and identity from the options; with ``resume``, the model and region stored."""
    record = None
    if resume is not None:
        if history:
            raise HistoryError("give either resume or history, not both")
        store = store if store is not None else ConversationStore()
        record = store.load(resume)
        model = model or record.model.get("model")
        region = region or record.model.get("region")
    route = resolve_route(model, region=region, environ=environ)
    if token is None and route.bearer:
        token = login_token_provider(os.environ if environ is None else environ)
        profile_arn = profile_arn or login_profile_arn()
    if route.bearer and region is None and profile_arn:
        # A Q Developer profile is served by its own region's endpoint.
        route = resolve_route(model, region=profile_region(profile_arn), environ=environ)
    identity = Identity(token, credentials, profile, profile_arn)
    if record is None:
        record = ConversationRecord(
            id=uuid.uuid4().hex,
            created_at=utc_now(),
            model={
                "model": model,
                "model_id": route.model_id,
                "region": route.region,
                "service": route.service,
            },
            identity=identity.describe(route),
            # A caller's history (e.g. a stateless API request) is repaired on each send.
            messages=list(history),
        )
    return _Setup(route, identity, model, store, record)


class _Session:
    """History, tools, model and store of one conversation; no I/O but the store."""

    def __init__(
        self, setup: _Setup, *, tools: Sequence[ToolSpec], limits: Limits, caller_account: bool
    ) -> None:
        self.route = setup.route
        self.tools = list(tools)
        self.limits = limits
        self.store = setup.store
        self.record = setup.record
        self.caller_account = caller_account

    def wants_account(self) -> bool:
        """A ``custom:`` conversation whose account id was never looked up (once each)."""
        return self.caller_account and self.route.custom and ACCOUNT_KEY not in self.record.identity

    def note_account(self, account_id: str) -> None:
        self.record.identity[ACCOUNT_KEY] = account_id

    def begin(
        self,
        prompt: str,
        images: Sequence[Image],
        tool_results: Sequence[ToolResult],
        cache_point: bool = False,
    ) -> tuple[UserMessage, cw.ConversationState]:
        message = UserMessage.of(prompt, images, tool_results)
        message.cache_point = cache_point
        plan = plan_request(self.record.messages, message, self.limits)
        state = build_conversation_state(
            plan.history,
            plan.current,
            tools=self.tools,
            model_id=self.route.model_id,
            conversation_id=self.record.service_conversation_id,
        )
        return plan.current, state

    def commit(self, user: UserMessage, turn: TurnAssembler, complete: ev.TurnComplete) -> None:
        messages = self.record.messages
        if messages and isinstance(messages[-1], UserMessage):
            messages.pop()  # an unanswered prompt: ``plan_request`` merged it into ``user``
        messages += [user, complete.message]
        self.record.service_conversation_id = (
            turn.conversation_id or self.record.service_conversation_id
        )
        if self.store is not None:
            self.store.save(self.record)

    def pending_tool_uses(self) -> tuple[ToolUse, ...]:
        messages = self.record.messages
        if messages and isinstance(messages[-1], AssistantMessage):
            return messages[-1].tool_uses
        return ()


class _ConversationBase:
    _session: _Session

    @property
    def id(self) -> str:
        """This conversation's id in the store."""
        return self._session.record.id

    @property
    def created_at(self) -> datetime:
        return self._session.record.created_at

    @property
    def route(self) -> Route:
        """Service, auth, region and model id the requests go to."""
        return self._session.route

    @property
    def history(self) -> tuple[Message, ...]:
        """The messages so far, oldest first (a copy)."""
        return tuple(self._session.record.messages)

    @property
    def tools(self) -> list[ToolSpec]:
        """The tools offered to the model with every request (assign to change)."""
        return self._session.tools

    @tools.setter
    def tools(self, tools: Sequence[ToolSpec]) -> None:
        self._session.tools = list(tools)

    @property
    def pending_tool_uses(self) -> tuple[ToolUse, ...]:
        """Tool uses of the last answer; the next ``send`` should carry their results."""
        return self._session.pending_tool_uses()

    @property
    def record(self) -> ConversationRecord:
        """What the store saves (id, model, identity, messages)."""
        return self._session.record


class Conversation(_ConversationBase):
    """A blocking conversation. Use as a context manager, or call ``close()``.

    ``model``: a model id, ``custom:<region>:<model-id>`` (qdeveloper-streaming, SigV4), or
    ``None`` for the service's default. ``token``/``credentials`` inject the identity.
    ``store`` saves every turn; ``resume`` loads a stored conversation by id; ``history``
    starts from given messages instead (repaired by the service's rules on each send).
    On the ``custom:`` route the first send records the caller's AWS account id in
    ``record.identity["account_id"]`` (``"unknown"`` when STS cannot tell);
    ``caller_account=False`` skips that lookup.
    """

    def __init__(
        self,
        *,
        model: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        profile_arn: str | None = None,
        tools: Sequence[ToolSpec] = (),
        token: BearerToken | str | TokenProvider | None = None,
        credentials: AwsCredentials | CredentialProvider | None = None,
        endpoint_url: str | None = None,
        client_config: ClientConfig | None = None,
        limits: Limits = DEFAULT_LIMITS,
        store: ConversationStore | None = None,
        resume: str | None = None,
        history: Sequence[Message] = (),
        environ: Mapping[str, str] | None = None,
        caller_account: bool = True,
    ) -> None:
        setup = _setup(
            model=model,
            region=region,
            profile=profile,
            profile_arn=profile_arn,
            token=token,
            credentials=credentials,
            resume=resume,
            history=history,
            store=store,
            environ=environ,
        )
        self._session = _Session(setup, tools=tools, limits=limits, caller_account=caller_account)
        route, identity = setup.route, setup.identity
        self._backend = ChatBackend(
            route, identity, endpoint_url=endpoint_url, config=client_config
        )

    def send(
        self,
        prompt: str = "",
        *,
        images: Sequence[Image] = (),
        tool_results: Sequence[ToolResult] = (),
        model_fields: dict[str, Document] | None = None,
        cache_point: bool = False,
    ) -> Generator[ev.ChatEvent, None, None]:
        """Send a user turn and yield the answer's events; the last is ``TurnComplete``.

        ``model_fields`` go as the request's ``additionalModelRequestFields`` (bearer route
        only), e.g. ``thinking_fields(4096)`` to ask for extended thinking; ``cache_point``
        puts a prompt-cache checkpoint after this message."""
        user, state = self._session.begin(prompt, images, tool_results, cache_point)
        if self._session.wants_account():
            self._session.note_account(self._backend.caller_account())
        turn = TurnAssembler(self._session.route.model_id)
        finished = False
        try:
            with self._backend.stream(state, model_fields) as raw_events:
                for raw in raw_events:
                    yield from turn.feed(read_event(raw))
            extra, complete = turn.finish()
            finished = True
            self._session.commit(user, turn, complete)
            yield from extra
            yield complete
        except (GeneratorExit, KeyboardInterrupt):
            if not finished:
                self._session.commit(user, turn, turn.finish(cancelled=True)[1])
            raise

    def ask(
        self,
        prompt: str = "",
        *,
        images: Sequence[Image] = (),
        tool_results: Sequence[ToolResult] = (),
    ) -> AssistantMessage:
        """Send and wait for the whole answer."""
        for event in self.send(prompt, images=images, tool_results=tool_results):
            if isinstance(event, ev.TurnComplete):
                return event.message
        raise AssertionError("a turn always ends with TurnComplete")

    def list_models(self) -> list[ModelInfo]:
        """The models this login may use (bearer route only)."""
        return self._backend.list_models()

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Conversation:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncConversation(_ConversationBase):
    """The asyncio twin of ``Conversation``: ``async for event in conv.send(...)``."""

    def __init__(
        self,
        *,
        model: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        profile_arn: str | None = None,
        tools: Sequence[ToolSpec] = (),
        token: BearerToken | str | TokenProvider | None = None,
        credentials: AwsCredentials | CredentialProvider | None = None,
        endpoint_url: str | None = None,
        client_config: ClientConfig | None = None,
        limits: Limits = DEFAULT_LIMITS,
        store: ConversationStore | None = None,
        resume: str | None = None,
        history: Sequence[Message] = (),
        environ: Mapping[str, str] | None = None,
        caller_account: bool = True,
    ) -> None:
        setup = _setup(
            model=model,
            region=region,
            profile=profile,
            profile_arn=profile_arn,
            token=token,
            credentials=credentials,
            resume=resume,
            history=history,
            store=store,
            environ=environ,
        )
        self._session = _Session(setup, tools=tools, limits=limits, caller_account=caller_account)
        route, identity = setup.route, setup.identity
        self._backend = AsyncChatBackend(
            route, identity, endpoint_url=endpoint_url, config=client_config
        )

    async def send(
        self,
        prompt: str = "",
        *,
        images: Sequence[Image] = (),
        tool_results: Sequence[ToolResult] = (),
        model_fields: dict[str, Document] | None = None,
        cache_point: bool = False,
    ) -> AsyncGenerator[ev.ChatEvent, None]:
        """Send a user turn and yield the answer's events; the last is ``TurnComplete``
        (``model_fields``: as ``Conversation.send``)."""
        user, state = self._session.begin(prompt, images, tool_results, cache_point)
        if self._session.wants_account():
            self._session.note_account(await self._backend.caller_account())
        turn = TurnAssembler(self._session.route.model_id)
        finished = False
        try:
            async with self._backend.stream(state, model_fields) as raw_events:
                async for raw in raw_events:
                    for event in turn.feed(read_event(raw)):
                        yield event
            extra, complete = turn.finish()
            finished = True
            self._session.commit(user, turn, complete)
            for event in [*extra, complete]:
                yield event
        except (GeneratorExit, KeyboardInterrupt, asyncio.CancelledError):
            if not finished:
                self._session.commit(user, turn, turn.finish(cancelled=True)[1])
            raise

    async def ask(
        self,
        prompt: str = "",
        *,
        images: Sequence[Image] = (),
        tool_results: Sequence[ToolResult] = (),
    ) -> AssistantMessage:
        async for event in self.send(prompt, images=images, tool_results=tool_results):
            if isinstance(event, ev.TurnComplete):
                return event.message
        raise AssertionError("a turn always ends with TurnComplete")

    async def list_models(self) -> list[ModelInfo]:
        return await self._backend.list_models()

    async def close(self) -> None:
        await self._backend.close()

    async def __aenter__(self) -> AsyncConversation:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

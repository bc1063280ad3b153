"""The clients a conversation sends through, built from its route and identity choices.

``identity`` is the injection point for logins: ``token`` takes a ``TokenProvider``
(``qsmith.login`` gives one), a ``BearerToken`` or a string; ``credentials`` an
``AwsCredentials`` or a ``CredentialProvider``. Left unset, the clients' default chains
are used (``QSMITH_BEARER_TOKEN``, ``QSMITH_TOKEN_FILE``, the SSO cache; the AWS chain).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from qsmith.chat.caller_account import async_caller_account_id, caller_account_id
from qsmith.chat.errors import RouteError, translate_error
from qsmith.chat.routing import Route
from qsmith.chat.translate import retarget
from qsmith.clients import codewhisperer_streaming as cw_client
from qsmith.clients import qdeveloper_streaming as qd_client
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.clients.qdeveloper_streaming import models as qd
from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.values import Document

__all__ = [
    "AsyncChatBackend",
    "ChatBackend",
    "Identity",
    "ModelInfo",
    "PromptCaching",
    "check_model_fields",
    "client_config",
]

# ListAvailableModels asks which client is calling; chat calls as the CLI does.
MODELS_ORIGIN = "CLI"


@dataclass(frozen=True, slots=True)
class Identity:
    """How to sign in: a token or credentials (value or provider), a profile, a profile ARN."""

    token: BearerToken | str | TokenProvider | None = None
    credentials: AwsCredentials | CredentialProvider | None = None
    profile: str | None = None
    profile_arn: str | None = None

    def __repr__(self) -> str:
        # A token given as a string is the secret itself; objects print their redacted form.
        token = "'<redacted>'" if isinstance(self.token, str) else repr(self.token)
        return (
            f"Identity(token={token}, credentials={self.credentials!r}, "
            f"profile={self.profile!r}, profile_arn={self.profile_arn!r})"
        )

    __str__ = __repr__

    def describe(self, route: Route) -> dict[str, str | None]:
        """Metadata for the store: which auth and source, never a secret."""
        if route.bearer:
            source = getattr(self.token, "source", None)
            given = "default token chain" if self.token is None else (source or "given token")
        else:
            given = "default credential chain" if self.credentials is None else "given credentials"
        return {
            "auth": route.auth,
            "source": given,
            "profile": self.profile,
            "profile_arn": self.profile_arn,
        }


@dataclass(frozen=True, slots=True)
class PromptCaching:
    """A model's prompt caching (ListAvailableModels ``promptCaching``)."""

    supported: bool
    min_tokens_per_checkpoint: int | None = None
    max_checkpoints_per_request: int | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model the account may use (ListAvailableModels), with its token limits and
    prompt caching when the service gives them."""

    model_id: str
    name: str | None
    description: str | None
    is_default: bool
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    prompt_caching: PromptCaching | None = None


def check_model_fields(route: Route, model_fields: dict[str, Document] | None) -> None:
    """qdeveloper-streaming's SendMessage has no ``additionalModelRequestFields``: refuse
    rather than drop what the caller asked the model for."""
    if model_fields and not route.bearer:
        raise RouteError(
            f"additional model request fields ({', '.join(sorted(model_fields))}) are sent "
            "only on the bearer route (codewhisperer-streaming); the SigV4 route has no "
            "such field"
        )


def client_config(route: Route, identity: Identity, base: ClientConfig | None) -> ClientConfig:
    """The client configuration: ``base`` with the route's region and the identity set."""
    config = dataclasses.replace(base) if base is not None else ClientConfig()
    config.region = route.region or config.region
    config.profile = identity.profile or config.profile
    if route.bearer:
        config.token = identity.token if identity.token is not None else config.token
    else:
        config.credentials = identity.credentials or config.credentials
    return config


class ChatBackend:
    """Blocking: one client for the conversation's life; ``stream`` yields cw events."""

    def __init__(
        self,
        route: Route,
        identity: Identity,
        *,
        endpoint_url: str | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        self.route = route
        self.identity = identity
        self._endpoint_url = endpoint_url
        self._base_config = config
        self._client: Any = None

    def _ensure_client(self) -> Any:
        if self._client is None:
            module: Any = cw_client if self.route.bearer else qd_client
            self._client = module.Client(
                endpoint_url=self._endpoint_url,
                config=client_config(self.route, self.identity, self._base_config),
            )
        return self._client

    @contextlib.contextmanager
    def stream(
        self, state: cw.ConversationState, model_fields: dict[str, Document] | None = None
    ) -> Iterator[Iterator[object]]:
        """Send the request; the events come as codewhisperer-streaming classes.
        ``model_fields``: the request's ``additionalModelRequestFields`` (bearer route only)."""
        try:
            check_model_fields(self.route, model_fields)
            client = self._ensure_client()
            if self.route.bearer:
                response = client.generate_assistant_response(
                    conversation_state=state,
                    profile_arn=self.identity.profile_arn,
                    additional_model_request_fields=model_fields,
                )
            else:
                response = client.send_message(
                    conversation_state=retarget(state, qd),
                    profile_arn=self.identity.profile_arn,
                )
        except QsmithError as exc:
            raise translate_error(exc, bearer=self.route.bearer) from exc
        with response as events:
            yield self._events(events)

    def _events(self, events: Iterator[object]) -> Iterator[object]:
        try:
            for event in events:
                yield event if self.route.bearer else retarget(event, cw)
        except QsmithError as exc:
            raise translate_error(exc, bearer=self.route.bearer) from exc

    def list_models(self) -> list[ModelInfo]:
        if not self.route.bearer:
            raise RouteError(
                "listing models needs a bearer login: ListAvailableModels exists only on the "
                "bearer service (unset AMAZON_Q_SIGV4, or give a model id)"
            )
        from qsmith.clients.codewhisperer.client import Client

        config = client_config(self.route, self.identity, self._base_config)
        models: list[ModelInfo] = []
        try:
            client = Client(endpoint_url=self._endpoint_url, config=config)
            with client:
                next_token: str | None = None
                while True:
                    page = client.list_available_models(
                        origin=MODELS_ORIGIN,
                        profile_arn=self.identity.profile_arn,
                        next_token=next_token,
                    )
                    models.extend(_model_infos(page))
                    next_token = page.next_token
                    if not next_token:
                        return _dedupe(models)
        except QsmithError as exc:
            raise translate_error(exc, bearer=True) from exc

    def caller_account(self) -> str:
        """The account id the credentials belong to (STS), or ``"unknown"``; never raises."""
        return caller_account_id(client_config(self.route, self.identity, self._base_config))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class AsyncChatBackend:
    """The asyncio twin of ``ChatBackend``."""

    def __init__(
        self,
        route: Route,
        identity: Identity,
        *,
        endpoint_url: str | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        self.route = route
        self.identity = identity
        self._endpoint_url = endpoint_url
        self._base_config = config
        self._client: Any = None

    def _ensure_client(self) -> Any:
        if self._client is None:
            module: Any = cw_client if self.route.bearer else qd_client
            self._client = module.AsyncClient(
                endpoint_url=self._endpoint_url,
                config=client_config(self.route, self.identity, self._base_config),
            )
        return self._client

    @contextlib.asynccontextmanager
    async def stream(
        self, state: cw.ConversationState, model_fields: dict[str, Document] | None = None
    ) -> AsyncIterator[AsyncIterator[object]]:
        try:
            check_model_fields(self.route, model_fields)
            client = self._ensure_client()
            if self.route.bearer:
                response = await client.generate_assistant_response(
                    conversation_state=state,
                    profile_arn=self.identity.profile_arn,
                    additional_model_request_fields=model_fields,
                )
            else:
                response = await client.send_message(
                    conversation_state=retarget(state, qd),
                    profile_arn=self.identity.profile_arn,
                )
        except QsmithError as exc:
            raise translate_error(exc, bearer=self.route.bearer) from exc
        async with response as events:
            yield self._events(events)

    async def _events(self, events: AsyncIterator[object]) -> AsyncIterator[object]:
        try:
            async for event in events:
                yield event if self.route.bearer else retarget(event, cw)
        except QsmithError as exc:
            raise translate_error(exc, bearer=self.route.bearer) from exc

    async def list_models(self) -> list[ModelInfo]:
        if not self.route.bearer:
            raise RouteError(
                "listing models needs a bearer login: ListAvailableModels exists only on the "
                "bearer service (unset AMAZON_Q_SIGV4, or give a model id)"
            )
        from qsmith.clients.codewhisperer.client import AsyncClient

        config = client_config(self.route, self.identity, self._base_config)
        models: list[ModelInfo] = []
        try:
            client = AsyncClient(endpoint_url=self._endpoint_url, config=config)
            async with client:
                next_token: str | None = None
                while True:
                    page = await client.list_available_models(
                        origin=MODELS_ORIGIN,
                        profile_arn=self.identity.profile_arn,
                        next_token=next_token,
                    )
                    models.extend(_model_infos(page))
                    next_token = page.next_token
                    if not next_token:
                        return _dedupe(models)
        except QsmithError as exc:
            raise translate_error(exc, bearer=True) from exc

    async def caller_account(self) -> str:
        config = client_config(self.route, self.identity, self._base_config)
        return await async_caller_account_id(config)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def _model_infos(page: Any) -> list[ModelInfo]:
    default_id = page.default_model.model_id
    return [_model_info(m, m.model_id == default_id) for m in [*page.models, page.default_model]]


def _model_info(model: Any, is_default: bool) -> ModelInfo:
    limits, caching = model.token_limits, model.prompt_caching
    return ModelInfo(
        model.model_id,
        model.model_name,
        model.description,
        is_default,
        max_input_tokens=limits.max_input_tokens if limits else None,
        max_output_tokens=limits.max_output_tokens if limits else None,
        prompt_caching=(
            PromptCaching(
                caching.supports_prompt_caching,
                caching.minimum_tokens_per_cache_checkpoint,
                caching.maximum_cache_checkpoints_per_request,
            )
            if caching
            else None
        ),
    )


def _dedupe(models: list[ModelInfo]) -> list[ModelInfo]:
    seen: dict[str, ModelInfo] = {}
    for model in models:
        seen.setdefault(model.model_id, model)
    return list(seen.values())

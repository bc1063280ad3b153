"""The gateway's backend on Amazon Q: codewhisperer-streaming for turns, codewhisperer
for the model list, one bearer identity for both.

The clients are built once and shared by every request (one connection pool); a turn
closes its upstream response when its event iterator is closed, which is how a client
that hangs up cancels the upstream call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta

from qsmith.clients import codewhisperer, codewhisperer_streaming
from qsmith.gateway.backend import BackendEvent, HealthStatus, ModelInfo, TurnRequest
from qsmith.gateway.chat_errors import gateway_error
from qsmith.gateway.q_translate import ORIGIN, TurnTranslation
from qsmith.gateway.tokens import estimate_request
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.tokens.chain import default_token_chain
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider, TokenProvider
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import IdentityError, QsmithError
from qsmith.runtime.transport import TransportConfig

__all__ = ["AmazonQBackend"]

EXPIRY_MARGIN = timedelta(minutes=1)
# A model may think for minutes before its first word; the client keeps its own
# connection alive with keep-alive comments meanwhile.
SILENCE_TIMEOUT = 300.0


class AmazonQBackend:
    """Turns through GenerateAssistantResponse, models through ListAvailableModels.

    ``token`` is a token, a provider (``qsmith login`` gives one) or None for the default
    chain. ``models`` replaces the live model list (for identities that cannot list).
    ``endpoint_url``/``models_endpoint_url`` point the two clients elsewhere (tests).
    ``max_streams`` bounds the upstream connections, so the concurrent turns.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        token: BearerToken | str | TokenProvider | None = None,
        profile_arn: str | None = None,
        models: Sequence[str] = (),
        endpoint_url: str | None = None,
        models_endpoint_url: str | None = None,
        max_attempts: int | None = None,
        max_streams: int = 100,
    ) -> None:
        if token is None:
            self._tokens: TokenProvider = default_token_chain()
        elif isinstance(token, BearerToken | str):
            self._tokens = StaticTokenProvider(token)
        else:
            self._tokens = token
        self._profile_arn = profile_arn
        self._configured_models = tuple(models)
        transport = TransportConfig(
            max_connections=max_streams,
            max_keepalive_connections=max_streams,
            read_timeout=SILENCE_TIMEOUT,
            idle_timeout=SILENCE_TIMEOUT,
        )
        config = ClientConfig(
            region=region, token=self._tokens, max_attempts=max_attempts, transport=transport
        )
        self._chat = codewhisperer_streaming.AsyncClient(endpoint_url=endpoint_url, config=config)
        self._models = codewhisperer.AsyncClient(
            endpoint_url=models_endpoint_url or endpoint_url, config=config
        )

    async def aclose(self) -> None:
        await self._chat.close()
        await self._models.close()

    async def list_models(self) -> list[ModelInfo]:
        if self._configured_models:
            return [ModelInfo(name) for name in self._configured_models]
        found: list[ModelInfo] = []
        next_token: str | None = None
        try:
            while True:
                page = await self._models.list_available_models(
                    origin=ORIGIN, profile_arn=self._profile_arn, next_token=next_token
                )
                found += [_model_info(m) for m in page.models]
                next_token = page.next_token
                if not next_token:
                    return found
        except QsmithError as error:
            raise gateway_error(error) from error

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        translation = TurnTranslation(request)
        try:
            response = await self._chat.generate_assistant_response(
                conversation_state=translation.conversation_state(),
                profile_arn=self._profile_arn,
            )
            async with response as stream:
                async for event in translation.events(stream):
                    yield event
        except QsmithError as error:
            raise gateway_error(error) from error

    def count_tokens(self, request: TurnRequest) -> int:
        return estimate_request(request)

    async def health(self) -> HealthStatus:
        try:
            token = await asyncio.to_thread(self._tokens.resolve_token)
        except IdentityError as error:
            return HealthStatus(False, "bearer", f"no usable login ({error}); run `qsmith login`")
        if token.expires_within(EXPIRY_MARGIN):
            return HealthStatus(False, "bearer", "the login has expired; run `qsmith login`")
        return HealthStatus(True, "bearer", f"token from {token.source}")


def _model_info(model: codewhisperer.models.Model) -> ModelInfo:
    limits = model.token_limits
    return ModelInfo(
        model.model_id,
        model.description or model.model_name,
        limits.max_input_tokens if limits else None,
    )

"""Real generated clients driven against a FakeService, for the client fault matrix.

A ``Target`` is one operation of one generated service (its protocol, how to call it,
what a good answer looks like). ``run_call`` builds a sync or async client configured
with canary secrets, an injected retry strategy (fixed jitter, recording how it
classified each failure) and a recording interceptor, makes the call (reading a stream
to its end), and returns everything the matrix asserts on.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from qsmith.clients.codewhisperer_streaming.models import (
    AssistantResponseEvent,
    ChatMessageUserInputMessage,
    ChatResponseStreamAssistantResponseEvent,
    ConversationState,
    UserInputMessage,
)
from qsmith.clients.toolkit_telemetry.models import MetricDatum
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.hooks import AttemptContext, AttemptOutcome
from qsmith.runtime.redaction import get_logger
from qsmith.runtime.retry import RetryErrorInfo, RetryQuota, RetryToken, StandardRetryStrategy
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport import TransportConfig
from qsmith.testing import FakeService, event_stream_response, json_response
from qsmith.testing.event_streams import event_stream_body
from qsmith.testing.fake_service import Step
from tests.runtime.resilience.pool import busy_connections

CANARY_KEY_ID = "AKIDCANARYKEY0000001"
CANARY_SECRET = "CANARYsecretKEY/0123456789abcdefghijklmnop"
CANARY_SESSION = "CANARYsessionTOKEN//fake+token=="
CANARY_TOKEN = "CANARYbearerTOKEN-aoaAAAAAGgExampleValue0123"
CANARIES = (CANARY_SECRET, CANARY_SESSION, CANARY_TOKEN)

# A careless interceptor logs the whole signed request: the redaction must catch it.
careless_log = get_logger("qsmith.tests.careless_interceptor")


@dataclass(frozen=True)
class Target:
    """One operation of one generated client, as the matrix calls it."""

    package: str
    protocol: str  # the FakeService protocol name
    operation: str
    method: str
    arguments: Callable[[], dict[str, Any]]
    ok: Callable[[], Step]
    bearer: bool
    route: tuple[str, str] | None = None  # restJson1: (method, path)

    @property
    def name(self) -> str:
        return f"{self.package}.{self.operation}"

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"qsmith.clients.{self.package}.{name}")

    @property
    def service(self) -> ServiceSchema:
        service: ServiceSchema = self.module("_schema").SERVICE
        return service

    @property
    def schema(self) -> OperationSchema:
        return self.service.operations[self.operation]

    @property
    def streaming(self) -> bool:
        return self.schema.streaming_member("output") is not None

    def error_type(self, code: str) -> type[Exception]:
        """The generated class a code is raised as: the modeled one, else the base error."""
        modeled = getattr(self.module("errors"), code, None)
        if isinstance(modeled, type) and issubclass(modeled, Exception):
            return modeled
        base = self.service.error_type
        assert isinstance(base, type) and issubclass(base, Exception)
        return base

    def fake(self) -> FakeService:
        fake = FakeService(self.protocol, target_prefix=None if self.route else self.service.name)  # type: ignore[arg-type]
        if self.route is not None:
            fake.route(self.route[0], self.route[1], self.operation)
        return fake


EVENTS = [
    ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content="one")),
    ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content="two")),
]


def _conversation() -> dict[str, Any]:
    message = UserInputMessage(content="hello")
    return {
        "conversation_state": ConversationState(
            current_message=ChatMessageUserInputMessage(message), chat_trigger_type="MANUAL"
        )
    }


def _metrics() -> dict[str, Any]:
    return {
        "aws_product": "AWS Toolkit For VS Code",
        "aws_product_version": "1.0.0",
        "client_id": "00000000-0000-4000-8000-000000000000",
        "metric_data": [MetricDatum(metric_name="session_start", unit="None", epoch_timestamp=1)],
        "credential_start_url": "https://example.awsapps.com/start",
    }


CONSOLAS = Target(
    package="consolas",
    protocol="awsJson1_0",
    operation="ListProfiles",
    method="list_profiles",
    arguments=dict,
    ok=lambda: json_response({"profiles": []}),
    bearer=False,
)
TELEMETRY = Target(
    package="toolkit_telemetry",
    protocol="restJson1",
    operation="PostMetrics",
    method="post_metrics",
    arguments=_metrics,
    ok=lambda: json_response({}),
    bearer=False,
    route=("POST", "/metrics"),
)
STREAMING = Target(
    package="codewhisperer_streaming",
    protocol="awsJson1_0",
    operation="GenerateAssistantResponse",
    method="generate_assistant_response",
    arguments=_conversation,
    ok=lambda: event_stream_response(stream_chunks()),
    bearer=True,
)
TARGETS = (CONSOLAS, TELEMETRY, STREAMING)


def stream_chunks(events: list[object] | None = None) -> list[bytes]:
    """The initial response, then one message per event (EVENTS by default)."""
    return event_stream_body(STREAMING.schema, EVENTS if events is None else events)


class RecordingStrategy(StandardRetryStrategy):
    """The standard strategy, remembering how it saw each failed attempt."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: list[RetryErrorInfo] = []

    def refresh_token_for_retry(self, token: RetryToken, info: RetryErrorInfo) -> RetryToken:
        self.seen.append(info)
        return super().refresh_token_for_retry(token, info)


@dataclass
class RecordingInterceptor:
    """Counts attempts and outcomes; logs the signed request the careless way."""

    contexts: list[AttemptContext] = field(default_factory=list)
    outcomes: list[AttemptOutcome] = field(default_factory=list)
    raw_texts: list[str] = field(default_factory=list)

    def before_send(self, context: AttemptContext) -> None:
        self.contexts.append(context)
        text = f"{context.request.url} {context.request.headers}"
        self.raw_texts.append(text)
        careless_log.info("sending %s", text)

    def after_receive(self, context: AttemptContext, outcome: AttemptOutcome) -> None:
        self.outcomes.append(outcome)


@dataclass
class Run:
    """What one call did."""

    outcome: Any  # the output, the list of events, or the QsmithError raised
    delivered: list[object]
    busy_connections: int
    strategy: RecordingStrategy
    interceptor: RecordingInterceptor


def client_config(
    target: Target,
    url: str,
    *,
    strategy: StandardRetryStrategy | None = None,
    transport: TransportConfig | None = None,
    interceptors: tuple[object, ...] = (),
    call_timeout: float | None = None,
    protocol: str | None = None,
) -> ClientConfig:
    identity: dict[str, Any] = (
        {"token": CANARY_TOKEN}
        if target.bearer
        else {"credentials": AwsCredentials(CANARY_KEY_ID, CANARY_SECRET, CANARY_SESSION)}
    )
    return ClientConfig(
        region="us-east-1",
        endpoint_url=url,
        retry_strategy=strategy,
        transport=transport or TransportConfig(trust_env=False),
        interceptors=interceptors,
        call_timeout=call_timeout,
        protocol=protocol,
        **identity,
    )


def run_call(
    target: Target,
    endpoint: str,
    mode: str,
    *,
    quota: int = 500,
    transport: TransportConfig | None = None,
    call_timeout: float | None = None,
    protocol: str | None = None,
) -> Run:
    strategy = RecordingStrategy(max_attempts=3, quota=RetryQuota(quota), random=lambda: 0.5)
    interceptor = RecordingInterceptor()
    config = client_config(
        target,
        endpoint,
        strategy=strategy,
        transport=transport,
        interceptors=(interceptor,),
        call_timeout=call_timeout,
        protocol=protocol,
    )
    delivered: list[object] = []
    module = target.module("client")
    if mode == "sync":
        outcome, busy = _run_sync(module.Client(config=config), target, delivered)
    else:
        outcome, busy = asyncio.run(
            _run_async(module.AsyncClient(config=config), target, delivered)
        )
    return Run(outcome, delivered, busy, strategy, interceptor)


def _run_sync(client: Any, target: Target, delivered: list[object]) -> tuple[Any, int]:
    with client:
        try:
            result = getattr(client, target.method)(**target.arguments())
            if target.streaming:
                with result as stream:
                    for event in stream:
                        delivered.append(event)
                result = list(delivered)
        except QsmithError as error:
            result = error
        return result, busy_connections(client._http)


async def _run_async(client: Any, target: Target, delivered: list[object]) -> tuple[Any, int]:
    async with client:
        try:
            result = await getattr(client, target.method)(**target.arguments())
            if target.streaming:
                async with result as stream:
                    async for event in stream:
                        delivered.append(event)
                result = list(delivered)
        except QsmithError as error:
            result = error
        return result, busy_connections(client._http)


def attempt_records(records: list[logging.LogRecord]) -> list[str]:
    """The client's per-attempt DEBUG messages."""
    return [r.getMessage() for r in records if r.name == "qsmith.runtime.client"]

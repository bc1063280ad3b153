"""The sans-I/O core of every generated client: all a call does but move bytes and sleep.

``ClientCore`` resolves the configuration once (protocol, region, endpoint, identity,
retry strategy), then for each attempt builds the signed ``HttpRequest`` and turns the
HTTP answer into an output value or a typed error. The sync and async shells only send
requests, read bodies and sleep, so the two never drift apart.
"""

from __future__ import annotations

import os
import platform
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qsmith.runtime.auth.credentials.chain import default_credential_chain
from qsmith.runtime.auth.credentials.provider import StaticCredentialsProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.schemes import AuthResolver, ResolvedAuth
from qsmith.runtime.auth.tokens.chain import default_token_chain
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.customizations import customize_request, protocol_options
from qsmith.runtime.client.events import encode_input_events
from qsmith.runtime.errors import ConfigError, ServiceError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols import Protocol, protocol_for
from qsmith.runtime.retry.classify import RetryErrorInfo
from qsmith.runtime.retry.config import create_retry_strategy, resolve_retry_settings
from qsmith.runtime.retry.standard import StandardRetryStrategy
from qsmith.runtime.schema import OperationSchema, ServiceSchema

__all__ = ["CallOptions", "ClientCore"]

VERSION = "0.1.0"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
UNIT_ID = "smithy.api#Unit"
# Where both exist, clients speak awsJson1_0 by default, as the Amazon Q CLI does.
PROTOCOL_PREFERENCE = (
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#restJson1",
)
_RPC = frozenset({"aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1"})
PROTOCOL_ALIASES = {
    "awsJson1_0": "aws.protocols#awsJson1_0",
    "awsJson1_1": "aws.protocols#awsJson1_1",
    "restJson1": "aws.protocols#restJson1",
}


@dataclass(frozen=True, slots=True)
class CallOptions:
    """Per-call overrides: a whole-call timeout and extra headers."""

    timeout: float | None = None
    extra_headers: Mapping[str, str] | None = None


class ClientCore:
    """Configuration resolved once, and the per-attempt request/response logic."""

    def __init__(self, service: ServiceSchema, config: ClientConfig) -> None:
        self.service = service
        self.config = config
        self.protocol_id = _choose_protocol(service, config.protocol)
        self.protocol: Protocol = protocol_for(
            self.protocol_id, **protocol_options(service, self.protocol_id, config)
        )
        self.region = (
            config.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        )
        self.endpoint_url = _resolve_endpoint(service, config, self.region)
        self.retry: StandardRetryStrategy = create_retry_strategy(
            resolve_retry_settings(mode=config.retry_mode, max_attempts=config.max_attempts)
        )
        self.auth = _auth_resolver(config, self.region)
        self.user_agent = _user_agent(service, config.user_agent_extra)

    # -- requests ------------------------------------------------------------------------------

    def build_request(
        self, operation: OperationSchema, value: Any, options: CallOptions
    ) -> HttpRequest:
        """The unsigned request of one call (the same for every attempt)."""
        request = self.protocol.serialize_request(self.service, operation, value, self.endpoint_url)
        stream = operation.streaming_member("input")
        # The protocol hands over the caller's events; they go out framed, one by one.
        if (
            stream is not None
            and stream.target.is_event_stream
            and not isinstance(request.body, bytes)
        ):
            request.body = encode_input_events(
                stream.target, request.body, use_json_name=self.protocol_id not in _RPC
            )
        customize_request(self, operation, value, request)
        request.set_header("User-Agent", self.user_agent)
        request.set_header("amz-sdk-invocation-id", str(uuid.uuid4()))
        for name, header in {**self.config.headers, **(options.extra_headers or {})}.items():
            request.set_header(name, header)
        return request

    def attempt_request(self, request: HttpRequest, attempt: int, max_attempts: int) -> HttpRequest:
        """A copy of ``request`` for one attempt, carrying the attempt header."""
        copy = replace(request, headers=list(request.headers), query=list(request.query))
        copy.set_header("amz-sdk-request", f"attempt={attempt}; max={max_attempts}")
        return copy

    def sign(self, auth: ResolvedAuth, request: HttpRequest) -> HttpRequest:
        """Apply the resolved auth scheme (a streamed body is signed as unsigned payload)."""
        streamed = not isinstance(request.body, bytes)
        return auth.sign(request, payload_hash=UNSIGNED_PAYLOAD if streamed else None)

    # -- responses -----------------------------------------------------------------------------

    def read_response(
        self,
        operation: OperationSchema,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> Any:
        """The output value (None for an operation without output), or raise the error."""
        output = self.protocol.deserialize_response(self.service, operation, status, headers, body)
        return None if operation.output.id == UNIT_ID else output

    def classify(
        self, error: BaseException, headers: Sequence[tuple[str, str]] = ()
    ) -> RetryErrorInfo:
        """What the retry strategy needs to know about a failed attempt."""
        if isinstance(error, ServiceError) and error.http_status is not None:
            return RetryErrorInfo.from_response(
                http_status=error.http_status,
                headers=headers,
                code=error.code,
                reason=_reason(error),
                message=error.message,
                modeled_retryable=error.retryable,
                modeled_throttling=bool(getattr(type(error), "throttling", False)),
                service=self.service.sdk_id,
            )
        return RetryErrorInfo.from_exception(error)


def _reason(error: ServiceError) -> str | None:
    reason = getattr(error, "reason", None)
    return reason if isinstance(reason, str) else None


def _choose_protocol(service: ServiceSchema, requested: str | None) -> str:
    if requested is not None:
        wanted = PROTOCOL_ALIASES.get(requested, requested)
        if wanted not in service.protocols:
            raise ConfigError(
                f"{service.name} does not speak protocol {requested!r}; it speaks "
                + ", ".join(p.rpartition("#")[2] for p in service.protocols)
            )
        return wanted
    for candidate in PROTOCOL_PREFERENCE:
        if candidate in service.protocols:
            return candidate
    raise ConfigError(f"{service.name} declares no protocol qsmith supports: {service.protocols}")


def _resolve_endpoint(service: ServiceSchema, config: ClientConfig, region: str | None) -> str:
    """The endpoint: the argument, the environment, then the model's rules."""
    from qsmith.runtime.client.endpoint import resolve_client_endpoint

    return resolve_client_endpoint(service, config, region)


def _user_agent(service: ServiceSchema, extra: str | None) -> str:
    parts = [
        f"qsmith/{VERSION}",
        f"lang/python#{platform.python_version()}",
        f"api/{(service.sdk_id or service.name).replace(' ', '-')}#{service.version}",
    ]
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _auth_resolver(config: ClientConfig, region: str | None) -> AuthResolver:
    """The resolver over the configured identities, or the default chains."""
    credentials = config.credentials
    if isinstance(credentials, AwsCredentials):
        credentials = StaticCredentialsProvider(credentials)
    tokens = config.token
    if isinstance(tokens, BearerToken | str):
        tokens = StaticTokenProvider(tokens)
    return AuthResolver(
        region=region or "us-east-1",
        credentials=credentials or default_credential_chain(profile=config.profile),
        tokens=tokens or default_token_chain(profile=config.profile),
    )

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.customizations import customize_request
from qsmith.runtime.errors import ConfigError, IdentityError, ServiceError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols import Protocol, protocol_for
from qsmith.runtime.retry.classify import RetryErrorInfo
from qsmith.runtime.retry.config import create_retry_strategy, resolve_retry_settings
from qsmith.runtime.retry.standard import StandardRetryStrategy
from qsmith.runtime.schema import OperationSchema, ServiceSchema

__all__ = ["CallOptions", "ClientCore"]

VERSION = "0.1.0"
BEARER = "smithy.api#httpBearerAuth"
SIGV4 = "aws.auth#sigv4"
NO_AUTH = "smithy.api#noAuth"
# Where both exist, clients speak awsJson1_0 by default, as the Amazon Q CLI does.
PROTOCOL_PREFERENCE = (
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#restJson1",
)
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
            self.protocol_id,
            validate=config.validate,
            **({"idempotency_token": config.idempotency_token} if config.idempotency_token else {}),
        )
        self.region = config.region or os.environ.get("AWS_REGION") or os.environ.get(
            "AWS_DEFAULT_REGION"
        )
        self.endpoint_url = _resolve_endpoint(service, config, self.region)
        self.retry: StandardRetryStrategy = create_retry_strategy(
            resolve_retry_settings(mode=config.retry_mode, max_attempts=config.max_attempts)
        )
        self._signer = SigV4Signer()
        self._identity = _IdentitySource(service, config)
        self.user_agent = _user_agent(service, config.user_agent_extra)

    # -- requests ------------------------------------------------------------------------------

    def build_request(
        self, operation: OperationSchema, value: Any, options: CallOptions
    ) -> HttpRequest:
        """The unsigned request of one call (the same for every attempt)."""
        request = self.protocol.serialize_request(
            self.service, operation, value, self.endpoint_url
        )
        customize_request(self, operation, value, request)
        request.set_header("User-Agent", self.user_agent)
        request.set_header("amz-sdk-invocation-id", str(uuid.uuid4()))
        for name, header in {**self.config.headers, **(options.extra_headers or {})}.items():
            request.set_header(name, header)
        return request

    def authorize(
        self, operation: OperationSchema, request: HttpRequest, attempt: int, max_attempts: int
    ) -> HttpRequest:
        """A copy of ``request`` for one attempt: attempt header, then the auth scheme."""
        attempt_request = HttpRequest(
            method=request.method,
            host=request.host,
            path=request.path,
            query=list(request.query),
            headers=list(request.headers),
            body=request.body,
            scheme=request.scheme,
            port=request.port,
        )
        attempt_request.set_header("amz-sdk-request", f"attempt={attempt}; max={max_attempts}")
        scheme, identity = self._identity.resolve(operation)
        if isinstance(identity, BearerToken):
            attempt_request.set_header("Authorization", f"Bearer {identity.token}")
        elif isinstance(identity, AwsCredentials):
            signing = SigV4Config(
                region=self.region or "us-east-1",
                service=self.service.sigv4_signing_name or "",
                payload_hash="STREAMING-AWS4-HMAC-SHA256-EVENTS"
                if not isinstance(attempt_request.body, bytes)
                else None,
            )
            attempt_request = self._signer.sign(attempt_request, identity, signing).request
        return attempt_request

    # -- responses -----------------------------------------------------------------------------

    def read_response(
        self,
        operation: OperationSchema,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> Any:
        """The output value, or raise the service's typed error."""
        return self.protocol.deserialize_response(self.service, operation, status, headers, body)

    def classify(self, error: BaseException, headers: list[tuple[str, str]] = ()) -> RetryErrorInfo:  # type: ignore[assignment]
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


class _IdentitySource:
    """Picks the first auth scheme of the operation whose identity is available."""

    def __init__(self, service: ServiceSchema, config: ClientConfig) -> None:
        self._service = service
        self._config = config
        self._credentials: Any = None
        self._token: Any = None

    def resolve(self, operation: OperationSchema) -> tuple[str, object | None]:
        schemes = operation.auth if operation.auth is not None else self._service.auth
        failures: list[str] = []
        for scheme in schemes:
            try:
                if scheme == BEARER:
                    return scheme, self._token_provider().resolve_token()
                if scheme == SIGV4:
                    return scheme, self._credentials_provider().resolve_credentials()
                if scheme == NO_AUTH:
                    return scheme, None
            except IdentityError as error:
                failures.append(f"{scheme.rpartition('#')[2]}: {error}")
        if operation.optional_auth or not schemes:
            return NO_AUTH, None
        raise IdentityError(
            f"no identity for {operation.name}: " + "; ".join(failures or ["no auth scheme"])
        )

    def _credentials_provider(self) -> Any:
        if self._credentials is None:
            from qsmith.runtime.auth.credentials.chain import default_credential_chain
            from qsmith.runtime.auth.credentials.provider import StaticCredentialsProvider

            given = self._config.credentials
            if isinstance(given, AwsCredentials):
                self._credentials = StaticCredentialsProvider(given)
            elif given is not None:
                self._credentials = given
            else:
                self._credentials = default_credential_chain(profile=self._config.profile)
        return self._credentials

    def _token_provider(self) -> Any:
        if self._token is None:
            from qsmith.runtime.auth.tokens.provider import StaticTokenProvider

            given = self._config.token
            if isinstance(given, BearerToken | str):
                self._token = StaticTokenProvider(given)
            elif given is not None:
                self._token = given
            else:
                from qsmith.runtime.auth.tokens import default_token_provider

                self._token = default_token_provider()
        return self._token

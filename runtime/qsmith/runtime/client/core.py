"""Running a call: all a call does but move bytes and sleep (sans-I/O).

``ClientCore`` runs calls on a ``ResolvedClient`` (``client/resolved.py``: settled once
per client). Per call it resolves the endpoint from the call's context parameters and
builds the ``HttpRequest``; per attempt it signs it and tells the interceptors and the
log about it; it turns the HTTP answer into an output value or a typed error. The sync
and async shells only send requests, read bodies and sleep, so the two never drift apart.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.schemes import AuthResolver, ResolvedAuth
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.resolved import ResolvedClient
from qsmith.runtime.errors import EventStreamError, QsmithError, ServiceError
from qsmith.runtime.hooks import AttemptContext, AttemptOutcome
from qsmith.runtime.http import HttpRequest, redact_header_pairs
from qsmith.runtime.protocols import Protocol
from qsmith.runtime.redaction import get_logger, secrets
from qsmith.runtime.retry import SDK_REQUEST_HEADER
from qsmith.runtime.retry.classify import RetryErrorInfo
from qsmith.runtime.retry.standard import RetryToken, StandardRetryStrategy
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport.deadlines import Deadline

# What only some calls need is imported where it is used: the event stream encoder (calls
# with an input stream), uuid (a request's invocation id), platform (the User-Agent, built
# with the first request). Importing and constructing a client stays cheap; see
# docs/design/lazy-imports.md for the rule and the test that guards it.
if TYPE_CHECKING:
    import httpx

    from qsmith.runtime.endpoints.model import Endpoint

__all__ = ["CallOptions", "ClientCore", "build_input", "raw_response"]

log = get_logger("qsmith.runtime.client")

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
UNIT_ID = "smithy.api#Unit"


@dataclass(frozen=True, slots=True)
class CallOptions:
    """Per-call overrides: a whole-call timeout and extra headers."""

    timeout: float | None = None
    extra_headers: Mapping[str, str] | None = None

    def __repr__(self) -> str:
        headers = redact_header_pairs(self.extra_headers) if self.extra_headers else None
        return f"CallOptions(timeout={self.timeout!r}, extra_headers={headers!r})"


class ClientCore:
    """Runs the calls of one resolved client: everything per call that is not I/O."""

    def __init__(self, service: ServiceSchema, config: ClientConfig) -> None:
        resolved = self.client = ResolvedClient(service, config)
        # What every call reads, bound here once (the shells' hot path reads attributes).
        self.service = resolved.service
        self.config = resolved.config
        self.protocol_id = resolved.protocol_id
        self.protocol: Protocol = resolved.protocol
        self.customizations = resolved.customizations
        self.region = resolved.region
        self.endpoints = resolved.endpoints
        self.retry: StandardRetryStrategy = resolved.retry
        self.transport = resolved.transport
        self.interceptors = resolved.interceptors
        self.auth_for = resolved.auth_for

    @property
    def endpoint_url(self) -> str:
        return self.client.endpoint_url

    @property
    def user_agent(self) -> str:
        return self.client.user_agent

    def plan_call(
        self, operation: OperationSchema, value: Any, options: CallOptions
    ) -> tuple[HttpRequest, AuthResolver]:
        """The unsigned request of one call and the auth resolver of its endpoint."""
        endpoint = self.endpoints.for_call(operation, value)
        return self.build_request(operation, value, options, endpoint), self.auth_for(endpoint)

    # -- requests ------------------------------------------------------------------------------

    def build_request(
        self,
        operation: OperationSchema,
        value: Any,
        options: CallOptions,
        endpoint: Endpoint | None = None,
    ) -> HttpRequest:
        """The unsigned request of one call (the same for every attempt)."""
        if endpoint is None:
            endpoint = self.endpoints.for_call(operation, value)
        request = self.protocol.serialize_request(self.service, operation, value, endpoint.url)
        stream = operation.streaming_member("input")
        # The protocol hands over the caller's events; they go out framed, one by one.
        if (
            stream is not None
            and stream.target.is_event_stream
            and not isinstance(request.body, bytes)
        ):
            from qsmith.runtime.client.events import encode_input_events

            request.body = encode_input_events(
                stream.target, request.body, self.protocol.event_codec
            )
        self.customizations.customize_request(request)
        request.set_header("User-Agent", self.user_agent)
        request.set_header("amz-sdk-invocation-id", _invocation_id())
        for name, header in {**self.config.headers, **(options.extra_headers or {})}.items():
            request.set_header(name, header)
        return request

    def deadline(self, options: CallOptions) -> Deadline:
        """The whole-call deadline: per call, then the client's, then the transport's."""
        return Deadline(
            options.timeout
            if options.timeout is not None
            else self.config.call_timeout or self.transport.call_timeout
        )

    def attempt_request(self, request: HttpRequest, token: RetryToken) -> HttpRequest:
        """A copy of ``request`` for one attempt, carrying the attempt header."""
        copy = request.copy()
        copy.set_header(SDK_REQUEST_HEADER, token.sdk_request_header)
        return copy

    def sign(self, auth: ResolvedAuth, request: HttpRequest) -> HttpRequest:
        """Apply the resolved auth scheme (a streamed body is signed as unsigned payload,
        but for an input event stream under SigV4, whose events are signed one by one).

        The identity's secrets join the redaction registry first, so no log record
        (ours, httpx's or httpcore's) can show them even in an unexpected place.
        """
        _register_secrets(auth)
        streamed = not isinstance(request.body, bytes)
        if streamed:  # a SigV4 input event stream signs each event (client/input_events.py)
            from qsmith.runtime.client.input_events import sign_event_stream

            signed = sign_event_stream(auth, request)
            if signed is not None:
                return signed
        return auth.sign(
            request,
            payload_hash=UNSIGNED_PAYLOAD if streamed else None,
            content_sha256_header=self.customizations.content_sha256_header,
        )

    def prepare_attempt(
        self,
        operation: OperationSchema,
        auth: ResolvedAuth,
        request: HttpRequest,
        token: RetryToken,
    ) -> AttemptContext:
        """Sign one attempt of ``request`` and tell the interceptors it is about to go."""
        signed = self.sign(auth, self.attempt_request(request, token))
        context = AttemptContext(
            service=self.service.sdk_id or self.service.name,
            operation=operation.name,
            attempt=token.attempt,
            max_attempts=token.max_attempts,
            request=signed,
        )
        context.attributes["started"] = time.monotonic()
        self.interceptors.before_send(context)
        return context

    def finish_attempt(
        self,
        context: AttemptContext,
        *,
        response: httpx.Response | None = None,
        error: BaseException | None = None,
        will_retry: bool = False,
    ) -> None:
        """Log the attempt at DEBUG (no secrets: names and numbers only) and tell the
        interceptors how it ended."""
        _redact_exposed(response, error)
        if response is None and error is not None:
            response = raw_response(error)
        status = response.status_code if response is not None else None
        headers = response.headers.multi_items() if response is not None else []
        request_id = _request_id(headers) or getattr(error, "request_id", None)
        started = context.attributes.get("started")
        elapsed = time.monotonic() - started if isinstance(started, float) else 0.0
        log.debug(
            "%s.%s attempt %d/%d: status=%s request_id=%s error=%s retry=%s elapsed=%.3fs",
            context.service,
            context.operation,
            context.attempt,
            context.max_attempts,
            status,
            request_id,
            type(error).__name__ if error is not None else None,
            will_retry,
            elapsed,
        )
        outcome = AttemptOutcome(
            http_status=status,
            headers=headers,
            error=error,
            elapsed=elapsed,
            will_retry=will_retry,
        )
        self.interceptors.after_receive(context, outcome)

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

    def classify(self, error: BaseException) -> RetryErrorInfo:
        """What the retry strategy needs to know about a failed attempt.

        A service error raised from inside an event stream (an exception message) has
        no status of its own: it is classified with the stream's HTTP status, by code.
        """
        response = raw_response(error)
        if isinstance(error, ServiceError):
            status = error.http_status
            if status is None and response is not None:
                status = response.status_code
            if status is not None:
                return RetryErrorInfo.from_response(
                    http_status=status,
                    headers=response.headers.multi_items() if response is not None else (),
                    code=error.code,
                    reason=_reason(error),
                    message=error.message,
                    modeled_retryable=error.retryable,
                    modeled_throttling=bool(getattr(type(error), "throttling", False)),
                    service=self.service.sdk_id,
                    rules=self.customizations.retry_rules,
                )
        return RetryErrorInfo.from_exception(error)


def build_input(operation: OperationSchema, members: dict[str, Any]) -> Any:
    """The operation's input value from a generated method's arguments.

    The schema names the input class, so a generated client module need not import its
    models module (see ``TypeRef``): the class loads here, on the first call.
    """
    input_type = operation.input.python_type
    if input_type is None:
        raise TypeError(f"{operation.id}: the schema names no input class")
    return input_type(**members)


def attach_response(error: QsmithError, response: httpx.Response) -> None:
    """Keep the HTTP answer behind ``error`` reachable for debugging (``error.raw_response``).

    Service errors also get the answer's request id when their own body had none.
    """
    _redact_exposed(response, error)
    error.raw_response = response
    if getattr(error, "response", False) is None:  # transport errors declare .response
        error.response = response  # type: ignore[attr-defined]
    if isinstance(error, ServiceError) and not error.request_id:
        error.request_id = _request_id(response.headers.multi_items())


def _redact_exposed(response: httpx.Response | None, error: BaseException | None) -> None:
    """Make the httpx objects a caller can reach print without secrets (see redacted_httpx)."""
    from qsmith.runtime.redacted_httpx import redact_error_chain, redact_exchange

    if response is not None:
        redact_exchange(response)
    if error is not None:
        redact_error_chain(error)


def raw_response(error: BaseException) -> httpx.Response | None:
    """The ``httpx.Response`` behind an error, when one had arrived (its body is read)."""
    response = getattr(error, "raw_response", None) or getattr(error, "response", None)
    import httpx

    return response if isinstance(response, httpx.Response) else None


def _invocation_id() -> str:
    """``str(uuid.uuid4())``, formatted directly: the same random version-4 UUID without
    building a ``UUID`` object on every call."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _request_id(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() in ("x-amzn-requestid", "x-amz-request-id"):
            return value
    return None


def _register_secrets(auth: ResolvedAuth) -> None:
    identity = auth.identity
    if isinstance(identity, AwsCredentials):
        secrets.add(identity.secret_access_key)
        secrets.add(identity.session_token)
    elif isinstance(identity, BearerToken):
        secrets.add(identity.token)
        secrets.add(identity.refresh_token)
        secrets.add(identity.client_secret)


def _reason(error: ServiceError) -> str | None:
    """A modeled error's ``reason`` member; for an exception message the stream's union
    does not model, the ``reason`` of its JSON payload (kept as the error's message)."""
    reason = getattr(error, "reason", None)
    if isinstance(reason, str):
        return reason
    if isinstance(error, EventStreamError) and (error.message or "").startswith("{"):
        try:
            document = json.loads(error.message or "")
        except ValueError:
            return None
        found = document.get("reason") if isinstance(document, dict) else None
        return found if isinstance(found, str) else None
    return None

"""The blocking shell: sends what the core builds through httpx.Client, sleeps, retries.

One call is a loop of attempts driven by the client's retry strategy (see
``docs/design/retries-and-transport.md``). An attempt ends with a decoded output, or, for
a streaming operation, with the stream read up to its first event; any failure before
that point is classified and retried while the strategy allows, and the attempt's own
error is raised when it does not.

A blocking read cannot be interrupted, so the whole-call deadline is made the limit of
each socket read itself (``transport.read_deadline``): an attempt runs with its deadline
current, and every connection it opens or answers on has its reads capped by it.
"""

from __future__ import annotations

import time
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore, attach_response, build_input
from qsmith.runtime.client.streams import EventStreamResponse
from qsmith.runtime.errors import QsmithError, TransportError
from qsmith.runtime.hooks import AttemptContext
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry.standard import NoRetryError, RetryToken
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport.config import build_sync_client
from qsmith.runtime.transport.deadlines import Deadline, map_deadline_error
from qsmith.runtime.transport.read_deadline import cap_reads, reads_until, trace_new_streams

# httpx loads when the first request is sent (``_http`` builds the pool), not with this
# module: importing a client and constructing it stays free of it
# (see docs/design/lazy-imports.md). The functions that catch httpx's errors import it.
if TYPE_CHECKING:
    import httpx

__all__ = ["ClientBase"]


def merged_config(
    config: ClientConfig | None,
    region: str | None,
    endpoint_url: str | None,
    protocol: str | None,
) -> ClientConfig:
    """``config`` with the constructor's keyword arguments laid over it."""
    base = config or ClientConfig()
    return replace(
        base,
        region=region or base.region,
        endpoint_url=endpoint_url or base.endpoint_url,
        protocol=protocol or base.protocol,
    )


class ClientBase:
    """Base of every generated blocking ``Client``; a context manager."""

    def __init__(
        self,
        service: ServiceSchema,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        protocol: str | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        cfg = merged_config(config, region, endpoint_url, protocol)
        self._core = ClientCore(service, cfg)
        self._transport = self._core.transport
        self._owns_http = cfg.http_client is None
        # Built on first use: the pool and its TLS context cost more than the rest of a
        # client's construction, and a client may never send.
        self._http_client: httpx.Client | None = cfg.http_client
        # A missing CA bundle fails here, not at the first call; its PEM loads with the pool.
        self._transport.check_ca_bundle()

    @property
    def region(self) -> str | None:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.endpoint_url

    @property
    def _http(self) -> httpx.Client:
        if self._http_client is None:
            self._http_client = build_sync_client(self._transport)
        return self._http_client

    def close(self) -> None:
        """Close the connection pool (when the client created it)."""
        if self._owns_http and self._http_client is not None:
            self._http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- calls ---------------------------------------------------------------------------------

    def _input(self, operation: OperationSchema, /, **members: Any) -> Any:
        """The input value of ``operation`` (its class loads on the first call)."""
        return build_input(operation, members)

    def _call(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> Any:
        return self._with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=False
        )

    def _stream(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> EventStreamResponse[Any, Any]:
        stream: EventStreamResponse[Any, Any] = self._with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=True
        )
        return stream

    def _with_retries(
        self, operation: OperationSchema, value: Any, options: CallOptions, *, stream: bool
    ) -> Any:
        """Attempt until one succeeds, retrying what the strategy allows; raise the last error."""
        core = self._core
        request, auth_resolver = core.plan_call(operation, value, options)
        deadline = core.deadline(options)
        token = core.retry.acquire_initial_token()
        while True:
            _sleep(token.delay, deadline)
            deadline.check(operation.name)
            auth = auth_resolver.resolve(core.service, operation)
            context = core.prepare_attempt(operation, auth, request, token)
            try:
                result, response = self._attempt(operation, context.request, deadline, stream)
            except QsmithError as error:
                token = self._next_token(context, token, error)
                continue
            core.retry.record_success(token)
            if stream:
                token.mark_first_event_delivered()
            try:
                core.finish_attempt(context, response=response)
            except BaseException:
                if isinstance(result, EventStreamResponse):
                    result.close()
                raise
            return result

    def _next_token(
        self, context: AttemptContext, token: RetryToken, error: QsmithError
    ) -> RetryToken:
        """The token of the next attempt; raises ``error`` when there is none."""
        core = self._core
        try:
            following: RetryToken | None = core.retry.refresh_token_for_retry(
                token, core.classify(error)
            )
        except NoRetryError:
            following = None
        core.finish_attempt(context, error=error, will_retry=following is not None)
        if following is None:
            raise error
        return following

    def _attempt(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, stream: bool
    ) -> tuple[Any, httpx.Response]:
        """One attempt: the decoded output, or the stream read up to its first event."""
        with reads_until(deadline):
            return self._attempt_reading(operation, request, deadline, stream)

    def _attempt_reading(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, stream: bool
    ) -> tuple[Any, httpx.Response]:
        import httpx

        response = self._send(operation, request, deadline, stream=stream)
        # A connection opened by another caller's request is capped from its first answer.
        cap_reads(response.extensions.get("network_stream"))
        core = self._core
        try:
            if response.status_code >= 300 or not stream:
                body = response.read()
                response.close()
                output = core.read_response(
                    operation, response.status_code, response.headers.multi_items(), body
                )
                if response.status_code >= 300:
                    raise TransportError(
                        f"{operation.name}: unexpected HTTP {response.status_code}"
                    )
                return output, response
            events: EventStreamResponse[Any, Any] = EventStreamResponse(
                core,
                operation,
                response,
                idle_timeout=self._transport.idle_timeout,
                deadline=deadline,
            )
            try:
                events.prefetch_first_event()
            except BaseException:
                events.close()
                raise
            return events, response
        except QsmithError as error:
            response.close()
            attach_response(error, response)
            raise
        except httpx.HTTPError as error:
            response.close()
            mapped = map_deadline_error(
                error, deadline, operation=operation.name, response=response
            )
            raise mapped from error
        except BaseException:
            response.close()
            raise

    def _send(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, *, stream: bool
    ) -> httpx.Response:
        import httpx

        http_request = self._http.build_request(
            request.method,
            request.url,
            headers=request.headers,
            # A streamed body (input events) goes out chunk by chunk as it is produced.
            content=request.body,
            timeout=self._transport.timeout(streaming=stream, remaining=deadline.remaining()),
            extensions={"trace": trace_new_streams} if deadline.seconds is not None else None,
        )
        try:
            return self._http.send(http_request, stream=True)
        except httpx.HTTPError as error:
            raise map_deadline_error(error, deadline, operation=operation.name) from error


def _sleep(seconds: float, deadline: Deadline) -> None:
    if seconds <= 0:
        return
    remaining = deadline.remaining()
    time.sleep(seconds if remaining is None else min(seconds, remaining))

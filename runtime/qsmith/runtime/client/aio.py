"""The asyncio shell: the twin of ``sync.ClientBase`` over httpx.AsyncClient.

Only the lines that wait differ from the blocking shell; everything a call decides is
in the shared ``ClientCore``. The whole-call deadline bounds sending and reading a body
with one ``asyncio.timeout`` each; a stream's chunks are read by a pump task of their
own under one watchdog timer per stream (``aiter_with_deadlines``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore, attach_response, build_input
from qsmith.runtime.client.streams import AsyncEventStreamResponse
from qsmith.runtime.client.sync import merged_config
from qsmith.runtime.errors import QsmithError, TransportError
from qsmith.runtime.hooks import AttemptContext
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry.standard import NoRetryError, RetryToken
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport.config import build_async_client
from qsmith.runtime.transport.deadlines import Deadline
from qsmith.runtime.transport.errors import CallTimeoutError, map_httpx_error

# httpx loads when the first request is sent (``_http`` builds the pool), not with this
# module: importing a client and constructing it stays free of it
# (see docs/design/lazy-imports.md). The functions that catch httpx's errors import it.
if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncClientBase"]

T = TypeVar("T")


class AsyncClientBase:
    """Base of every generated ``AsyncClient``; an async context manager."""

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
        self._owns_http = cfg.async_http_client is None
        # Built on first use: the pool and its TLS context cost more than the rest of a
        # client's construction, and a client may never send.
        self._http_client: httpx.AsyncClient | None = cfg.async_http_client
        # A missing CA bundle fails here, not at the first call; its PEM loads with the pool.
        self._transport.check_ca_bundle()

    @property
    def region(self) -> str | None:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.endpoint_url

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            self._http_client = build_async_client(self._transport)
        return self._http_client

    async def close(self) -> None:
        """Close the connection pool (when the client created it)."""
        if self._owns_http and self._http_client is not None:
            await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _input(self, operation: OperationSchema, /, **members: Any) -> Any:
        """The input value of ``operation`` (its class loads on the first call)."""
        return build_input(operation, members)

    async def _call(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> Any:
        return await self._with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=False
        )

    async def _stream(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> AsyncEventStreamResponse[Any, Any]:
        stream: AsyncEventStreamResponse[Any, Any] = await self._with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=True
        )
        return stream

    async def _with_retries(
        self, operation: OperationSchema, value: Any, options: CallOptions, *, stream: bool
    ) -> Any:
        core = self._core
        request, auth_resolver = core.plan_call(operation, value, options)
        deadline = core.deadline(options)
        token = core.retry.acquire_initial_token()
        while True:
            await _sleep(token.delay, deadline)
            deadline.check(operation.name)
            auth = await auth_resolver.resolve_async(core.service, operation)
            context = core.prepare_attempt(operation, auth, request, token)
            try:
                result, response = await self._attempt(operation, context.request, deadline, stream)
            except QsmithError as error:
                token = self._next_token(context, token, error)
                continue
            core.retry.record_success(token)
            if stream:
                token.mark_first_event_delivered()
            try:
                core.finish_attempt(context, response=response)
            except BaseException:
                if isinstance(result, AsyncEventStreamResponse):
                    await result.aclose()
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

    async def _attempt(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, stream: bool
    ) -> tuple[Any, httpx.Response]:
        """One attempt: the decoded output, or the stream read up to its first event."""
        import httpx

        response = await self._send(operation, request, deadline, stream=stream)
        core = self._core
        try:
            if response.status_code >= 300 or not stream:
                body = await _before(deadline, response.aread(), operation.name)
                await response.aclose()
                output = core.read_response(
                    operation, response.status_code, response.headers.multi_items(), body
                )
                if response.status_code >= 300:
                    raise TransportError(
                        f"{operation.name}: unexpected HTTP {response.status_code}"
                    )
                return output, response
            events: AsyncEventStreamResponse[Any, Any] = AsyncEventStreamResponse(
                core,
                operation,
                response,
                idle_timeout=self._transport.idle_timeout,
                deadline=deadline,
            )
            try:
                await events.prefetch_first_event()
            except BaseException:
                await events.aclose()
                raise
            return events, response
        except QsmithError as error:
            await response.aclose()
            attach_response(error, response)
            raise
        except httpx.HTTPError as error:
            await response.aclose()
            mapped = map_httpx_error(error, operation=operation.name, response=response)
            raise mapped from error
        except BaseException:
            await response.aclose()
            raise

    async def _send(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, *, stream: bool
    ) -> httpx.Response:
        import httpx

        http_request = self._http.build_request(
            request.method,
            request.url,
            headers=request.headers,
            # A streamed body (input events) goes out chunk by chunk as it is produced.
            content=_async_content(request.body),
            timeout=self._transport.timeout(streaming=stream, remaining=deadline.remaining()),
        )
        try:
            return await _before(
                deadline, self._http.send(http_request, stream=True), operation.name
            )
        except httpx.HTTPError as error:
            raise map_httpx_error(error, operation=operation.name) from error


def _async_content(body: bytes | Iterable[bytes]) -> bytes | AsyncIterable[bytes]:
    """What httpx.AsyncClient sends: bytes, or the body's async iteration (an iterable
    without one is iterated as it is sent)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, AsyncIterable):
        # The iteration itself: httpx takes anything that is also Iterable as a sync body.
        return aiter(body)
    return _iterate_async(body)


async def _iterate_async(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _before(deadline: Deadline, work: Awaitable[T], operation: str) -> T:
    """``await work``, cancelled with CallTimeoutError when the deadline passes first."""
    remaining = deadline.remaining()
    if remaining is None:
        return await work
    import asyncio

    scope = asyncio.timeout(remaining)
    try:
        async with scope:
            return await work
    except TimeoutError as error:
        if scope.expired():
            raise CallTimeoutError(operation=operation, seconds=deadline.seconds) from error
        raise


async def _sleep(seconds: float, deadline: Deadline) -> None:
    if seconds <= 0:
        return
    remaining = deadline.remaining()
    import asyncio  # here, not at the top: a program that never awaits need not load it

    await asyncio.sleep(seconds if remaining is None else min(seconds, remaining))

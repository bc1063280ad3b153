"""The asyncio shell: the twin of ``sync.ClientBase`` over httpx.AsyncClient.

Only the lines that wait differ from the blocking shell; everything a call decides is
in the shared ``ClientCore``.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.client.streams import AsyncEventStreamResponse
from qsmith.runtime.client.sync import merged_config
from qsmith.runtime.errors import ServiceError, TransportError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry.standard import NoRetryError
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport.config import TransportConfig, build_async_client
from qsmith.runtime.transport.deadlines import Deadline
from qsmith.runtime.transport.errors import map_httpx_error

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
        self._transport = cfg.transport or TransportConfig.resolve()
        self._owns_http = cfg.async_http_client is None
        self._http = cfg.async_http_client or build_async_client(self._transport)

    @property
    def region(self) -> str | None:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.endpoint_url

    async def close(self) -> None:
        """Close the connection pool (when the client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(
        self,
        operation: OperationSchema,
        value: Any,
        output_type: type[T],
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> T:
        response, _ = await self._send_with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=False
        )
        result: T = self._core.read_response(
            operation, response.status_code, response.headers.multi_items(), response.content
        )
        return result

    async def _stream(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> AsyncEventStreamResponse[Any, Any]:
        response, deadline = await self._send_with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=True
        )
        return AsyncEventStreamResponse(
            self._core,
            operation,
            response,
            idle_timeout=self._transport.idle_timeout,
            deadline=deadline,
        )

    async def _send_with_retries(
        self, operation: OperationSchema, value: Any, options: CallOptions, *, stream: bool
    ) -> tuple[httpx.Response, Deadline]:
        core = self._core
        request = core.build_request(operation, value, options)
        deadline = Deadline(options.timeout or core.config.call_timeout)
        token = core.retry.acquire_initial_token()
        while True:
            await _sleep(token.delay, deadline)
            attempt = core.sign(
                await core.auth.resolve_async(core.service, operation),
                core.attempt_request(request, token.attempt, token.max_attempts),
            )
            headers: list[tuple[str, str]] = []
            try:
                response = await self._send(operation, attempt, deadline, stream=stream)
                headers = response.headers.multi_items()
                if response.status_code < 300:
                    core.retry.record_success(token)
                    return response, deadline
                body = await response.aread()
                await response.aclose()
                core.read_response(operation, response.status_code, headers, body)
                raise TransportError(
                    f"unexpected HTTP {response.status_code} from {operation.name}"
                )
            except (ServiceError, TransportError) as error:
                try:
                    token = core.retry.refresh_token_for_retry(token, core.classify(error, headers))
                except NoRetryError:
                    raise error from None
                deadline.check(operation.name)

    async def _send(
        self, operation: OperationSchema, request: HttpRequest, deadline: Deadline, *, stream: bool
    ) -> httpx.Response:
        http_request = self._http.build_request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.body if isinstance(request.body, bytes) else b"".join(request.body),
            timeout=self._transport.timeout(streaming=stream, remaining=deadline.remaining()),
        )
        try:
            return await self._http.send(http_request, stream=stream)
        except httpx.HTTPError as error:
            raise map_httpx_error(error, operation=operation.name) from error


async def _sleep(seconds: float, deadline: Deadline) -> None:
    if seconds <= 0:
        return
    remaining = deadline.remaining()
    await asyncio.sleep(seconds if remaining is None else min(seconds, remaining))

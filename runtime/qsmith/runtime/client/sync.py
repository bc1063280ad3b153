"""The blocking shell: sends what the core builds through httpx.Client, sleeps, retries."""

from __future__ import annotations

import time
from dataclasses import replace
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.client.streams import EventStreamResponse
from qsmith.runtime.errors import ServiceError, TransportError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry.standard import NoRetryError
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.transport.config import TransportConfig, build_sync_client
from qsmith.runtime.transport.deadlines import Deadline
from qsmith.runtime.transport.errors import map_httpx_error

__all__ = ["ClientBase"]

T = TypeVar("T")


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
        self._transport = cfg.transport or TransportConfig.resolve()
        self._owns_http = cfg.http_client is None
        self._http = cfg.http_client or build_sync_client(self._transport)

    @property
    def region(self) -> str | None:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.endpoint_url

    def close(self) -> None:
        """Close the connection pool (when the client created it)."""
        if self._owns_http:
            self._http.close()

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

    def _call(
        self,
        operation: OperationSchema,
        value: Any,
        output_type: type[T],
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> T:
        response, _deadline = self._send_with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=False
        )
        result: T = self._core.read_response(
            operation, response.status_code, response.headers.multi_items(), response.content
        )
        return result

    def _stream(
        self,
        operation: OperationSchema,
        value: Any,
        *,
        timeout: float | None = None,
        extra_headers: Any = None,
    ) -> EventStreamResponse[Any, Any]:
        response, deadline = self._send_with_retries(
            operation, value, CallOptions(timeout, extra_headers), stream=True
        )
        return EventStreamResponse(
            self._core,
            operation,
            response,
            idle_timeout=self._transport.idle_timeout,
            deadline=deadline,
        )

    def _send_with_retries(
        self, operation: OperationSchema, value: Any, options: CallOptions, *, stream: bool
    ) -> tuple[httpx.Response, Deadline]:
        """Send until a 2xx answer, retrying what the strategy allows; raise the last error."""
        core = self._core
        request = core.build_request(operation, value, options)
        deadline = Deadline(options.timeout or core.config.call_timeout)
        token = core.retry.acquire_initial_token()
        while True:
            _sleep(token.delay, deadline)
            attempt = core.sign(
                core.auth.resolve(core.service, operation),
                core.attempt_request(request, token.attempt, token.max_attempts),
            )
            headers: list[tuple[str, str]] = []
            try:
                response = self._send(operation, attempt, deadline, stream=stream)
                headers = response.headers.multi_items()
                if response.status_code < 300:
                    core.retry.record_success(token)
                    return response, deadline
                body = response.read()
                response.close()
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

    def _send(
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
            return self._http.send(http_request, stream=stream)
        except httpx.HTTPError as error:
            raise map_httpx_error(error, operation=operation.name) from error


def _sleep(seconds: float, deadline: Deadline) -> None:
    if seconds <= 0:
        return
    remaining = deadline.remaining()
    time.sleep(seconds if remaining is None else min(seconds, remaining))

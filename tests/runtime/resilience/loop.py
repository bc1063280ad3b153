"""A small sync and async call loop over httpx, for testing the retry and transport pieces.

This is test code standing in for the client pipeline: it signs nothing, but sends
canary secrets where real calls carry them (Authorization, X-Amz-Security-Token, a
presigned-style query), asks the retry strategy what to do after each failure, maps
httpx errors, enforces stream deadlines and records the delays it would have slept.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx

from qsmith.runtime.errors import QsmithError, ServiceError
from qsmith.runtime.hooks import AttemptContext, AttemptOutcome, InterceptorChain
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry import (
    SDK_REQUEST_HEADER,
    NoRetryError,
    RetryErrorInfo,
    RetryToken,
    StandardRetryStrategy,
)
from qsmith.runtime.transport import (
    Deadline,
    TransportConfig,
    aiter_with_deadlines,
    iter_with_deadlines,
    map_httpx_error,
)
from tests.runtime.resilience.events import EventDecoder

CANARY_SIGNATURE = "c4a9e1f0d2b3canarysignature5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
CANARY_TOKEN = "CANARYSESSIONTOKEN//fake+token=="
CANARY_KEY_ID = "AKIDCANARYKEY0000001"
CANARIES = (CANARY_SIGNATURE, CANARY_TOKEN, CANARY_KEY_ID)


@dataclass
class CallResult:
    status: int
    body: bytes = b""
    events: list[bytes] = field(default_factory=list)


@dataclass
class Call:
    """One call's settings and what happened during it."""

    url: str
    operation: str
    strategy: StandardRetryStrategy
    config: TransportConfig
    service: str = "fake"
    streaming: bool = False
    interceptors: InterceptorChain = field(default_factory=InterceptorChain)
    deadline: Deadline = field(default_factory=lambda: Deadline(None))
    sleeps: list[float] = field(default_factory=list)
    delivered: list[bytes] = field(default_factory=list)  # events handed to the caller

    def request(self, token: RetryToken) -> HttpRequest:
        request = HttpRequest.from_url(
            "POST",
            f"{self.url}/?X-Amz-Credential={CANARY_KEY_ID}%2F20260101%2Fus-east-1"
            f"&X-Amz-Signature={CANARY_SIGNATURE}&X-Amz-Security-Token={CANARY_TOKEN}",
            headers=[
                ("X-Amz-Target", f"FakeService.{self.operation}"),
                ("Content-Type", "application/x-amz-json-1.0"),
                (
                    "Authorization",
                    f"AWS4-HMAC-SHA256 Credential={CANARY_KEY_ID}/x, "
                    f"SignedHeaders=host, Signature={CANARY_SIGNATURE}",
                ),
                ("X-Amz-Security-Token", CANARY_TOKEN),
            ],
            body=b"{}",
        )
        request.set_header(SDK_REQUEST_HEADER, token.sdk_request_header)
        return request

    def service_error(self, response: httpx.Response, body: bytes) -> ServiceError:
        try:
            document = json.loads(body or b"{}")
        except ValueError:
            document = {}
        code = response.headers.get("x-amzn-ErrorType", "").split(":")[0]
        code = code or str(document.get("__type", "")).rpartition("#")[2] or None
        error = ServiceError(
            document.get("message"),
            code=code,
            http_status=response.status_code,
            request_id=response.headers.get("x-amzn-RequestId"),
        )
        error.reason = document.get("reason")  # type: ignore[attr-defined]
        return error

    def retry_info(self, error: Exception) -> RetryErrorInfo:
        if isinstance(error, ServiceError):
            assert error.http_status is not None
            return RetryErrorInfo.from_response(
                http_status=error.http_status,
                headers=getattr(error, "headers", ()),
                code=error.code,
                reason=getattr(error, "reason", None),
                message=error.message,
                service=self.service,
            )
        return RetryErrorInfo.from_exception(error)

    def next_token(self, token: RetryToken, error: Exception) -> RetryToken:
        """The token for the next attempt; re-raises ``error`` when there is none."""
        try:
            token = self.call_strategy_refresh(token, error)
        except NoRetryError:
            raise error from None
        self.sleeps.append(token.delay)
        return token

    def call_strategy_refresh(self, token: RetryToken, error: Exception) -> RetryToken:
        return self.strategy.refresh_token_for_retry(token, self.retry_info(error))


def _to_httpx(
    client: httpx.Client | httpx.AsyncClient, call: Call, token: RetryToken
) -> httpx.Request:
    request = call.request(token)
    return client.build_request(
        request.method,
        request.url,
        headers=request.headers,
        content=request.body if isinstance(request.body, bytes) else b"",
        timeout=call.config.timeout(streaming=call.streaming, remaining=call.deadline.remaining()),
    )


def _error_with_headers(call: Call, response: httpx.Response, body: bytes) -> ServiceError:
    error = call.service_error(response, body)
    error.headers = list(response.headers.items())  # type: ignore[attr-defined]
    return error


def call_sync(client: httpx.Client, call: Call) -> CallResult:
    token = call.strategy.acquire_initial_token()
    call.sleeps.append(token.delay)
    while True:
        context = AttemptContext(
            service=call.service,
            operation=call.operation,
            attempt=token.attempt,
            max_attempts=token.max_attempts,
            request=call.request(token),
        )
        call.interceptors.before_send(context)
        started = time.monotonic()
        try:
            result = _attempt_sync(client, call, token)
        except (QsmithError, httpx.HTTPError) as raw:
            error = (
                raw
                if isinstance(raw, QsmithError)
                else map_httpx_error(raw, operation=call.operation)
            )
            status = getattr(error, "http_status", None)
            call.interceptors.after_receive(
                context,
                AttemptOutcome(http_status=status, error=error, elapsed=time.monotonic() - started),
            )
            call.deadline.check(call.operation)
            token = call.next_token(token, error)
            continue
        call.interceptors.after_receive(
            context, AttemptOutcome(http_status=result.status, elapsed=time.monotonic() - started)
        )
        call.strategy.record_success(token)
        return result


def _attempt_sync(client: httpx.Client, call: Call, token: RetryToken) -> CallResult:
    response = client.send(_to_httpx(client, call, token), stream=True)
    try:
        if response.status_code >= 300:
            raise _error_with_headers(call, response, response.read())
        if not call.streaming:
            return CallResult(response.status_code, body=response.read())
        decoder = EventDecoder()
        result = CallResult(response.status_code)
        chunks: Iterator[bytes] = response.iter_raw()
        try:
            for chunk in iter_with_deadlines(
                chunks,
                idle_timeout=call.config.idle_timeout,
                deadline=call.deadline,
                operation=call.operation,
            ):
                for event in decoder.feed(chunk):
                    token.mark_first_event_delivered()
                    call.delivered.append(event)
                    result.events.append(event)
        except httpx.HTTPError as error:
            raise map_httpx_error(error, operation=call.operation, response=response) from error
        return result
    finally:
        response.close()


async def call_async(client: httpx.AsyncClient, call: Call) -> CallResult:
    token = call.strategy.acquire_initial_token()
    call.sleeps.append(token.delay)
    while True:
        context = AttemptContext(
            service=call.service,
            operation=call.operation,
            attempt=token.attempt,
            max_attempts=token.max_attempts,
            request=call.request(token),
        )
        call.interceptors.before_send(context)
        try:
            result = await _attempt_async(client, call, token)
        except (QsmithError, httpx.HTTPError) as raw:
            error = (
                raw
                if isinstance(raw, QsmithError)
                else map_httpx_error(raw, operation=call.operation)
            )
            call.interceptors.after_receive(
                context,
                AttemptOutcome(http_status=getattr(error, "http_status", None), error=error),
            )
            call.deadline.check(call.operation)
            token = call.next_token(token, error)
            continue
        call.interceptors.after_receive(context, AttemptOutcome(http_status=result.status))
        call.strategy.record_success(token)
        return result


async def _attempt_async(client: httpx.AsyncClient, call: Call, token: RetryToken) -> CallResult:
    response = await client.send(_to_httpx(client, call, token), stream=True)
    try:
        if response.status_code >= 300:
            raise _error_with_headers(call, response, await response.aread())
        if not call.streaming:
            return CallResult(response.status_code, body=await response.aread())
        decoder = EventDecoder()
        result = CallResult(response.status_code)
        chunks: AsyncIterator[bytes] = response.aiter_raw()
        try:
            async for chunk in aiter_with_deadlines(
                chunks,
                idle_timeout=call.config.idle_timeout,
                deadline=call.deadline,
                operation=call.operation,
            ):
                for event in decoder.feed(chunk):
                    token.mark_first_event_delivered()
                    call.delivered.append(event)
                    result.events.append(event)
        except httpx.HTTPError as error:
            raise map_httpx_error(error, operation=call.operation, response=response) from error
        return result
    finally:
        await response.aclose()

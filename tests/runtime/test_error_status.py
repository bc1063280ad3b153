"""Errors say what the HTTP layer really answered, and where they came from.

A bare 502/503/504 (no error code: a load balancer's page, an empty body) is
``ServiceUnavailableError``, retried as transient, on unary calls and when a stream
opens alike. An error carried by an event stream message reports the stream's real
HTTP status (200), not the status its class is modeled with, and says it came from an
event (``from_event``, ``event_type``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from qsmith.clients.codewhisperer import AsyncClient as UnaryAsyncClient
from qsmith.clients.codewhisperer import Client as UnaryClient
from qsmith.clients.codewhisperer_streaming import AsyncClient, Client
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.clients.codewhisperer_streaming.errors import (
    CodeWhispererStreamingError,
    InternalServerException,
)
from qsmith.clients.codewhisperer_streaming.models import (
    ChatMessageUserInputMessage,
    ConversationState,
    UserInputMessage,
)
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import ServiceError, ServiceUnavailableError
from qsmith.runtime.eventstream.errors import UnmodeledStreamError
from qsmith.runtime.eventstream.message import Message, encode_message
from qsmith.runtime.retry import StandardRetryStrategy
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body

OPERATION = streaming_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION
STATE = ConversationState(
    chat_trigger_type="MANUAL",
    current_message=ChatMessageUserInputMessage(UserInputMessage(content="hi")),
)


def _config() -> ClientConfig:
    strategy = StandardRetryStrategy(max_attempts=2, backoff_base=0.0, max_backoff=0.0)
    return ClientConfig(token="t", region="us-east-1", retry_strategy=strategy)


def _stream_sync(url: str) -> list[object]:
    with (
        Client(endpoint_url=url, config=_config()) as client,
        client.generate_assistant_response(conversation_state=STATE) as stream,
    ):
        return list(stream)


def _stream_async(url: str) -> list[object]:
    async def run() -> list[object]:
        async with AsyncClient(endpoint_url=url, config=_config()) as client:
            stream = await client.generate_assistant_response(conversation_state=STATE)
            async with stream:
                return [event async for event in stream]

    return asyncio.run(run())


def _unary_sync(url: str) -> object:
    with UnaryClient(endpoint_url=url, config=_config()) as client:
        return client.list_available_profiles()


def _unary_async(url: str) -> object:
    async def run() -> object:
        async with UnaryAsyncClient(endpoint_url=url, config=_config()) as client:
            return await client.list_available_profiles()

    return asyncio.run(run())


CALLS: dict[str, Callable[[str], Any]] = {
    "unary sync": _unary_sync,
    "unary async": _unary_async,
    "stream sync": _stream_sync,
    "stream async": _stream_async,
}
STREAMS: dict[str, Callable[[str], list[object]]] = {"sync": _stream_sync, "async": _stream_async}


def _gateway_page(status: int) -> ScriptedResponse:
    return ScriptedResponse(
        status=status,
        headers=[("Content-Type", "text/html")],
        body=b"<html><body>Service Unavailable</body></html>",
    )


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_bare_gateway_status_is_service_unavailable_and_retried(
    loopback: LoopbackServer, call: str, status: int
) -> None:
    loopback.enqueue(_gateway_page(status))
    loopback.enqueue(_gateway_page(status))
    with pytest.raises(ServiceUnavailableError) as caught:
        CALLS[call](loopback.url)
    error = caught.value
    assert isinstance(error, ServiceError)
    assert (error.http_status, error.fault, error.retryable) == (status, "server", True)
    assert error.code == f"HTTP{status}"
    assert len(loopback.requests) == 2  # retried like any transient failure


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_bare_500_stays_the_services_error(loopback: LoopbackServer, call: str) -> None:
    loopback.enqueue(_gateway_page(500))
    loopback.enqueue(_gateway_page(500))
    with pytest.raises(ServiceError) as caught:
        CALLS[call](loopback.url)
    assert not isinstance(caught.value, ServiceUnavailableError)
    assert caught.value.http_status == 500


def _stream_with(message: Message) -> ScriptedResponse:
    first = event_stream_body(OPERATION, [], initial={"conversationId": "c"})
    return ScriptedResponse(
        headers=[("Content-Type", "application/vnd.amazon.eventstream")],
        body=[*first, encode_message(message)],
    )


@pytest.mark.parametrize("mode", sorted(STREAMS))
def test_a_modeled_exception_event_reports_the_streams_real_status(
    loopback: LoopbackServer, mode: str
) -> None:
    message = Message(
        {
            ":message-type": "exception",
            ":exception-type": "error",
            ":content-type": "application/json",
        },
        b'{"message":"model broke"}',
    )
    for _ in range(2):
        loopback.enqueue(_stream_with(message))
    with pytest.raises(InternalServerException) as caught:
        STREAMS[mode](loopback.url)
    error = caught.value
    assert error.http_status == 200  # the answer's status, not the class's modeled 500
    assert error.from_event and error.event_type == "error"
    assert error.fault == "server"
    assert "event stream" in str(error) and "HTTP 200" in str(error)
    assert isinstance(error, CodeWhispererStreamingError)


@pytest.mark.parametrize("mode", sorted(STREAMS))
def test_an_unmodeled_error_event_reports_the_streams_real_status(
    loopback: LoopbackServer, mode: str
) -> None:
    message = Message(
        {":message-type": "error", ":error-code": "Boom", ":error-message": "went wrong"}, b""
    )
    loopback.enqueue(_stream_with(message))
    with pytest.raises(UnmodeledStreamError) as caught:
        STREAMS[mode](loopback.url)
    error = caught.value
    assert (error.http_status, error.code, error.event_type) == (200, "Boom", "Boom")
    assert error.from_event


def test_an_error_from_an_http_response_is_not_from_an_event() -> None:
    error = ServiceError("x", code="C", http_status=400)
    assert not error.from_event and error.event_type is None

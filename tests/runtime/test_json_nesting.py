"""Deeply nested JSON never escapes as ``RecursionError``: every path raises a qsmith error.

A few kilobytes of ``[`` nest deeper than Python's recursion limit. Unary bodies, error
bodies, event payloads, the ``initial-response`` event and exception events are read
through one parser that refuses anything nesting deeper than ``MAX_JSON_DEPTH``, and
names where it was reading. An error body that cannot be parsed still yields the error
its status means (a 500 is retried). Documents a caller builds too deep are refused
before anything is sent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from qsmith.clients.codewhisperer import AsyncClient as UnaryAsyncClient
from qsmith.clients.codewhisperer import Client as UnaryClient
from qsmith.clients.codewhisperer_streaming import AsyncClient, Client
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.clients.codewhisperer_streaming.models import (
    ChatMessageUserInputMessage,
    ConversationState,
    UserInputMessage,
)
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import ParamValidationError, ServiceError
from qsmith.runtime.eventstream.headers import HeaderValue
from qsmith.runtime.eventstream.message import Message, encode_message
from qsmith.runtime.retry import StandardRetryStrategy
from qsmith.runtime.serde import JsonNestingError, SerdeError
from qsmith.runtime.serde.json import MAX_JSON_DEPTH, JsonCodec, load_json_object
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body

OPERATION = streaming_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION
STATE = ConversationState(
    chat_trigger_type="MANUAL",
    current_message=ChatMessageUserInputMessage(UserInputMessage(content="hi")),
)
TOO_DEEP = 1000  # well past MAX_JSON_DEPTH, and past Python's default recursion limit


def nested(depth: int) -> bytes:
    """A JSON array ``depth`` levels deep."""
    return b"[" * depth + b"]" * depth


def deep_member(key: str, depth: int = TOO_DEEP) -> bytes:
    """A JSON object whose member ``key`` holds a too-deep array."""
    return b'{"' + key.encode() + b'":' + nested(depth) + b"}"


def frame(headers: dict[str, HeaderValue], payload: bytes) -> bytes:
    return encode_message(Message(headers, payload))


def event_frame(event_type: str, payload: bytes) -> bytes:
    return frame(
        {
            ":message-type": "event",
            ":event-type": event_type,
            ":content-type": "application/json",
        },
        payload,
    )


def _config(**extra: Any) -> ClientConfig:
    strategy = StandardRetryStrategy(max_attempts=2, backoff_base=0.0, max_backoff=0.0)
    return ClientConfig(token="t", region="us-east-1", retry_strategy=strategy, **extra)


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


STREAMS: dict[str, Callable[[str], list[object]]] = {"sync": _stream_sync, "async": _stream_async}
UNARY: dict[str, Callable[[str], object]] = {"sync": _unary_sync, "async": _unary_async}


def _stream_answer(chunks: list[bytes]) -> ScriptedResponse:
    return ScriptedResponse(
        headers=[("Content-Type", "application/vnd.amazon.eventstream")], body=chunks
    )


def _initial() -> bytes:
    return event_stream_body(OPERATION, [], initial={"conversationId": "c"})[0]


# ------------------------------------------------------------------ the parser


def test_the_limit_is_enforced_at_exactly_max_json_depth() -> None:
    assert load_json_object(b'{"a":' + nested(MAX_JSON_DEPTH - 1) + b"}", "body")
    with pytest.raises(JsonNestingError) as caught:
        load_json_object(b'{"a":' + nested(MAX_JSON_DEPTH) + b"}", "SomeOutput")
    assert caught.value.where == "SomeOutput"
    assert f"deeper than {MAX_JSON_DEPTH}" in str(caught.value)


def test_wide_but_shallow_bodies_pass_the_depth_check() -> None:
    wide = json.dumps({"a": [[1, 2]] * 5000, "b": [{"c": {}}] * 5000}).encode()
    assert len(load_json_object(wide, "body")["a"]) == 5000  # type: ignore[arg-type]


def test_nesting_past_the_interpreter_limit_is_a_serde_error_not_recursion_error() -> None:
    with pytest.raises(JsonNestingError):
        load_json_object(b'{"a":' + nested(100_000) + b"}", "body")


# ---------------------------------------------------------------- unary bodies


@pytest.mark.parametrize("mode", sorted(UNARY))
def test_a_too_deep_unary_body_is_a_serde_error_naming_the_operation(
    loopback: LoopbackServer, mode: str
) -> None:
    loopback.enqueue(ScriptedResponse.json(200, deep_member("profiles").decode()))
    with pytest.raises(JsonNestingError) as caught:
        UNARY[mode](loopback.url)
    assert "ListAvailableProfiles" in str(caught.value)
    assert len(loopback.requests) == 1


@pytest.mark.parametrize("mode", sorted(UNARY))
def test_a_too_deep_500_error_body_is_still_a_retried_server_error(
    loopback: LoopbackServer, mode: str
) -> None:
    for _ in range(2):
        loopback.enqueue(ScriptedResponse.json(500, deep_member("message").decode()))
    with pytest.raises(ServiceError) as caught:
        UNARY[mode](loopback.url)
    assert caught.value.http_status == 500 and caught.value.fault == "server"
    assert len(loopback.requests) == 2  # retried, like any 500


# ---------------------------------------------------------------- event streams


STREAM_CASES: dict[str, Callable[[], list[bytes]]] = {
    "event payload": lambda: [_initial(), event_frame("assistantResponseEvent", nested(TOO_DEEP))],
    "event member": lambda: [
        _initial(),
        event_frame("assistantResponseEvent", deep_member("content")),
    ],
    "initial-response": lambda: [event_frame("initial-response", deep_member("conversationId"))],
    "exception payload": lambda: [
        _initial(),
        frame(
            {
                ":message-type": "exception",
                ":exception-type": "error",
                ":content-type": "application/json",
            },
            deep_member("message"),
        ),
    ],
}


@pytest.mark.parametrize("mode", sorted(STREAMS))
@pytest.mark.parametrize("case", sorted(STREAM_CASES))
def test_a_too_deep_stream_payload_is_a_serde_error_naming_the_message(
    loopback: LoopbackServer, mode: str, case: str
) -> None:
    loopback.enqueue(_stream_answer(STREAM_CASES[case]()))
    with pytest.raises(JsonNestingError) as caught:
        STREAMS[mode](loopback.url)
    text = str(caught.value)
    assert "GenerateAssistantResponse" in text and "message #" in text


@pytest.mark.parametrize("mode", sorted(STREAMS))
def test_the_issue_reproducer_a_small_event_of_brackets(
    loopback: LoopbackServer, mode: str
) -> None:
    chunk = event_frame("assistantResponseEvent", b"[" * 1000)
    assert len(chunk) < 1200
    loopback.enqueue(_stream_answer([_initial(), chunk]))
    with pytest.raises(SerdeError):
        STREAMS[mode](loopback.url)


# --------------------------------------------------------------------- encoding


def _deep_document(depth: int) -> object:
    document: object = []
    for _ in range(depth):
        document = [document]
    return document


def test_encoding_a_document_deeper_than_the_limit_is_a_param_validation_error() -> None:
    codec = JsonCodec(use_json_name=True)
    assert codec.encode({"a": _deep_document(MAX_JSON_DEPTH - 3)})
    with pytest.raises(ParamValidationError, match=str(MAX_JSON_DEPTH)):
        codec.encode({"a": _deep_document(MAX_JSON_DEPTH)})
    with pytest.raises(ParamValidationError):
        codec.encode({"a": _deep_document(100_000)})


@pytest.mark.parametrize("mode", sorted(STREAMS))
def test_a_call_with_a_too_deep_document_fails_before_sending(
    loopback: LoopbackServer, mode: str
) -> None:
    deep: Any = _deep_document(5000)

    def call_sync() -> None:
        with Client(endpoint_url=loopback.url, config=_config()) as client:
            client.invoke_mcp(method="m", id="1", params=deep)

    async def call_async() -> None:
        async with AsyncClient(endpoint_url=loopback.url, config=_config()) as client:
            await client.invoke_mcp(method="m", id="1", params=deep)

    with pytest.raises(ParamValidationError):
        call_sync() if mode == "sync" else asyncio.run(call_async())
    assert loopback.requests == []


def test_nesting_errors_are_serde_errors() -> None:
    assert issubclass(JsonNestingError, SerdeError)

"""Stream readers over a real HTTP server on 127.0.0.1 (the loopback server)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import httpx
import pytest

from qsmith.runtime.errors import TransportError
from qsmith.runtime.eventstream import Message, TruncatedMessageError, encode_message
from qsmith.runtime.eventstream.readers import (
    AsyncEventStreamReader,
    ConnectionLostMidMessageError,
    EventStreamReader,
)
from qsmith.runtime.transport.errors import ConnectionDroppedError
from qsmith.testing import LoopbackServer, ScriptedResponse

MESSAGES = [
    Message({":message-type": "event", ":event-type": "chunk", "n": i}, f"token {i}".encode())
    for i in range(3)
]
STREAM = b"".join(encode_message(m) for m in MESSAGES)
FIRST = len(encode_message(MESSAGES[0]))
HEADERS = [("Content-Type", "application/vnd.amazon.eventstream")]


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackServer]:
    """One server for the module (stopping one takes half a second)."""
    with LoopbackServer() as server:
        yield server


def _dribble(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def _client() -> httpx.Client:
    # One connection and a short pool timeout: a leaked connection fails the next call.
    return httpx.Client(limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5, pool=1))


def _async_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5, pool=1)
    )


def _open(client: httpx.Client, server: LoopbackServer) -> EventStreamReader:
    return EventStreamReader(client.send(client.build_request("POST", server.url), stream=True))


def _still_usable(client: httpx.Client, server: LoopbackServer) -> None:
    server.enqueue(ScriptedResponse(body=b"ok"))
    assert client.get(server.url).content == b"ok"


def test_sync_reader_decodes_a_stream_dribbled_one_byte_at_a_time(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    with _client() as client:
        reader = _open(client, loopback)
        assert list(reader) == MESSAGES
        assert reader.response.is_closed
        _still_usable(client, loopback)


def test_sync_reader_raises_when_the_body_ends_mid_message(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM[: FIRST + 20])))
    with _client() as client:
        reader = _open(client, loopback)
        got = []
        with pytest.raises(TruncatedMessageError) as caught:
            for message in reader:
                got.append(message)
        assert got == MESSAGES[:1]
        assert caught.value.message_index == 1
        assert caught.value.offset == FIRST + 20
        assert reader.response.is_closed
        _still_usable(client, loopback)


def test_sync_reader_raises_when_the_connection_drops_mid_message(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(
        ScriptedResponse(headers=HEADERS, body=_dribble(STREAM), drop_after_chunks=FIRST + 5)
    )
    with _client() as client:
        reader = _open(client, loopback)
        got = []
        with pytest.raises(ConnectionLostMidMessageError) as caught:
            for message in reader:
                got.append(message)
        assert got == MESSAGES[:1]
        assert isinstance(caught.value, ConnectionDroppedError)
        assert caught.value.message_index == 1
        assert reader.response.is_closed


def test_sync_reader_reports_a_drop_between_messages_as_a_transport_error(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(
        ScriptedResponse(
            headers=HEADERS, body=[STREAM[:FIRST], STREAM[FIRST:]], drop_after_chunks=1
        )
    )
    with _client() as client:
        reader = _open(client, loopback)
        with pytest.raises(TransportError) as caught:
            list(reader)
        assert not isinstance(caught.value, TruncatedMessageError)
        assert "after 1 message(s)" in str(caught.value)


def test_sync_reader_raises_the_transport_layers_own_error_naming_the_call(
    loopback: LoopbackServer,
) -> None:
    # Translated once, here: the client's stream wrapper no longer re-maps it.
    loopback.enqueue(
        ScriptedResponse(
            headers=HEADERS, body=[STREAM[:FIRST], STREAM[FIRST:]], drop_after_chunks=1
        )
    )
    with _client() as client:
        response = client.send(client.build_request("POST", loopback.url), stream=True)
        reader = EventStreamReader(response, operation="GenerateAssistantResponse")
        with pytest.raises(ConnectionDroppedError) as caught:
            list(reader)
        assert caught.value.operation == "GenerateAssistantResponse"
        assert caught.value.response is response
        assert isinstance(caught.value.__cause__, httpx.TransportError)


def test_sync_reader_closes_the_response_on_break(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM), chunk_delay=0.001))
    with _client() as client:
        reader = _open(client, loopback)
        for _message in reader:
            break
        assert reader.response.is_closed
        _still_usable(client, loopback)


def test_sync_reader_closes_the_response_when_the_consumer_raises(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    with _client() as client:
        reader = _open(client, loopback)
        with pytest.raises(LookupError):
            for _message in reader:
                raise LookupError("consumer failed")
        assert reader.response.is_closed
        _still_usable(client, loopback)


def test_sync_reader_closes_the_response_when_garbage_collected(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    with _client() as client:
        reader = _open(client, loopback)
        response = reader.response
        messages = iter(reader)
        next(messages)
        del messages, reader
        gc.collect()
        assert response.is_closed
        _still_usable(client, loopback)


def test_sync_reader_reads_once(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=STREAM))
    with _client() as client, _open(client, loopback) as reader:
        assert list(reader) == MESSAGES
        with pytest.raises(Exception, match="only once"):
            iter(reader)


async def _aopen(client: httpx.AsyncClient, server: LoopbackServer) -> AsyncEventStreamReader:
    request = client.build_request("POST", server.url)
    return AsyncEventStreamReader(await client.send(request, stream=True))


async def _astill_usable(client: httpx.AsyncClient, server: LoopbackServer) -> None:
    server.enqueue(ScriptedResponse(body=b"ok"))
    assert (await client.get(server.url)).content == b"ok"


async def test_async_reader_decodes_a_stream_dribbled_one_byte_at_a_time(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        assert [m async for m in reader] == MESSAGES
        assert reader.response.is_closed
        await _astill_usable(client, loopback)


async def test_async_reader_raises_when_the_body_ends_mid_message(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM[: FIRST + 20])))
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        got = []
        with pytest.raises(TruncatedMessageError) as caught:
            async for message in reader:
                got.append(message)
        assert got == MESSAGES[:1]
        assert caught.value.message_index == 1
        assert reader.response.is_closed


async def test_async_reader_raises_when_the_connection_drops_mid_message(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(
        ScriptedResponse(headers=HEADERS, body=_dribble(STREAM), drop_after_chunks=FIRST + 5)
    )
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        with pytest.raises(ConnectionLostMidMessageError):
            async for _message in reader:
                pass
        assert reader.response.is_closed


async def test_async_reader_closes_the_response_on_break(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM), chunk_delay=0.001))
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        async for _message in reader:
            break
        # asyncio finalizes the dropped async generator on the next loop turns.
        for _ in range(500):  # up to 5 s: loop turns, not a speed claim
            if reader.response.is_closed:
                break
            await asyncio.sleep(0.01)
        assert reader.response.is_closed
        await _astill_usable(client, loopback)


async def test_async_reader_closes_at_once_with_async_with(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM), chunk_delay=0.001))
    async with _async_client() as client:
        async with await _aopen(client, loopback) as reader:
            async for _message in reader:
                break
        assert reader.response.is_closed
        await _astill_usable(client, loopback)


async def test_async_reader_closes_the_response_when_the_consumer_raises(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        with pytest.raises(LookupError):
            async for _message in reader:
                raise LookupError("consumer failed")
        for _ in range(500):  # up to 5 s: loop turns, not a speed claim
            if reader.response.is_closed:
                break
            await asyncio.sleep(0.01)
        assert reader.response.is_closed
        await _astill_usable(client, loopback)


async def test_async_reader_dropped_unread_closes_when_collected(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    async with _async_client() as client:
        reader = await _aopen(client, loopback)
        response = reader.response
        del reader
        gc.collect()
        for _ in range(500):  # up to 5 s: loop turns, not a speed claim
            if response.is_closed:
                break
            await asyncio.sleep(0.01)
        assert response.is_closed
        await _astill_usable(client, loopback)


def test_sync_reader_dropped_unread_closes_the_response(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=_dribble(STREAM)))
    with _client() as client:
        reader = _open(client, loopback)
        response = reader.response
        del reader
        gc.collect()
        assert response.is_closed
        _still_usable(client, loopback)


def test_readers_decode_a_content_encoded_stream(loopback: LoopbackServer) -> None:
    # Readers take the transport's chunks directly, except from a content-encoded body,
    # whose bytes only ``iter_bytes`` decodes.
    import gzip

    encoded = [*HEADERS, ("Content-Encoding", "gzip")]
    loopback.enqueue(ScriptedResponse(headers=encoded, body=gzip.compress(STREAM)))
    with _client() as client:
        assert list(_open(client, loopback)) == MESSAGES
        _still_usable(client, loopback)

    async def read_async() -> list[Message]:
        loopback.enqueue(ScriptedResponse(headers=encoded, body=gzip.compress(STREAM)))
        async with _async_client() as client:
            response = await client.send(client.build_request("POST", loopback.url), stream=True)
            return [message async for message in AsyncEventStreamReader(response)]

    assert asyncio.run(read_async()) == MESSAGES


def test_readers_mark_the_response_read(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(headers=HEADERS, body=STREAM))
    with _client() as client:
        reader = _open(client, loopback)
        assert list(reader) == MESSAGES
        assert reader.response.is_stream_consumed
        with pytest.raises(httpx.StreamConsumed):
            reader.response.read()

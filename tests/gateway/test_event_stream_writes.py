"""How ``EventStreamResponse`` writes frames: together when they are at hand, never held.

The response is driven as ASGI directly, recording each message it sends, so what is
checked is the writes a server would make.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed: pip install 'qsmith[gateway]'"
)

from starlette.types import Message

from qsmith.gateway.sse import BUFFERED, KeepaliveStream
from qsmith.gateway.streaming import HELD_BYTES, EventStreamResponse

SCOPE = {"type": "http", "method": "POST", "path": "/v1/chat/completions"}


async def _never_disconnects() -> Message:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def _writes(response: EventStreamResponse) -> list[bytes]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await response(SCOPE, _never_disconnects, send)
    assert sent[0]["type"] == "http.response.start"
    assert sent[-1]["more_body"] is False
    return [m["body"] for m in sent[1:]]


async def test_frames_at_hand_go_out_in_one_write() -> None:
    queued = [b"data: 1\n\n", b"data: 2\n\n", b"data: 3\n\n"]

    async def frames() -> AsyncIterator[bytes]:
        while queued:
            yield queued.pop(0)

    async def at_hand() -> bool:
        return bool(queued)

    writes = await _writes(EventStreamResponse(frames(), at_hand=at_hand))
    assert b"".join(writes) == b"data: 1\n\ndata: 2\n\ndata: 3\n\n"
    assert writes[0] == b"data: 1\n\ndata: 2\n\ndata: 3\n\n"


async def test_a_frame_is_written_before_the_next_one_is_waited_for() -> None:
    written: list[bytes] = []
    arrived = asyncio.Event()

    async def frames() -> AsyncIterator[bytes]:
        yield b"data: early\n\n"
        await arrived.wait()
        yield b"data: late\n\n"

    async def send(message: Message) -> None:
        if message.get("body"):
            written.append(message["body"])

    async def at_hand() -> bool:
        await asyncio.sleep(0)  # the other tasks get their turn, as KeepaliveStream gives
        return arrived.is_set()

    response = EventStreamResponse(frames(), at_hand=at_hand)
    serving = asyncio.create_task(response(SCOPE, _never_disconnects, send))
    for _ in range(20):  # a few event-loop turns, no timing
        await asyncio.sleep(0)
    assert written == [b"data: early\n\n"]
    arrived.set()
    await serving
    assert written == [b"data: early\n\n", b"data: late\n\n"]


async def test_a_long_burst_is_written_in_bounded_pieces() -> None:
    frame = b"data: " + b"x" * 1000 + b"\n\n"
    count = 3 * HELD_BYTES // len(frame)

    async def frames() -> AsyncIterator[bytes]:
        for _ in range(count):
            yield frame

    async def at_hand() -> bool:
        return True

    writes = await _writes(EventStreamResponse(frames(), at_hand=at_hand))
    assert b"".join(writes) == frame * count
    assert len(writes) >= 3
    assert all(len(w) < HELD_BYTES + len(frame) for w in writes)


async def test_without_an_at_hand_hint_each_frame_is_its_own_write() -> None:
    async def frames() -> AsyncIterator[bytes]:
        yield b"data: 1\n\n"
        yield b"data: 2\n\n"

    writes = await _writes(EventStreamResponse(frames()))
    assert writes == [b"data: 1\n\n", b"data: 2\n\n", b""]


async def test_keepalive_stream_says_what_is_at_hand_without_waiting_for_its_source() -> None:
    release = asyncio.Event()

    async def source() -> AsyncIterator[str]:
        yield "a"
        yield "b"  # already there: handed over within the reader's turns
        await release.wait()
        yield "c"

    stream = KeepaliveStream(source(), interval=60)
    assert await anext(stream) == "a"
    assert await stream.at_hand()
    assert await anext(stream) == "b"
    assert not await stream.at_hand()  # "c" needs the source to wait: not at hand
    release.set()
    assert await anext(stream) == "c"
    await stream.aclose()


async def test_the_reader_stays_a_bounded_number_of_items_ahead_of_a_slow_consumer() -> None:
    pulled = 0

    async def source() -> AsyncIterator[int]:
        nonlocal pulled
        for i in range(10 * BUFFERED):
            pulled += 1
            yield i

    stream = KeepaliveStream(source(), interval=60)
    assert await anext(stream) == 0
    for _ in range(20):  # the reader gets every chance to run ahead
        await asyncio.sleep(0)
    assert pulled <= BUFFERED + 2
    assert [item async for item in stream] == list(range(1, 10 * BUFFERED))

"""Idle and whole-call deadlines around the chunks of a stream, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from qsmith.runtime.transport import (
    CallTimeoutError,
    Deadline,
    IdleTimeoutError,
    TransportConfig,
    aiter_with_deadlines,
    build_async_client,
    iter_with_deadlines,
)
from qsmith.testing import FakeService, event_stream_response
from tests.runtime.resilience.events import encode_event


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def gaps(clock: FakeClock, seconds: list[float]) -> Iterator[bytes]:
    for index, gap in enumerate(seconds):
        clock.now += gap
        yield b"%d" % index


def test_items_within_limits_pass_through() -> None:
    clock = FakeClock()
    deadline = Deadline(10.0, clock=clock)
    items = iter_with_deadlines(gaps(clock, [1, 1, 1]), idle_timeout=2.0, deadline=deadline)
    assert list(items) == [b"0", b"1", b"2"]
    assert deadline.remaining() == pytest.approx(7.0)


def test_a_chunk_that_arrives_is_never_idle() -> None:
    # Idle is the silence of one read (its timeout is the idle timeout), not the time
    # from one chunk to the next: the caller may spend as long as it likes between them.
    clock = FakeClock()
    items = iter_with_deadlines(
        gaps(clock, [1, 3]), idle_timeout=2.0, deadline=Deadline(None, clock=clock), operation="Op"
    )
    assert list(items) == [b"0", b"1"]


def test_the_whole_call_deadline_ends_a_steady_stream() -> None:
    clock = FakeClock()
    deadline = Deadline(2.5, clock=clock)
    items = iter_with_deadlines(gaps(clock, [1, 1, 1, 1]), idle_timeout=5.0, deadline=deadline)
    assert [next(items), next(items)] == [b"0", b"1"]
    with pytest.raises(CallTimeoutError):
        next(items)


def stalled(clock: FakeClock | None = None, wait: float = 0.0) -> Iterator[bytes]:
    yield b"a"
    if clock is not None:
        clock.now += wait
    raise httpx.ReadTimeout("timed out")


def test_a_read_timeout_inside_the_iterator_is_an_idle_timeout() -> None:
    items = iter_with_deadlines(stalled(), idle_timeout=1.0, operation="Op")
    assert next(items) == b"a"
    with pytest.raises(
        IdleTimeoutError, match="Op request: the stream was idle too long after 1 s"
    ):
        next(items)


def test_a_read_timeout_at_the_deadline_is_the_calls_timeout() -> None:
    # The read waited what remained of the deadline (less than the idle timeout).
    clock = FakeClock()
    deadline = Deadline(0.5, clock=clock)
    items = iter_with_deadlines(stalled(clock, 0.5), idle_timeout=1.0, deadline=deadline)
    assert next(items) == b"a"
    with pytest.raises(CallTimeoutError):
        next(items)


def test_the_deadline_is_current_only_while_a_chunk_is_read() -> None:
    from qsmith.runtime.transport.deadlines import current_deadline

    deadline = Deadline(30.0)
    seen: list[object] = []

    def chunks() -> Iterator[bytes]:
        seen.append(current_deadline.get())
        yield b"a"
        seen.append(current_deadline.get())

    for _chunk in iter_with_deadlines(chunks(), idle_timeout=1.0, deadline=deadline):
        seen.append(current_deadline.get())
    assert seen == [deadline, None, deadline]


async def slow(delays: list[float]) -> AsyncIterator[bytes]:
    for index, delay in enumerate(delays):
        await asyncio.sleep(delay)
        yield b"%d" % index


async def test_async_idle_timeout_cancels_the_wait() -> None:
    items = aiter_with_deadlines(slow([0.0, 5.0]), idle_timeout=0.05)
    assert await anext(items) == b"0"
    with pytest.raises(IdleTimeoutError):
        await anext(items)


async def test_async_call_deadline_cancels_the_wait() -> None:
    # The first item is ready at once and the rest would take 10 s: generous on both
    # sides of the 1 s deadline, so a loaded machine cannot change the outcome.
    items = aiter_with_deadlines(
        slow([0.0] + [0.05] * 200), idle_timeout=5.0, deadline=Deadline(1.0)
    )
    received = []
    with pytest.raises(CallTimeoutError):
        async for item in items:
            received.append(item)
    assert 1 <= len(received) < 201


async def test_async_call_deadline_over_a_real_stream() -> None:
    messages = [encode_event("chunk", b"x") for _ in range(40)]
    with FakeService("awsJson1_0") as fake:
        fake.set_default("Stream", event_stream_response(messages, chunk_delay=0.02))
        config = TransportConfig(trust_env=False, idle_timeout=1.0)
        async with build_async_client(config) as client:
            request = client.build_request(
                "POST", fake.url, headers={"X-Amz-Target": "S.Stream"}, content=b"{}"
            )
            response = await client.send(request, stream=True)
            try:
                with pytest.raises(CallTimeoutError):
                    async for _chunk in aiter_with_deadlines(
                        response.aiter_raw(), idle_timeout=1.0, deadline=Deadline(0.15)
                    ):
                        pass
            finally:
                await response.aclose()


async def test_async_idle_counts_the_wait_for_a_chunk_not_the_consumers_work() -> None:
    items = aiter_with_deadlines(slow([0.0, 0.0, 0.0]), idle_timeout=0.5)
    received = []
    async for item in items:
        received.append(item)
        await asyncio.sleep(0.6)  # longer than the idle timeout, between waits
    assert received == [b"0", b"1", b"2"]


async def test_a_consumer_cancelled_again_and_again_lets_the_source_finish_closing() -> None:
    # As an anyio task group does when a gateway client hangs up: the consumer's task is
    # cancelled repeatedly. The source is read in the pump task, cancelled once, so its
    # cleanup (several awaits, as httpcore's is) runs to the end.
    closed = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        try:
            yield b"0"
            await asyncio.sleep(30)
            yield b"never"
        finally:
            for _ in range(5):
                await asyncio.sleep(0)
            closed.set()

    async def consume() -> None:
        items = aiter_with_deadlines(source(), idle_timeout=None)
        assert await anext(items) == b"0"
        await anext(items)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    for _ in range(5):
        task.cancel()
        await asyncio.sleep(0)
    await asyncio.wait([task])
    await asyncio.wait_for(closed.wait(), timeout=5)
    assert task.cancelled()


async def test_async_idle_never_counts_the_consumers_time_while_the_pump_reads_ahead() -> None:
    # The server is silent for longer than the idle timeout (1.0 s before each chunk,
    # idle 0.5 s) only while the consumer is busy with the previous chunk (1.2 s, then
    # 2.2 s): the consumer never waits through that silence, so it is not idle. The pump
    # reads ahead meanwhile; with httpx's read timeout still on its reads (the idle
    # timeout), the read for the second chunk would time out.
    from qsmith.runtime.eventstream.readers import aiter_body_chunks
    from qsmith.runtime.transport.deadlines import lift_read_timeout

    messages = [encode_event("chunk", b"x") for _ in range(2)]
    with FakeService("awsJson1_0") as fake:
        fake.set_default("Stream", event_stream_response(messages, chunk_delay=1.0))
        config = TransportConfig(trust_env=False, idle_timeout=0.5)
        async with build_async_client(config) as client:
            request = client.build_request(
                "POST",
                fake.url,
                headers={"X-Amz-Target": "S.Stream"},
                content=b"{}",
                timeout=config.timeout(streaming=True),  # reads time out after 0.5 s
            )
            response = await client.send(request, stream=True)
            lift_read_timeout(response)
            items = aiter_with_deadlines(aiter_body_chunks(response), idle_timeout=0.5)
            received = []
            try:
                await asyncio.sleep(1.2)
                async for chunk in items:
                    received.append(chunk)
                    await asyncio.sleep(2.2)
            finally:
                await items.aclose()
                await response.aclose()
    assert received == messages


async def test_async_a_chunk_read_ahead_is_refused_after_the_deadline() -> None:
    items = aiter_with_deadlines(slow([0.0] * 5), idle_timeout=None, deadline=Deadline(0.2))
    assert await anext(items) == b"0"
    await asyncio.sleep(0.4)  # the other chunks wait in the buffer meanwhile
    with pytest.raises(CallTimeoutError):
        await anext(items)


async def test_async_the_pump_reads_a_bounded_number_of_chunks_ahead() -> None:
    from qsmith.runtime.transport.deadlines import PumpedChunks

    produced = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal produced
        while True:
            produced += 1
            yield b"x"
            await asyncio.sleep(0)

    items = aiter_with_deadlines(endless(), idle_timeout=None)
    try:
        await anext(items)
        for _ in range(4 * PumpedChunks.READ_AHEAD):  # turns enough to fill it many times
            await asyncio.sleep(0)
        assert PumpedChunks.READ_AHEAD <= produced <= PumpedChunks.READ_AHEAD + 2
    finally:
        await items.aclose()

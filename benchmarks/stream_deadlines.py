"""Cost of the idle and deadline limits per chunk of a stream, sync and async.

Issue 16 moved both limits from decoded messages to the body's chunks. Each run passes
the same in-memory chunks through:

  async  baseline: ``asyncio.wait_for(anext(chunks), min(idle, remaining))`` per chunk
                   (the previous implementation's wait, reproduced here)
         qsmith:   ``aiter_with_deadlines`` (deadline set, idle 60 s)
  sync   baseline: the previous per-message check (a clock read, the deadline check and
                   the idle gap per item), reproduced here
         qsmith:   ``iter_with_deadlines`` (deadline set: the context variable per chunk)

Printed: chunks per second for each and the ratio baseline time / qsmith time (above 1:
qsmith is faster; async reads in one pump task per stream, not a ``wait_for`` per chunk).
No network: this is the per-chunk overhead only.

Run: .venv/bin/python benchmarks/stream_deadlines.py [chunks]
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator

from qsmith.runtime.transport import Deadline, aiter_with_deadlines, iter_with_deadlines

IDLE = 60.0


def chunks(count: int) -> Iterator[bytes]:
    chunk = b"x" * 128
    for _ in range(count):
        yield chunk


async def achunks(count: int) -> AsyncIterator[bytes]:
    chunk = b"x" * 128
    for _ in range(count):
        yield chunk


async def wait_for_each(items: AsyncIterator[bytes], deadline: Deadline) -> AsyncIterator[bytes]:
    while True:
        remaining = deadline.remaining()
        wait = IDLE if remaining is None else min(IDLE, remaining)
        try:
            item = await asyncio.wait_for(anext(items), timeout=wait)
        except StopAsyncIteration:
            return
        yield item


def checked_each(items: Iterator[bytes], deadline: Deadline) -> Iterator[bytes]:
    last = time.monotonic()
    for item in items:
        now = time.monotonic()
        deadline.check()
        if now - last > IDLE:
            raise TimeoutError
        last = now
        yield item


async def drain(items: AsyncIterator[bytes]) -> float:
    started = time.perf_counter()
    async for _item in items:
        pass
    return time.perf_counter() - started


def drain_sync(items: Iterator[bytes]) -> float:
    started = time.perf_counter()
    for _item in items:
        pass
    return time.perf_counter() - started


def best_of(runs: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(runs))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    deadline = Deadline(3600.0)

    def async_baseline() -> float:
        return asyncio.run(drain(wait_for_each(achunks(count), deadline)))

    def async_qsmith() -> float:
        return asyncio.run(
            drain(aiter_with_deadlines(achunks(count), idle_timeout=IDLE, deadline=deadline))
        )

    def sync_baseline() -> float:
        return drain_sync(checked_each(chunks(count), deadline))

    def sync_qsmith() -> float:
        return drain_sync(iter_with_deadlines(chunks(count), idle_timeout=IDLE, deadline=deadline))

    for name, baseline, ours in (
        ("async (baseline: wait_for per chunk)", async_baseline, async_qsmith),
        ("sync (baseline: checks per message)", sync_baseline, sync_qsmith),
    ):
        base, mine = best_of(3, baseline), best_of(3, ours)
        print(
            f"{name}: baseline {count / base:,.0f} chunks/s, qsmith {count / mine:,.0f} chunks/s,"
            f" ratio {base / mine:.2f}"
        )


if __name__ == "__main__":
    main()

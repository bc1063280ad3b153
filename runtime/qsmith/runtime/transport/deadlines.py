"""Whole-call deadlines and idle timeouts around a stream of chunks or events.

The async helper is exact: each wait for the next item is bounded by
``min(idle, remaining)``. A blocking sync iterator cannot be interrupted, so the sync
helper relies on the stream's read timeout being the idle timeout
(``TransportConfig.timeout(streaming=True, remaining=...)``) to break a silent wait,
and checks both limits again each time an item arrives.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

from qsmith.runtime.transport.errors import CallTimeoutError, IdleTimeoutError

# The iterators wrap a stream httpx is already reading, so httpx (and asyncio, for the
# async one) is loaded by then; importing them there keeps ``Deadline``, which every
# client imports, free of both (see docs/design/lazy-imports.md).

__all__ = ["Deadline", "aiter_with_deadlines", "iter_with_deadlines"]

T = TypeVar("T")


class Deadline:
    """A point in time a call must finish by; ``seconds`` None means never."""

    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self._end = None if seconds is None else clock() + seconds

    def remaining(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - self.clock())

    @property
    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0.0

    def check(self, operation: str | None = None) -> None:
        """Raise CallTimeoutError when the deadline has passed."""
        if self.expired:
            raise CallTimeoutError(operation=operation, seconds=self.seconds)


def iter_with_deadlines(
    items: Iterator[T],
    *,
    idle_timeout: float | None,
    deadline: Deadline | None = None,
    operation: str | None = None,
) -> Iterator[T]:
    """Yield ``items``, raising IdleTimeoutError / CallTimeoutError when a limit is passed."""
    import httpx

    clock = deadline.clock if deadline is not None else time.monotonic
    last = clock()
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except httpx.ReadTimeout as error:
            if deadline is not None and deadline.expired:
                raise CallTimeoutError(operation=operation, seconds=deadline.seconds) from error
            raise IdleTimeoutError(operation=operation, seconds=idle_timeout) from error
        now = clock()
        if deadline is not None:
            deadline.check(operation)
        if idle_timeout is not None and now - last > idle_timeout:
            raise IdleTimeoutError(operation=operation, seconds=idle_timeout)
        last = now
        yield item


async def aiter_with_deadlines(
    items: AsyncIterator[T],
    *,
    idle_timeout: float | None,
    deadline: Deadline | None = None,
    operation: str | None = None,
) -> AsyncIterator[T]:
    """Async ``iter_with_deadlines``: each wait is cancelled at the nearer limit."""
    import asyncio

    import httpx

    while True:
        remaining = deadline.remaining() if deadline is not None else None
        limits = [t for t in (idle_timeout, remaining) if t is not None]
        wait = min(limits) if limits else None
        try:
            item = await asyncio.wait_for(anext(items), timeout=wait)
        except StopAsyncIteration:
            return
        except (TimeoutError, httpx.ReadTimeout) as error:
            if deadline is not None and deadline.expired:
                raise CallTimeoutError(operation=operation, seconds=deadline.seconds) from error
            raise IdleTimeoutError(operation=operation, seconds=idle_timeout) from error
        yield item

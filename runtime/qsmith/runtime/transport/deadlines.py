"""Whole-call deadlines and idle timeouts around the chunks of a streamed body.

Both limits are enforced per chunk of the HTTP body, never per decoded message, so a
message that arrives a byte at a time is not idle as long as its bytes keep coming.
The async helper bounds each wait for the next chunk by ``min(idle, remaining)`` with
``asyncio.wait_for``. A blocking read cannot be
interrupted, so the sync helper relies on the read timeout: a streaming request's read
timeout is the idle timeout (``TransportConfig.timeout(streaming=True)``), and while it
waits for a chunk the call's deadline is current, so reads wrapped by
``read_deadline.cap_reads`` also end when the deadline does. Both check the deadline
again each time a chunk arrives.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from qsmith.runtime.errors import TransportError
from qsmith.runtime.transport.errors import CallTimeoutError, IdleTimeoutError, map_httpx_error

# The iterators wrap a stream httpx is already reading, so httpx (and asyncio, for the
# async one) is loaded by then; importing them there keeps ``Deadline``, which every
# client imports, free of both (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import httpx

__all__ = [
    "Deadline",
    "aiter_with_deadlines",
    "current_deadline",
    "iter_with_deadlines",
    "map_deadline_error",
]

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


# The deadline that wrapped socket reads of the running call end at (``read_deadline``).
current_deadline: ContextVar[Deadline | None] = ContextVar("qsmith_read_deadline", default=None)


def map_deadline_error(
    error: Exception,
    deadline: Deadline,
    *,
    operation: str | None = None,
    response: httpx.Response | None = None,
) -> TransportError:
    """``map_httpx_error``, except that a timeout at an expired deadline is the call's."""
    import httpx

    if isinstance(error, httpx.TimeoutException) and deadline.expired:
        return CallTimeoutError(operation=operation, seconds=deadline.seconds, response=response)
    return map_httpx_error(error, operation=operation, response=response)


def _timeout_error(
    deadline: Deadline | None,
    by_deadline: bool,
    idle_timeout: float | None,
    operation: str | None,
) -> TransportError:
    if deadline is not None and (by_deadline or deadline.expired):
        return CallTimeoutError(operation=operation, seconds=deadline.seconds)
    return IdleTimeoutError(operation=operation, seconds=idle_timeout)


def _deadline_bound(remaining: float | None, idle_timeout: float | None) -> bool:
    """Whether the wait for the next chunk ends at the deadline rather than the idle limit."""
    return remaining is not None and (idle_timeout is None or remaining <= idle_timeout)


def iter_with_deadlines(
    chunks: Iterator[T],
    *,
    idle_timeout: float | None,
    deadline: Deadline | None = None,
    operation: str | None = None,
) -> Iterator[T]:
    """Yield ``chunks``; a read timeout is an IdleTimeoutError, or at the deadline a
    CallTimeoutError, which is also raised when a chunk arrives after the deadline."""
    import httpx

    call = deadline if deadline is not None and deadline.seconds is not None else None
    remaining = call.remaining() if call is not None else None
    while True:
        token = current_deadline.set(call)
        try:
            item = next(chunks)
        except StopIteration:
            return
        except httpx.ReadTimeout as error:
            by_deadline = _deadline_bound(remaining, idle_timeout)
            raise _timeout_error(call, by_deadline, idle_timeout, operation) from error
        finally:
            current_deadline.reset(token)
        if call is not None:
            # One clock read per chunk: it checks this chunk and bounds the next wait.
            remaining = call.remaining()
            if remaining is not None and remaining <= 0.0:
                raise CallTimeoutError(operation=operation, seconds=call.seconds)
        yield item


async def aiter_with_deadlines(
    chunks: AsyncIterator[T],
    *,
    idle_timeout: float | None,
    deadline: Deadline | None = None,
    operation: str | None = None,
) -> AsyncIterator[T]:
    """Async ``iter_with_deadlines``: each wait is cut at the nearer limit."""
    import asyncio

    import httpx

    while True:
        remaining = deadline.remaining() if deadline is not None else None
        by_deadline = _deadline_bound(remaining, idle_timeout)
        try:
            # wait_for, not asyncio.timeout: on Python 3.11 it reads in a task of its own,
            # where httpx's cleanup after a cancellation is not cut short by further
            # cancellations of the caller's task (the gateway cancels its reader several
            # times when a client hangs up; the connection must still close).
            item = await asyncio.wait_for(anext(chunks), remaining if by_deadline else idle_timeout)
        except StopAsyncIteration:
            return
        except (TimeoutError, httpx.ReadTimeout) as error:
            raise _timeout_error(deadline, by_deadline, idle_timeout, operation) from error
        yield item

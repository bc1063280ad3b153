"""Whole-call deadlines and idle timeouts around the chunks of a streamed body.

Both limits are enforced per chunk of the HTTP body, never per decoded message, so a
message that arrives a byte at a time is not idle as long as its bytes keep coming.
The async helper reads the chunks ahead in a task of its own per stream and bounds each
wait of the consumer for the next chunk by ``min(idle, remaining)`` with one timer. A
blocking read cannot be
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
from typing import TYPE_CHECKING, Generic, TypeVar

from qsmith.runtime.errors import TransportError
from qsmith.runtime.transport.errors import CallTimeoutError, IdleTimeoutError, map_httpx_error

# The iterators wrap a stream httpx is already reading, so httpx (and asyncio, for the
# async one) is loaded by then; importing them there keeps ``Deadline``, which every
# client imports, free of both (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import asyncio

    import httpx

__all__ = [
    "Deadline",
    "PumpedChunks",
    "aiter_with_deadlines",
    "current_deadline",
    "iter_with_deadlines",
    "lift_read_timeout",
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
        # Without a deadline only an outer one needs hiding: no context change per chunk.
        token = current_deadline.set(call) if call is not None or current_deadline.get() else None
        try:
            item = next(chunks)
        except StopIteration:
            return
        except httpx.ReadTimeout as error:
            by_deadline = _deadline_bound(remaining, idle_timeout)
            raise _timeout_error(call, by_deadline, idle_timeout, operation) from error
        finally:
            if token is not None:
                current_deadline.reset(token)
        if call is not None:
            # One clock read per chunk: it checks this chunk and bounds the next wait.
            remaining = call.remaining()
            if remaining is not None and remaining <= 0.0:
                raise CallTimeoutError(operation=operation, seconds=call.seconds)
        yield item


def lift_read_timeout(response: httpx.Response) -> None:
    """Read ``response``'s body with no socket read timeout: for a body read ahead by
    ``PumpedChunks``, whose watchdog limits the consumer's waits instead.

    httpcore takes a body's read timeout from the request's ``timeout`` extension when
    the body is first read; replacing that entry before then lifts it for the body only
    (the status line and headers were read under it). Without the extension nothing
    changes (a timeout fires as ``IdleTimeoutError`` then, as before).
    """
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, dict) and timeouts.get("read") is not None:
        response.request.extensions["timeout"] = {**timeouts, "read": None}


def aiter_with_deadlines(
    chunks: AsyncIterator[T],
    *,
    idle_timeout: float | None,
    deadline: Deadline | None = None,
    operation: str | None = None,
) -> PumpedChunks[T]:
    """Async ``iter_with_deadlines``: ``chunks`` read by a task of their own (see
    ``PumpedChunks``), each wait cut at the nearer limit. Closing the source (the
    response) stays the caller's, after ``aclose``."""
    return PumpedChunks(chunks, idle_timeout=idle_timeout, deadline=deadline, operation=operation)


class PumpedChunks(Generic[T]):
    """The chunks of a streamed body, read ahead by one task per stream.

    ``wait_for`` per chunk made a task and a timer for every chunk; handing each chunk
    from a reading task to the consumer on request cost two event loop turns per chunk.
    Here one pump task per stream reads up to ``READ_AHEAD`` chunks ahead into a buffer
    (all that httpcore already holds arrive in one turn) and the consumer takes them
    without waiting; it waits only when the buffer is empty, and only those waits are
    limited: one watchdog timer per stream checks them against the idle timeout (from the
    start of the wait) and the deadline. So idle is the silence the consumer waits
    through, never the consumer's own time, whatever the pump read meanwhile (the client
    lifts httpx's read timeout from a stream's body reads: ``lift_read_timeout``). A
    chunk taken from the buffer after the deadline raises ``CallTimeoutError``.

    A consumer cancelled while waiting (an anyio task group cancels its task again and
    again until it leaves the scope) cancels the pump once, in ``aclose``: httpcore's
    cleanup runs in the pump, out of reach of the consumer's further cancellations, and
    the connection is closed. The pump never closes the source itself (the reader
    closes the response, from the consumer's task, after ``aclose``).
    """

    READ_AHEAD = 64

    def __init__(
        self,
        chunks: AsyncIterator[T],
        *,
        idle_timeout: float | None,
        deadline: Deadline | None,
        operation: str | None,
    ) -> None:
        import asyncio
        from collections import deque

        self._asyncio = asyncio
        self._loop: asyncio.AbstractEventLoop = None  # type: ignore[assignment]  # at first use
        self._source = chunks
        self._idle = idle_timeout
        self._deadline = deadline if deadline is not None and deadline.seconds is not None else None
        self._operation = operation
        self._buffer: deque[T] = deque()
        self._ended = False
        self._failure: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None  # the consumer, buffer empty
        self._resume: asyncio.Future[None] | None = None  # the pump, buffer full
        self._pump: asyncio.Task[None] | None = None
        self._stopping = False
        self._watchdog: asyncio.TimerHandle | None = None
        self._wait_started = 0.0

    def __aiter__(self) -> PumpedChunks[T]:
        return self

    async def __anext__(self) -> T:
        buffer = self._buffer
        while not buffer:
            if self._failure is not None:
                await self.aclose()
                raise self._failure
            if self._ended:
                raise StopAsyncIteration
            await self._wait()
        if self._deadline is not None and self._deadline.expired:
            self._failure = CallTimeoutError(
                operation=self._operation, seconds=self._deadline.seconds
            )
            await self.aclose()
            raise self._failure
        chunk = buffer.popleft()
        resume = self._resume
        # A parked pump resumes at half a buffer, not after each chunk taken.
        if resume is not None and len(buffer) <= self.READ_AHEAD // 2 and not resume.done():
            resume.set_result(None)
        return chunk

    async def _wait(self) -> None:
        """Wait until the pump buffers a chunk, ends or fails, or a limit passes."""
        if self._pump is None:
            self._loop = self._asyncio.get_running_loop()
            self._pump = self._loop.create_task(self._run())
        waiter = self._waiter = self._loop.create_future()
        self._wait_started = self._loop.time()
        if self._watchdog is None:
            self._arm()
        try:
            await waiter
        except BaseException:
            await self.aclose()
            raise
        finally:
            self._waiter = None

    def _limit(self) -> tuple[float | None, bool]:
        """Seconds the current wait may last, and whether the deadline sets them."""
        remaining = self._deadline.remaining() if self._deadline is not None else None
        by_deadline = _deadline_bound(remaining, self._idle)
        return (remaining if by_deadline else self._idle), by_deadline

    def _arm(self) -> None:
        when = self._expiry()
        if when is not None:
            self._watchdog = self._loop.call_at(when, self._check)

    def _expiry(self) -> float | None:
        """When the current wait fails (loop time), if nothing arrives before."""
        limit, by_deadline = self._limit()
        if limit is None:
            return None
        return self._loop.time() + limit if by_deadline else self._wait_started + limit

    def _check(self) -> None:
        """The watchdog: fail the current wait past a limit, or sleep until the next one."""
        self._watchdog = None
        waiter = self._waiter
        if waiter is None or waiter.done():
            return  # not waiting: the next wait arms the watchdog again
        when = self._expiry()
        if when is None:
            return
        if self._loop.time() < when:
            self._watchdog = self._loop.call_at(when, self._check)
            return
        _, by_deadline = self._limit()
        self._failure = _timeout_error(self._deadline, by_deadline, self._idle, self._operation)
        waiter.set_exception(self._failure)

    async def _run(self) -> None:
        import httpx

        source = self._source
        buffer = self._buffer
        try:
            while True:
                buffer.append(await anext(source))
                waiter = self._waiter
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
                while len(buffer) >= self.READ_AHEAD:
                    resume = self._resume = self._loop.create_future()
                    await resume
                    self._resume = None
        except StopAsyncIteration:
            self._end(None)
        except httpx.ReadTimeout as error:  # a read timeout the client did not lift
            _, by_deadline = self._limit()
            failure = _timeout_error(self._deadline, by_deadline, self._idle, self._operation)
            failure.__cause__ = error
            self._end(failure)
        except Exception as error:  # raised to the consumer after the chunks before it
            self._end(error)

    def _end(self, failure: BaseException | None) -> None:
        self._ended = True
        self._failure = self._failure or failure
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)  # the consumer finds the end or the failure

    async def aclose(self) -> None:
        """Stop the pump (once: a second cancellation could cut httpcore's cleanup short)
        and wait for it; if this task is cancelled meanwhile, the pump still finishes."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        pump = self._pump
        if pump is None or pump.done():
            return
        if not self._stopping:
            self._stopping = True
            pump.cancel()
        await self._asyncio.wait([pump])

"""Server-sent events: encoding, and keep-alive comments while the upstream is silent.

``with_keepalive`` interleaves ``KEEPALIVE`` markers into an async iterator whenever no
item arrived for ``interval`` seconds; the routes send them as SSE comment lines, which
every SSE client ignores but which keep proxies and idle timeouts from closing the
connection while a model thinks. Closing the wrapper closes the source, so a client
that hangs up cancels the upstream call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Final, Generic, TypeVar

__all__ = [
    "KEEPALIVE",
    "KEEPALIVE_COMMENT",
    "Keepalive",
    "KeepaliveStream",
    "encode_event",
    "with_keepalive",
]

T = TypeVar("T")

KEEPALIVE_COMMENT: Final = b": keep-alive\n\n"
# Items read ahead of a slow client; bounded so that one never buffers a whole answer.
BUFFERED = 64
# Seconds an abandoned source gets to end by itself before its task is cancelled.
ABANDON_GRACE = 2.0


class Keepalive:
    """The marker ``with_keepalive`` yields when the source stayed silent."""

    def __repr__(self) -> str:
        return "KEEPALIVE"


KEEPALIVE: Final = Keepalive()


def encode_event(data: object, *, event: str | None = None) -> bytes:
    """One SSE event: an optional ``event:`` line and one ``data:`` line of compact JSON."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def with_keepalive(
    source: AsyncIterator[T], interval: float, on_abandon: Callable[[], None] | None = None
) -> KeepaliveStream[T]:
    """The items of ``source``, with ``KEEPALIVE`` after each ``interval`` of silence."""
    return KeepaliveStream(source, interval, on_abandon)


class KeepaliveStream(Generic[T]):
    """The items of ``source``, with ``KEEPALIVE`` after each ``interval`` of silence.

    A reader task moves ``source`` into a bounded queue (so the source always runs in
    one task); a ticker task adds ``KEEPALIVE`` whenever nothing was queued for
    ``interval``. This side only waits on the queue, which keeps the cost per item at
    one queue hand-over, and lets ``ready`` say whether the next item is already there.
    ``aclose`` cancels both tasks and closes ``source``; when it is called before
    ``source`` ended, ``on_abandon`` runs first and the reader gets ``ABANDON_GRACE``
    seconds to end on its own (``qsmith.gateway.upstream_calls`` says why).
    """

    def __init__(
        self,
        source: AsyncIterator[T],
        interval: float,
        on_abandon: Callable[[], None] | None = None,
    ) -> None:
        self._channel = _Channel[T](interval)
        self._source = source
        self._on_abandon = on_abandon
        self._tasks: tuple[asyncio.Task[None], asyncio.Task[None]] | None = None
        self._closed = False

    def __aiter__(self) -> KeepaliveStream[T]:
        return self

    async def __anext__(self) -> T | Keepalive:
        if self._closed:
            raise StopAsyncIteration
        if self._tasks is None:  # started by the first read, in its context (see app.started)
            reader = asyncio.create_task(self._channel.read(self._source))
            self._tasks = (reader, asyncio.create_task(self._channel.tick()))
        item = await self._channel.queue.get()
        if item.error is not None:
            await self.aclose()
            raise item.error
        if item.done:
            await self.aclose()
            raise StopAsyncIteration
        return KEEPALIVE if item.keepalive else item.value  # type: ignore[return-value]

    def ready(self) -> bool:
        """Whether the next item (or the end) is already queued: taking it will not wait."""
        return not self._channel.queue.empty()

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._tasks is None:
            aclose = getattr(self._source, "aclose", None)
            if aclose is not None:
                await aclose()
            return
        reader, ticker = self._tasks
        if self._on_abandon is not None and not reader.done():
            self._on_abandon()
            self._channel.drain()
            await asyncio.wait({reader}, timeout=ABANDON_GRACE)
        for task in (ticker, reader):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class _Item(Generic[T]):
    __slots__ = ("done", "error", "keepalive", "value")

    def __init__(
        self,
        value: T | None = None,
        *,
        done: bool = False,
        error: BaseException | None = None,
        keepalive: bool = False,
    ) -> None:
        self.value = value
        self.done = done
        self.error = error
        self.keepalive = keepalive


class _Channel(Generic[T]):
    def __init__(self, interval: float) -> None:
        self.queue: asyncio.Queue[_Item[T]] = asyncio.Queue(maxsize=BUFFERED)
        self.interval = interval
        self.last_put = time.monotonic()
        self.draining = False

    def drain(self) -> None:
        """From now on items are dropped, and those queued too (which unblocks the reader)."""
        self.draining = True
        while not self.queue.empty():
            self.queue.get_nowait()

    async def put(self, item: _Item[T]) -> None:
        if self.draining:  # nobody reads any more: drop, so the reader never blocks
            return
        await self.queue.put(item)
        self.last_put = time.monotonic()

    async def read(self, source: AsyncIterator[T]) -> None:
        try:
            async for value in source:
                await self.put(_Item(value))
            await self.put(_Item(done=True))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # handed to the consumer, which raises it
            await self.put(_Item(error=error))
        finally:
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()

    async def tick(self) -> None:
        while True:
            silence = time.monotonic() - self.last_put
            if silence >= self.interval:
                await self.put(_Item(keepalive=True))
            else:
                await asyncio.sleep(self.interval - silence)

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
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from json.encoder import encode_basestring_ascii  # what json.dumps does for a str
from typing import Final, Generic, TypeVar

__all__ = [
    "KEEPALIVE",
    "KEEPALIVE_COMMENT",
    "SLOT",
    "FrameTemplate",
    "Keepalive",
    "KeepaliveStream",
    "encode_event",
    "with_keepalive",
]

T = TypeVar("T")

KEEPALIVE_COMMENT: Final = b": keep-alive\n\n"
# Items read ahead of a slow client; bounded so that one never buffers a whole answer.
BUFFERED = 64
# Event-loop turns the reader gets to queue an event its source already holds: one for the
# runtime's pump task to read it, one for the reader to decode and queue it.
READER_TURNS = 2
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


# Marks a hole in a FrameTemplate; the nonce keeps any client-given text from matching it.
SLOT: Final = f"\x00slot-{uuid.uuid4().hex}\x00"
_SLOT_JSON: Final = json.dumps(SLOT).encode()


class FrameTemplate:
    """An SSE event rendered once with ``SLOT`` in place of some values.

    ``fill`` gives the bytes ``encode_event`` would give with those values put back,
    at the cost of encoding only them: a stream's hundreds of deltas differ only in
    their text (and a counter or two), not in the envelope around it.
    """

    __slots__ = ("_parts",)

    def __init__(self, data: object, *, event: str | None = None) -> None:
        self._parts = encode_event(data, event=event).split(_SLOT_JSON)

    def fill(self, *values: str | int) -> bytes:
        parts = self._parts
        if len(values) != len(parts) - 1:
            raise ValueError(f"the template has {len(parts) - 1} slots, given {len(values)}")
        pieces = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            encoded = encode_basestring_ascii(value) if isinstance(value, str) else str(int(value))
            pieces += (encoded.encode(), part)
        return b"".join(pieces)


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
        item = await self._channel.get()
        if item is _DONE:
            await self.aclose()
            raise StopAsyncIteration
        if isinstance(item, _Failure):
            await self.aclose()
            raise item.error
        return item  # type: ignore[return-value]  # a value of the source, or KEEPALIVE

    def ready(self) -> bool:
        """Whether the next item (or the end) is already queued: taking it will not wait."""
        return bool(self._channel.items)

    async def at_hand(self) -> bool:
        """Whether the next item is queued now or within ``READER_TURNS`` turns of the event
        loop: the reader task, already runnable, gets those turns to hand over what its
        source has already received. The source itself is never waited for."""
        if self.ready():
            return True
        if self._tasks is None or self._closed:
            return False
        # One wake-up after the turns, not one per item queued meanwhile: under load the
        # items of many reads gather into one write.
        loop = asyncio.get_running_loop()
        turns_passed = loop.create_future()
        loop.call_soon(_after_turns, loop, turns_passed, READER_TURNS - 1)
        await turns_passed
        return self.ready()

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


def _after_turns(loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[None], turns: int) -> None:
    if waiter.done():
        return
    if turns > 0:
        loop.call_soon(_after_turns, loop, waiter, turns - 1)
    else:
        waiter.set_result(None)


class _Failure:
    """The source's exception, queued for the consumer to raise."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE: Final = object()  # queued when the source is exhausted


class _Channel(Generic[T]):
    """A bounded queue from the reader task to the consumer.

    A deque and two futures rather than ``asyncio.Queue``: one hand-over per upstream
    event is the gateway's hot path, and the consumer needs only ``get``, the reader only
    ``put``. Items are the source's values, ``KEEPALIVE``, a ``_Failure`` or ``_DONE``.
    """

    def __init__(self, interval: float) -> None:
        self.items: deque[object] = deque()
        self.interval = interval
        self.last_put = time.monotonic()
        self.draining = False
        self._getter: asyncio.Future[None] | None = None  # the consumer, for an item
        self._putter: asyncio.Future[None] | None = None  # the reader, for room

    def drain(self) -> None:
        """From now on items are dropped, and those queued too (which unblocks the reader)."""
        self.draining = True
        self.items.clear()
        _wake(self._putter)

    async def get(self) -> object:
        while not self.items:
            self._getter = asyncio.get_running_loop().create_future()
            try:
                await self._getter
            finally:
                self._getter = None
        _wake(self._putter)
        return self.items.popleft()

    async def put(self, item: object) -> None:
        while len(self.items) >= BUFFERED and not self.draining:
            self._putter = asyncio.get_running_loop().create_future()
            try:
                await self._putter
            finally:
                self._putter = None
        if self.draining:  # nobody reads any more: drop, so the reader never blocks
            return
        self.items.append(item)
        self.last_put = time.monotonic()
        _wake(self._getter)

    async def read(self, source: AsyncIterator[T]) -> None:
        try:
            async for value in source:
                await self.put(value)
            await self.put(_DONE)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # handed to the consumer, which raises it
            await self.put(_Failure(error))
        finally:
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()

    async def tick(self) -> None:
        while True:
            silence = time.monotonic() - self.last_put
            if silence >= self.interval:
                await self.put(KEEPALIVE)
            else:
                await asyncio.sleep(self.interval - silence)


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)

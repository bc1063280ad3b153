"""Streaming answers: the output's other members, then typed events as they arrive.

Both classes close the HTTP response when iteration ends, when the caller leaves the
``with`` block or breaks out of the loop and closes, and when they are garbage
collected, so an abandoned stream never holds a connection.

The shells read each stream up to its first event before handing it over
(``prefetch_first_event``), so a failure before that event is retried like any failed
attempt; from then on the stream belongs to the caller and is never retried.

Under awsJson the output's members come in the ``initial-response`` message, which
precedes the first event: ``output`` reads ahead only when nothing was read yet, and
whatever it read ahead (events, or an error after them) is kept and delivered by the
iteration in the order it arrived.

The idle timeout and the whole-call deadline wrap the body's chunks
(``iter_with_deadlines``), beneath the message decoder. Transport failures arrive here
already as the transport layer's errors (raised once, by the deadline helpers and the
readers); this module only attaches the response to them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from qsmith.runtime.client.core import attach_response
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.schema import OperationSchema
from qsmith.runtime.transport.deadlines import (
    Deadline,
    aiter_with_deadlines,
    iter_with_deadlines,
    lift_read_timeout,
)

# Every client imports this module, but only a streaming call needs the event stream
# codec, its readers and httpx: they are imported where a stream is opened or read
# (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import httpx

    from qsmith.runtime.client.core import ClientCore

__all__ = ["AsyncEventStreamResponse", "EventStreamResponse"]

O = TypeVar("O")  # noqa: E741 - the output structure
E = TypeVar("E")  # the event union


class _ReadAhead:
    """What was read before the caller iterated: events, then perhaps the error after them."""

    def __init__(self) -> None:
        self.started = False
        self.events: list[Any] = []
        self.error: QsmithError | None = None

    def drain(self) -> Iterator[Any]:
        """The events read ahead, in order; then the error that followed them, if any."""
        while self.events:
            yield self.events.pop(0)
        if self.error is not None:
            error, self.error = self.error, None
            raise error


class EventStreamResponse(Generic[O, E]):
    """Iterate the events of a streaming call; ``output`` holds the non-stream members."""

    def __init__(
        self,
        core: ClientCore,
        operation: OperationSchema,
        response: httpx.Response,
        *,
        idle_timeout: float | None,
        deadline: Deadline,
    ) -> None:
        from qsmith.runtime.client.events import StreamDecoding
        from qsmith.runtime.eventstream.readers import EventStreamReader, body_chunks

        self._decoding = StreamDecoding(core, operation, response.status_code, response.headers)
        chunks = iter_with_deadlines(
            body_chunks(response),
            idle_timeout=idle_timeout,
            deadline=deadline,
            operation=operation.name,
        )
        self._reader = EventStreamReader(response, chunks, operation=operation.name)
        self._messages = iter(self._reader)
        self._ahead = _ReadAhead()
        self.response = response

    @property
    def output(self) -> O:
        """The output members carried outside the stream (headers or initial-response)."""
        if self._decoding.needs_initial_response and not self._ahead.started:
            try:
                self.prefetch_first_event()
            except QsmithError as error:
                self._ahead.error = error  # raised by the iteration, after the events
        result: O = self._decoding.output()
        return result

    def prefetch_first_event(self) -> None:
        """Read until the first event (kept for the caller) or the end of the stream."""
        self._ahead.started = True
        self._ahead.events.extend(self._next_events(stop_at_first=True))

    def __iter__(self) -> Iterator[E]:
        from qsmith.runtime.eventstream.semantics import InitialResponse

        self._ahead.started = True
        yield from self._ahead.drain()
        # ``_next_events`` inlined: one generator fewer to pass each event through.
        decode = self._decoding.decode
        try:
            for message in self._messages:
                event = decode(message)
                if not isinstance(event, InitialResponse):
                    yield event  # type: ignore[misc]
        except QsmithError as error:
            attach_response(error, self.response)
            raise

    def _next_events(self, *, stop_at_first: bool) -> Iterator[object]:
        from qsmith.runtime.eventstream.semantics import InitialResponse

        try:
            for message in self._messages:
                event = self._decoding.decode(message)
                if isinstance(event, InitialResponse):
                    continue
                yield event
                if stop_at_first:
                    return
        except QsmithError as error:
            attach_response(error, self.response)
            raise

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> EventStreamResponse[O, E]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEventStreamResponse(Generic[O, E]):
    """The asyncio twin of ``EventStreamResponse``."""

    def __init__(
        self,
        core: ClientCore,
        operation: OperationSchema,
        response: httpx.Response,
        *,
        idle_timeout: float | None,
        deadline: Deadline,
    ) -> None:
        from qsmith.runtime.client.events import StreamDecoding
        from qsmith.runtime.eventstream.readers import AsyncEventStreamReader, aiter_body_chunks

        self._decoding = StreamDecoding(core, operation, response.status_code, response.headers)
        lift_read_timeout(response)  # the pump reads ahead; its watchdog times the waits
        chunks = aiter_with_deadlines(
            aiter_body_chunks(response),
            idle_timeout=idle_timeout,
            deadline=deadline,
            operation=operation.name,
        )
        self._reader = AsyncEventStreamReader(response, chunks, operation=operation.name)
        self._messages = self._reader.__aiter__()
        self._ahead = _ReadAhead()
        self.response = response

    async def output(self) -> O:
        """The output members carried outside the stream (headers or initial-response)."""
        if self._decoding.needs_initial_response and not self._ahead.started:
            try:
                await self.prefetch_first_event()
            except QsmithError as error:
                self._ahead.error = error  # raised by the iteration, after the events
        result: O = self._decoding.output()
        return result

    async def prefetch_first_event(self) -> None:
        """Read until the first event (kept for the caller) or the end of the stream."""
        self._ahead.started = True
        async for event in self._next_events(stop_at_first=True):
            self._ahead.events.append(event)

    async def __aiter__(self) -> AsyncIterator[E]:
        from qsmith.runtime.eventstream.semantics import InitialResponse

        self._ahead.started = True
        for event in self._ahead.drain():
            yield event
        # ``_next_events`` inlined: one async generator fewer to pass each event through.
        decode = self._decoding.decode
        try:
            async for message in self._messages:
                event = decode(message)
                if not isinstance(event, InitialResponse):
                    yield event  # type: ignore[misc]
        except QsmithError as error:
            attach_response(error, self.response)
            raise

    async def _next_events(self, *, stop_at_first: bool) -> AsyncIterator[Any]:
        from qsmith.runtime.eventstream.semantics import InitialResponse

        try:
            async for message in self._messages:
                event = self._decoding.decode(message)
                if isinstance(event, InitialResponse):
                    continue
                yield event
                if stop_at_first:
                    return
        except QsmithError as error:
            attach_response(error, self.response)
            raise

    async def aclose(self) -> None:
        await self._reader.aclose()

    async def __aenter__(self) -> AsyncEventStreamResponse[O, E]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

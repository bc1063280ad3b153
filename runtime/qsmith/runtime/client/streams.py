"""Streaming answers: the output's other members, then typed events as they arrive.

Both classes close the HTTP response when iteration ends, when the caller leaves the
``with`` block or breaks out of the loop and closes, and when they are garbage
collected, so an abandoned stream never holds a connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from qsmith.runtime.client.events import StreamDecoding
from qsmith.runtime.eventstream.readers import AsyncEventStreamReader, EventStreamReader
from qsmith.runtime.eventstream.semantics import InitialResponse
from qsmith.runtime.schema import OperationSchema
from qsmith.runtime.transport.deadlines import Deadline, aiter_with_deadlines, iter_with_deadlines

if TYPE_CHECKING:
    from qsmith.runtime.client.core import ClientCore

__all__ = ["AsyncEventStreamResponse", "EventStreamResponse"]

O = TypeVar("O")  # noqa: E741 - the output structure
E = TypeVar("E")  # the event union


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
        self._decoding = StreamDecoding(core, operation, response.status_code, response.headers)
        self._reader = EventStreamReader(response)
        self._messages = iter_with_deadlines(
            iter(self._reader),
            idle_timeout=idle_timeout,
            deadline=deadline,
            operation=operation.name,
        )
        self._pending: list[object] = []
        self.response = response

    @property
    def output(self) -> O:
        """The output members carried outside the stream (headers or initial-response)."""
        if self._decoding.needs_initial_response and not self._decoding.initial_seen:
            self._pending.extend(self._next_events(stop_at_first=True))
        result: O = self._decoding.output()
        return result

    def __iter__(self) -> Iterator[E]:
        while self._pending:
            yield self._pending.pop(0)  # type: ignore[misc]
        yield from self._next_events(stop_at_first=False)  # type: ignore[misc]

    def _next_events(self, *, stop_at_first: bool) -> Iterator[object]:
        for message in self._messages:
            event = self._decoding.decode(message)
            if isinstance(event, InitialResponse):
                continue
            yield event
            if stop_at_first:
                return

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
        self._decoding = StreamDecoding(core, operation, response.status_code, response.headers)
        self._reader = AsyncEventStreamReader(response)
        self._messages = aiter_with_deadlines(
            self._reader.__aiter__(),
            idle_timeout=idle_timeout,
            deadline=deadline,
            operation=operation.name,
        )
        self._pending: list[object] = []
        self.response = response

    async def output(self) -> O:
        """The output members carried outside the stream (headers or initial-response)."""
        if self._decoding.needs_initial_response and not self._decoding.initial_seen:
            async for event in self._next_events(stop_at_first=True):
                self._pending.append(event)
        result: O = self._decoding.output()
        return result

    async def __aiter__(self) -> AsyncIterator[E]:
        while self._pending:
            yield self._pending.pop(0)  # type: ignore[misc]
        async for event in self._next_events(stop_at_first=False):
            yield event

    async def _next_events(self, *, stop_at_first: bool) -> AsyncIterator[Any]:
        async for message in self._messages:
            event = self._decoding.decode(message)
            if isinstance(event, InitialResponse):
                continue
            yield event
            if stop_at_first:
                return

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

"""Messages from a streaming httpx response, sync and async.

The readers own the response: it is closed when the stream ends, when decoding fails,
and when the consumer stops early. For the synchronous reader that is immediate on
``break`` or an exception in the loop body (the message generator is dropped and its
``finally`` runs), on ``close()``/``with``, and when the reader is garbage collected.
The asynchronous reader closes on ``aclose()``/``async with`` at once; after a ``break``
asyncio finalizes the dropped async generator, which closes the response on the next
turns of the event loop.

Transport failures are raised once, as the transport layer's own classes
(``map_httpx_error``: a timeout is a ``ReadTimeoutError``, a lost connection a
``ConnectionDroppedError`` naming the operation and where in the stream it failed) — or
``ConnectionLostMidMessageError`` (a ``ConnectionDroppedError`` that is also a
``TruncatedMessageError``) when it cut a message in half. A stream that ends cleanly in
the middle of a message raises ``TruncatedMessageError``: never a silent stop.

By default a reader reads ``body_chunks(response)`` (the transport's chunks as they
arrive; ``aiter_body_chunks`` for async); ``chunks`` replaces that source
(the client passes the body's chunks wrapped in its idle and deadline limits, so both
are measured per chunk of bytes, not per message). An async reader closes ``chunks``
(its ``aclose``, when it has one) before the response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING

from qsmith.runtime.errors import EventStreamError
from qsmith.runtime.eventstream.decoder import MessageDecoder
from qsmith.runtime.eventstream.errors import TruncatedMessageError
from qsmith.runtime.eventstream.message import Message
from qsmith.runtime.transport.errors import ConnectionDroppedError, map_httpx_error

# A reader wraps a response httpx is already sending, so httpx (and asyncio for the async
# reader) is loaded by the time one reads: the generators import them there, which keeps
# importing this module free of both (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import asyncio

    import httpx

__all__ = [
    "AsyncEventStreamReader",
    "ConnectionLostMidMessageError",
    "EventStreamReader",
    "aiter_body_chunks",
    "body_chunks",
]


def body_chunks(response: httpx.Response) -> Iterator[bytes]:
    """The body's chunks as the transport hands them over.

    An event stream has no content encoding, so ``iter_bytes``' layers (``iter_raw``, the
    chunker, the identity decoder) pass each chunk through unchanged, at a cost per chunk
    that, with one HTTP chunk per message, is a large part of reading it. The transport's
    stream is read directly instead, marked consumed as ``iter_raw`` marks it; a body with
    a ``Content-Encoding`` still goes through ``iter_bytes``. Transport errors keep the
    request attached (``_ReaderState.transport_error``), as ``iter_raw`` does.
    """
    import httpx

    stream = response.stream
    if not isinstance(stream, httpx.SyncByteStream) or not _plain_body(response):
        return response.iter_bytes()
    response.is_stream_consumed = True
    return iter(stream)


def aiter_body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """``body_chunks`` of an asynchronous response."""
    import httpx

    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream) or not _plain_body(response):
        return response.aiter_bytes()
    response.is_stream_consumed = True
    return stream.__aiter__()


def _plain_body(response: httpx.Response) -> bool:
    """Unread, open and not content-encoded: its transport chunks are its bytes."""
    return not (
        response.is_stream_consumed or response.is_closed or "content-encoding" in response.headers
    )


class ConnectionLostMidMessageError(TruncatedMessageError, ConnectionDroppedError):
    """The connection failed while a message was only partly received."""

    def __init__(
        self,
        problem: str,
        *,
        message_index: int,
        offset: int,
        operation: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        # The fault's fields, then the transport error's message (which names the call).
        self.problem = problem
        self.message_index = message_index
        self.offset = offset
        self.header = None
        ConnectionDroppedError.__init__(
            self, operation=operation, response=response, cause=self._describe()
        )


class _ReaderState:
    """What both readers share: the decoder, and raising transport errors as ours."""

    def __init__(self, response: httpx.Response, operation: str | None) -> None:
        self.decoder = MessageDecoder()
        self.started = False
        self.response = response
        self.operation = operation

    def start(self) -> None:
        if self.started:
            raise EventStreamError("an event stream response can be read only once")
        self.started = True

    def transport_error(self, exc: httpx.TransportError) -> Exception:
        exc.request = self.response.request  # what ``iter_raw`` attaches, read unwrapped here
        decoder = self.decoder
        if decoder.buffered:
            return ConnectionLostMidMessageError(
                f"the connection failed {decoder.buffered} byte(s) into a message: {exc}",
                message_index=decoder.messages_decoded,
                offset=decoder.offset + decoder.buffered,
                operation=self.operation,
                response=self.response,
            )
        error = map_httpx_error(exc, operation=self.operation, response=self.response)
        where = f"event stream failed after {decoder.messages_decoded} message(s)"
        error.args = (f"{error.args[0]} ({where}, {decoder.offset} bytes)", *error.args[1:])
        return error


class EventStreamReader:
    """Iterate the messages of a streaming ``httpx.Response`` (``client.stream(...)`` or
    ``send(..., stream=True)``)."""

    def __init__(
        self,
        response: httpx.Response,
        chunks: Iterator[bytes] | None = None,
        *,
        operation: str | None = None,
    ) -> None:
        self._response = response
        self._chunks = chunks
        self._state = _ReaderState(response, operation)

    @property
    def response(self) -> httpx.Response:
        return self._response

    def __iter__(self) -> Iterator[Message]:
        self._state.start()
        return self._messages()

    def _messages(self) -> Iterator[Message]:
        import httpx

        decoder = self._state.decoder
        try:
            try:
                chunks = self._chunks if self._chunks is not None else body_chunks(self._response)
                for chunk in chunks:
                    yield from decoder.feed(chunk)
            except httpx.TransportError as exc:
                raise self._state.transport_error(exc) from exc
            decoder.finish()
        finally:
            self._response.close()

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> EventStreamReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        response = getattr(self, "_response", None)
        if response is not None and not response.is_closed:
            response.close()


class AsyncEventStreamReader:
    """Iterate the messages of a streaming ``httpx.Response`` from an ``AsyncClient``."""

    def __init__(
        self,
        response: httpx.Response,
        chunks: AsyncIterator[bytes] | None = None,
        *,
        operation: str | None = None,
    ) -> None:
        self._response = response
        self._chunks = chunks
        self._state = _ReaderState(response, operation)

    @property
    def response(self) -> httpx.Response:
        return self._response

    def __aiter__(self) -> AsyncIterator[Message]:
        self._state.start()
        return self._messages()

    async def _messages(self) -> AsyncIterator[Message]:
        import httpx

        decoder = self._state.decoder
        try:
            try:
                chunks = (
                    self._chunks if self._chunks is not None else aiter_body_chunks(self._response)
                )
                async for chunk in chunks:
                    for message in decoder.feed(chunk):
                        yield message
            except httpx.TransportError as exc:
                raise self._state.transport_error(exc) from exc
            decoder.finish()
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await _close(self._chunks, self._response)

    async def __aenter__(self) -> AsyncEventStreamReader:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # Dropped without being read to the end: close on the running loop, if any.
        response = getattr(self, "_response", None)
        if response is None or response.is_closed:
            return
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(_close(self._chunks, response))
        _closing.add(task)
        task.add_done_callback(_closing.discard)


async def _close(chunks: AsyncIterator[bytes] | None, response: httpx.Response) -> None:
    # Chunks read by a task of their own (the client's) are stopped first: that task
    # closes the response, and nothing else touches it while it runs.
    stop = getattr(chunks, "aclose", None)
    if stop is not None:
        await stop()
    await response.aclose()


# Close tasks started from __del__, kept referenced until they finish.
_closing: set[asyncio.Task[None]] = set()

"""The incremental decoder: bytes in arbitrary chunks in, whole messages out.

``MessageDecoder.feed`` returns every message the chunk completes, as soon as its last
byte arrives. Complete messages are parsed straight from the caller's chunk; only the
unfinished tail of a chunk is copied, into a buffer that never holds more than one
message. So the stream is never copied as a whole and memory stays bounded by the
largest message (at most ``MAX_MESSAGE_LENGTH``) plus the chunk being read.

When a chunk holds good messages and then a fault, ``feed`` returns the good ones
and the next call (``feed`` or ``finish``) raises. After an error the decoder is
spent: the framing cannot be trusted past a corrupt message, so every later call
raises the same error again.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from qsmith.runtime.eventstream.errors import (
    EventStreamFault,
    EventStreamFormatError,
    TruncatedMessageError,
)
from qsmith.runtime.eventstream.headers import HeaderValue
from qsmith.runtime.eventstream.message import (
    MAX_HEADERS_LENGTH,
    MAX_PAYLOAD_LENGTH,
    MIN_MESSAGE_LENGTH,
    PRELUDE_LENGTH,
    Message,
    _unpack_prelude,  # the single-message decoder's struct readers, shared
    _unpack_uint32,
    check_prelude,
    decode_checked_frame,
    decode_headers,
)

__all__ = ["MessageDecoder", "aiter_messages", "iter_messages"]

_crc32 = zlib.crc32
_PAYLOAD_LIMIT = MAX_PAYLOAD_LENGTH + MIN_MESSAGE_LENGTH
# The header-section cache: sections up to this size, this many distinct ones.
_CACHE_MAX_KEY = 1024
_CACHE_MAX_ENTRIES = 64


class MessageDecoder:
    """Feed chunks, get messages. ``finish()`` at end of stream rejects a cut message."""

    __slots__ = (
        "_error",
        "_header_cache",
        "_need",
        "_offset",
        "_pending",
        "_total",
        "messages_decoded",
    )

    def __init__(self) -> None:
        self._pending = bytearray()
        # Bytes the pending message needs before it can be looked at again: the prelude
        # until its length is known, then the whole message.
        self._need = PRELUDE_LENGTH
        self._total = 0  # the pending message's total length once its prelude is checked
        self._offset = 0  # stream offset of the first pending byte (the next message)
        self._error: EventStreamFault | None = None
        self._header_cache: dict[bytes, dict[str, HeaderValue]] = {}
        self.messages_decoded = 0

    @property
    def offset(self) -> int:
        """Stream offset where the next message starts (bytes of whole messages so far)."""
        return self._offset

    @property
    def buffered(self) -> int:
        """Bytes of an unfinished message held back, waiting for the rest."""
        return len(self._pending)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Message]:
        """Take the next chunk; return the messages it completes, in order."""
        if self._error is not None:
            raise self._error
        if type(data) is not bytes:
            data = bytes(data)
        out: list[Message] = []
        pos = 0
        try:
            if self._pending:
                pos = self._complete_pending(data, out)
                if pos < 0:
                    return out
            pos = self._decode_run(data, pos, out)
        except EventStreamFormatError as exc:
            # Offsets from the parsers are relative to the failing message's start.
            self._error = exc.located(self.messages_decoded, self._offset)
            if out:
                # Hand over the good messages first; the next call raises.
                return out
            raise
        if pos < len(data):
            self._keep_tail(data, pos)
        return out

    def finish(self) -> None:
        """End of stream: raise ``TruncatedMessageError`` if a message was cut short."""
        if self._error is not None:
            raise self._error
        if self._pending:
            wanted = f"{self._total} declared" if self._total else "a 12-byte prelude"
            self._error = TruncatedMessageError(
                f"the stream ended {len(self._pending)} byte(s) into a message ({wanted})",
                message_index=self.messages_decoded,
                offset=self._offset + len(self._pending),
            )
            raise self._error

    def _decode_run(self, data: bytes, pos: int, out: list[Message]) -> int:
        """Decode every whole message in ``data[pos:]``; return where the rest begins.

        The hot path: the checks of ``check_prelude``/``decode_checked_frame`` inlined,
        falling back to them only to build the precise error once a check fails.
        """
        view = memoryview(data)
        end = len(data)
        append = out.append
        cache = self._header_cache
        start = pos
        decoded = 0
        try:
            while end - pos >= PRELUDE_LENGTH:
                total, headers_length, prelude_crc = _unpack_prelude(data, pos)
                if (
                    _crc32(view[pos : pos + 8]) != prelude_crc
                    or total < MIN_MESSAGE_LENGTH
                    or headers_length > MAX_HEADERS_LENGTH
                    or headers_length > total - MIN_MESSAGE_LENGTH
                    or total - headers_length > _PAYLOAD_LIMIT
                ):
                    check_prelude(data, pos)  # raises the precise error
                if end - pos < total:
                    break
                crc_at = pos + total - 4
                if _crc32(view[pos:crc_at]) != _unpack_uint32(data, crc_at)[0]:
                    decode_checked_frame(data, pos, total)  # raises the mismatch
                headers_end = pos + PRELUDE_LENGTH + headers_length
                # Streams repeat the same few header sections (event type, content
                # type); identical bytes decode to equal headers, so parse each once.
                key = data[pos + PRELUDE_LENGTH : headers_end]
                cached = cache.get(key)
                if cached is None:
                    cached = self._parse_headers(data, pos, headers_end, key)
                append(Message(cached.copy(), data[headers_end:crc_at]))
                pos += total
                decoded += 1
        finally:
            self.messages_decoded += decoded
            self._offset += pos - start
        return pos

    def _parse_headers(
        self, data: bytes, pos: int, headers_end: int, key: bytes
    ) -> dict[str, HeaderValue]:
        """Parse a header section not seen before, and remember it if it is small."""
        try:
            headers = decode_headers(data, pos + PRELUDE_LENGTH, headers_end)
        except EventStreamFormatError as exc:
            exc.offset = (exc.offset or 0) - pos
            raise
        if len(key) <= _CACHE_MAX_KEY:
            if len(self._header_cache) >= _CACHE_MAX_ENTRIES:
                self._header_cache.clear()
            self._header_cache[key] = headers
        return headers

    def _complete_pending(self, data: bytes, out: list[Message]) -> int:
        """Finish the buffered message from the front of ``data``.

        Returns the position in ``data`` after that message, or -1 when ``data`` was
        all absorbed and the message is still incomplete.
        """
        pending = self._pending
        view = memoryview(data)
        taken = 0
        while True:
            want = self._need - len(pending)
            if len(data) - taken < want:
                pending += view[taken:]
                return -1
            pending += view[taken : taken + want]
            taken += want
            if self._total == 0:
                self._prelude_known(check_prelude(pending, 0))
                continue
            out.append(decode_checked_frame(pending, 0, self._total))
            self.messages_decoded += 1
            self._offset += self._total
            pending.clear()
            self._need = PRELUDE_LENGTH
            self._total = 0
            return taken

    def _prelude_known(self, total: int) -> None:
        self._total = self._need = total

    def _keep_tail(self, data: bytes, pos: int) -> None:
        """Buffer an unfinished message; its prelude, if present, was checked already."""
        self._pending += memoryview(data)[pos:]
        if len(self._pending) >= PRELUDE_LENGTH:
            self._prelude_known(_unpack_prelude(self._pending, 0)[0])


def iter_messages(chunks: Iterable[bytes]) -> Iterator[Message]:
    """Decode a whole stream given as chunks; a stream cut mid-message raises."""
    decoder = MessageDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    decoder.finish()


async def aiter_messages(chunks: AsyncIterable[bytes]) -> AsyncIterator[Message]:
    """``iter_messages`` for an asynchronous source of chunks."""
    decoder = MessageDecoder()
    async for chunk in chunks:
        for message in decoder.feed(chunk):
            yield message
    decoder.finish()

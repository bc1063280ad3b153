"""A test-only event stream encoder and decoder (the real codec is another module's).

Encoding follows the vnd.amazon.eventstream framing (prelude, CRC32s, string headers);
decoding uses botocore's parser as an independent oracle.
"""

from __future__ import annotations

import struct
import zlib

from botocore.eventstream import EventStreamBuffer, ParserError

from qsmith.runtime.errors import EventStreamError


def encode_event(event_type: str, payload: bytes) -> bytes:
    headers = b""
    for name, value in ((":message-type", "event"), (":event-type", event_type)):
        raw = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


class EventDecoder:
    """Feed chunks, get whole messages' payloads; corrupt framing raises EventStreamError."""

    def __init__(self) -> None:
        self._buffer = EventStreamBuffer()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer.add_data(chunk)
        try:
            return [message.payload for message in self._buffer]
        except ParserError as error:
            raise EventStreamError(f"corrupt event stream: {type(error).__name__}") from None

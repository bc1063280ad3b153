"""One event stream message: its layout, limits, encoder and strict decoder.

Layout (all integers big-endian)::

    total length   uint32   the whole message, these 4 bytes and the final CRC included
    headers length uint32   bytes of the headers section
    prelude CRC    uint32   CRC32 of the 8 bytes above
    headers        ...      name length (uint8), name, type (uint8), value, repeated
    payload        ...      total - headers - 16 bytes
    message CRC    uint32   CRC32 of everything before it

Checks run in this order, so that the cheapest reliable check comes first and no
field is trusted before a checksum vouches for it: prelude CRC, lengths and limits,
message CRC, then the headers one by one.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from typing import Final

from qsmith.runtime.eventstream.errors import (
    DuplicateHeaderError,
    EventStreamFormatError,
    HeadersTooLongError,
    InvalidHeaderNameError,
    InvalidHeadersLengthError,
    InvalidHeaderTypeError,
    InvalidHeaderValueError,
    InvalidMessageLengthError,
    MessageChecksumMismatchError,
    PayloadTooLongError,
    PreludeChecksumMismatchError,
    TrailingBytesError,
    TruncatedMessageError,
)
from qsmith.runtime.eventstream.headers import (
    FIXED_VALUE_SIZES,
    Byte,
    HeaderValue,
    Long,
    Short,
    Timestamp,
    encode_headers,
)

__all__ = [
    "MAX_HEADERS_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_PAYLOAD_LENGTH",
    "MESSAGE_CRC_LENGTH",
    "MIN_MESSAGE_LENGTH",
    "PRELUDE_LENGTH",
    "Message",
    "decode_message",
    "encode_message",
]

PRELUDE_LENGTH: Final = 12
MESSAGE_CRC_LENGTH: Final = 4
MIN_MESSAGE_LENGTH: Final = PRELUDE_LENGTH + MESSAGE_CRC_LENGTH
MAX_PAYLOAD_LENGTH: Final = 16 * 1024 * 1024
MAX_HEADERS_LENGTH: Final = 128 * 1024
MAX_MESSAGE_LENGTH: Final = MIN_MESSAGE_LENGTH + MAX_HEADERS_LENGTH + MAX_PAYLOAD_LENGTH

_PRELUDE = struct.Struct(">III")
_UINT32 = struct.Struct(">I")
_LENGTHS = struct.Struct(">II")  # the prelude's total and headers lengths
_unpack_prelude = _PRELUDE.unpack_from
_unpack_uint32 = _UINT32.unpack_from
_unpack_uint16 = struct.Struct(">H").unpack_from
_unpack_int8 = struct.Struct(">b").unpack_from
_unpack_int16 = struct.Struct(">h").unpack_from
_unpack_int32 = struct.Struct(">i").unpack_from
_unpack_int64 = struct.Struct(">q").unpack_from
_crc32 = zlib.crc32


class Message:
    """A decoded (or to-be-encoded) message: headers in wire order, and the payload."""

    __slots__ = ("headers", "payload")

    def __init__(self, headers: dict[str, HeaderValue], payload: bytes = b"") -> None:
        self.headers = headers
        self.payload = payload

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        if self.payload != other.payload or list(self.headers) != list(other.headers):
            return False
        # Compare types too: Short(1) and the int 1 are different headers.
        return all(
            type(value) is type(other.headers[name]) and value == other.headers[name]
            for name, value in self.headers.items()
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Message(headers={self.headers!r}, payload={self.payload!r})"


def encode_message(message: Message) -> bytes:
    """The wire bytes of one message, checksums included; enforces the format's limits."""
    headers = encode_headers(message.headers)
    payload = message.payload
    headers_length, payload_length = len(headers), len(payload)
    if headers_length > MAX_HEADERS_LENGTH or payload_length > MAX_PAYLOAD_LENGTH:
        return encode_frame(headers, payload)  # raises the error naming the limit
    # ``encode_frame`` inlined (chat-sized messages are encoded by the thousand).
    prelude = _LENGTHS.pack(MIN_MESSAGE_LENGTH + headers_length + payload_length, headers_length)
    body = prelude + _UINT32.pack(_crc32(prelude)) + headers + payload
    return body + _UINT32.pack(_crc32(body))


def encode_frame(headers: bytes, payload: bytes) -> bytes:
    """Frame an encoded headers section and a payload: prelude, CRCs, lengths."""
    if len(headers) > MAX_HEADERS_LENGTH:
        raise HeadersTooLongError(
            f"headers take {len(headers)} bytes; the limit is {MAX_HEADERS_LENGTH}"
        )
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise PayloadTooLongError(
            f"payload is {len(payload)} bytes; the limit is {MAX_PAYLOAD_LENGTH}"
        )
    total = MIN_MESSAGE_LENGTH + len(headers) + len(payload)
    prelude = _PRELUDE.pack(total, len(headers), 0)[:8]
    prelude += _UINT32.pack(_crc32(prelude))
    body = b"".join((prelude, headers, payload))
    return body + _UINT32.pack(_crc32(body))


def decode_message(data: bytes) -> Message:
    """Decode exactly one message; extra or missing bytes are errors.

    Errors carry the byte offset within ``data``.
    """
    data = bytes(data)
    if len(data) < PRELUDE_LENGTH:
        raise TruncatedMessageError(
            f"{len(data)} bytes cannot hold a {PRELUDE_LENGTH}-byte prelude", offset=0
        )
    total = check_prelude(data, 0)
    if len(data) < total:
        raise TruncatedMessageError(
            f"the message declares {total} bytes but only {len(data)} are present",
            offset=len(data),
        )
    message = decode_checked_frame(data, 0, total)
    if len(data) > total:
        raise TrailingBytesError(
            f"{len(data) - total} byte(s) follow the {total}-byte message", offset=total
        )
    return message


def check_prelude(data: bytes | bytearray, pos: int) -> int:
    """Verify the prelude at ``pos`` (12 bytes must be present); return the total length.

    Raised errors carry offsets relative to ``pos``.
    """
    total, headers_length, prelude_crc = _unpack_prelude(data, pos)
    computed = _crc32(memoryview(data)[pos : pos + 8])
    if computed != prelude_crc:
        raise PreludeChecksumMismatchError(expected=computed, actual=prelude_crc, offset=8)
    if total < MIN_MESSAGE_LENGTH:
        raise InvalidMessageLengthError(
            f"total length {total} is shorter than an empty message ({MIN_MESSAGE_LENGTH})",
            offset=0,
        )
    if headers_length > MAX_HEADERS_LENGTH:
        raise HeadersTooLongError(
            f"headers length {headers_length} exceeds the limit of {MAX_HEADERS_LENGTH}",
            offset=4,
        )
    if headers_length > total - MIN_MESSAGE_LENGTH:
        raise InvalidHeadersLengthError(
            f"headers length {headers_length} does not fit in a message of {total} bytes",
            offset=4,
        )
    payload_length = total - MIN_MESSAGE_LENGTH - headers_length
    if payload_length > MAX_PAYLOAD_LENGTH:
        raise PayloadTooLongError(
            f"payload length {payload_length} exceeds the limit of {MAX_PAYLOAD_LENGTH}",
            offset=0,
        )
    return int(total)


def decode_checked_frame(data: bytes | bytearray, pos: int, total: int) -> Message:
    """Decode the message at ``pos`` whose prelude ``check_prelude`` accepted.

    ``data`` must hold all ``total`` bytes. Offsets in errors are relative to ``pos``.
    """
    crc_at = pos + total - MESSAGE_CRC_LENGTH
    (expected_crc,) = _unpack_uint32(data, crc_at)
    computed = _crc32(memoryview(data)[pos:crc_at])
    if computed != expected_crc:
        raise MessageChecksumMismatchError(
            expected=computed, actual=expected_crc, offset=total - MESSAGE_CRC_LENGTH
        )
    (headers_length,) = _unpack_uint32(data, pos + 4)
    headers_end = pos + PRELUDE_LENGTH + headers_length
    if headers_length:
        try:
            headers = decode_headers(data, pos + PRELUDE_LENGTH, headers_end)
        except EventStreamFormatError as exc:
            exc.offset = (exc.offset or 0) - pos
            exc.args = (exc._describe(),)
            raise
    else:
        headers = {}
    if type(data) is bytes:
        return Message(headers, data[headers_end:crc_at])
    # One copy out of a buffer, not a slice and then a copy of the slice.
    with memoryview(data) as view:
        return Message(headers, view[headers_end:crc_at].tobytes())


def decode_headers(data: bytes | bytearray, pos: int, end: int) -> dict[str, HeaderValue]:
    """Parse the headers section ``data[pos:end]``; offsets in errors are absolute."""
    headers: dict[str, HeaderValue] = {}
    while pos < end:
        start = pos
        name_end = pos + 1 + data[pos]
        # The name must leave room for the type byte.
        if name_end >= end or name_end == pos + 1:
            raise _bad_name(data, pos, end)
        try:
            name = data[pos + 1 : name_end].decode()
        except UnicodeDecodeError:
            raise InvalidHeaderNameError("header name is not valid UTF-8", offset=pos) from None
        kind = data[name_end]
        pos = name_end + 1
        value: HeaderValue
        if kind == 7:  # string: the common case first
            value_end = pos + 2 + ((data[pos] << 8) | data[pos + 1]) if pos + 2 <= end else end + 1
            if value_end > end:
                raise _past_end(start, name)
            try:
                value = data[pos + 2 : value_end].decode()
            except UnicodeDecodeError:
                raise InvalidHeaderValueError(
                    "string value is not valid UTF-8", offset=start, header=name
                ) from None
            pos = value_end
        elif kind <= 1:
            value = kind == 0
        else:
            value, pos = _decode_fixed_or_bytes(data, kind, pos, end, start, name)
        if name in headers:
            raise DuplicateHeaderError(
                "header name occurs more than once in the message", offset=start, header=name
            )
        headers[name] = value
    return headers


def _decode_fixed_or_bytes(
    data: bytes | bytearray, kind: int, pos: int, end: int, start: int, name: str
) -> tuple[HeaderValue, int]:
    """Values other than strings and booleans: (value, position after it)."""
    size = _FIXED_SIZES.get(kind)
    if size is None:
        if kind != 6:
            raise InvalidHeaderTypeError(kind, offset=start, header=name)
        if pos + 2 > end:
            raise _past_end(start, name)
        (length,) = _unpack_uint16(data, pos)
        pos += 2
        size = length
    if pos + size > end:
        raise _past_end(start, name)
    value: HeaderValue
    if kind == 2:
        value = Byte(_unpack_int8(data, pos)[0])
    elif kind == 3:
        value = Short(_unpack_int16(data, pos)[0])
    elif kind == 4:
        value = _unpack_int32(data, pos)[0]
    elif kind == 5:
        value = Long(_unpack_int64(data, pos)[0])
    elif kind == 8:
        value = Timestamp(_unpack_int64(data, pos)[0])
    elif kind == 9:
        value = uuid.UUID(bytes=bytes(data[pos : pos + 16]))
    else:
        value = bytes(data[pos : pos + size])
    return value, pos + size


# Type id -> value size, for the types decoded by _decode_fixed_or_bytes.
_FIXED_SIZES: Final = {int(t): n for t, n in FIXED_VALUE_SIZES.items() if n}


def _bad_name(data: bytes | bytearray, pos: int, end: int) -> InvalidHeaderNameError:
    length = data[pos]
    if length == 0:
        return InvalidHeaderNameError("header name is empty", offset=pos)
    return InvalidHeaderNameError(
        f"header name of {length} bytes runs past the end of the headers section "
        f"({end - pos - 1} bytes left, a type byte included)",
        offset=pos,
    )


def _past_end(start: int, name: str) -> InvalidHeaderValueError:
    return InvalidHeaderValueError(
        "header value runs past the end of the headers section", offset=start, header=name
    )

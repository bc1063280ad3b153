"""Header values of the event stream format: the ten wire types and their Python form.

Decoded values, by wire type:

==========  =======================  ===========================================
type id     wire type                Python value
==========  =======================  ===========================================
0, 1        bool true / bool false   ``bool``
2           byte (int8)              ``Byte`` (an ``int``)
3           short (int16)            ``Short`` (an ``int``)
4           integer (int32)          ``int``
5           long (int64)             ``Long`` (an ``int``)
6           byte array               ``bytes``
7           string (UTF-8)           ``str``
8           timestamp (int64 ms)     ``Timestamp`` (an ``int`` of epoch milliseconds)
9           uuid (16 bytes)          ``uuid.UUID``
==========  =======================  ===========================================

The ``int`` subclasses keep the wire width, so that decoding then encoding a message
gives back the same bytes; they compare equal to plain ints. A plain ``int`` encodes as
an integer (int32); a ``datetime`` encodes as a timestamp.
"""

from __future__ import annotations

import datetime as _dt
import enum
import struct
import uuid
from collections.abc import Mapping
from typing import Final, TypeAlias

from qsmith.runtime.eventstream.errors import InvalidHeaderNameError, InvalidHeaderValueError

__all__ = [
    "FIXED_VALUE_SIZES",
    "MAX_HEADER_NAME_LENGTH",
    "MAX_HEADER_VALUE_LENGTH",
    "Byte",
    "HeaderType",
    "HeaderValue",
    "Long",
    "Short",
    "Timestamp",
    "encode_headers",
    "header_type",
]

# A header name's length is one unsigned byte.
MAX_HEADER_NAME_LENGTH: Final = 255
# Byte array and string values carry a two-byte length; the format caps it at the
# signed 16-bit maximum (other SDKs reject longer values too).
MAX_HEADER_VALUE_LENGTH: Final = 32767


class HeaderType(enum.IntEnum):
    """The wire type id of a header value."""

    BOOL_TRUE = 0
    BOOL_FALSE = 1
    BYTE = 2
    SHORT = 3
    INTEGER = 4
    LONG = 5
    BYTE_ARRAY = 6
    STRING = 7
    TIMESTAMP = 8
    UUID = 9


# Bytes each fixed-size type's value takes on the wire (byte arrays and strings carry a
# two-byte length, then up to MAX_HEADER_VALUE_LENGTH bytes).
FIXED_VALUE_SIZES: Final[Mapping[HeaderType, int]] = {
    HeaderType.BOOL_TRUE: 0,
    HeaderType.BOOL_FALSE: 0,
    HeaderType.BYTE: 1,
    HeaderType.SHORT: 2,
    HeaderType.INTEGER: 4,
    HeaderType.LONG: 8,
    HeaderType.TIMESTAMP: 8,
    HeaderType.UUID: 16,
}


class _SizedInt(int):
    """An int that remembers its wire width and refuses values that do not fit."""

    bits = 64
    type_id = HeaderType.LONG

    def __new__(cls, value: int) -> _SizedInt:
        limit = 1 << (cls.bits - 1)
        if not -limit <= value < limit:
            raise InvalidHeaderValueError(
                f"{value} does not fit in a {cls.__name__.lower()} (int{cls.bits}) header"
            )
        return super().__new__(cls, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({int(self)})"


class Byte(_SizedInt):
    """An int8 header value."""

    bits = 8
    type_id = HeaderType.BYTE


class Short(_SizedInt):
    """An int16 header value."""

    bits = 16
    type_id = HeaderType.SHORT


class Long(_SizedInt):
    """An int64 header value."""

    bits = 64
    type_id = HeaderType.LONG


class Timestamp(_SizedInt):
    """A timestamp header value: signed 64-bit milliseconds since the Unix epoch.

    Kept as the raw wire integer because the wire range exceeds ``datetime``'s; convert
    with ``to_datetime`` / ``from_datetime``.
    """

    bits = 64
    type_id = HeaderType.TIMESTAMP

    @classmethod
    def from_datetime(cls, when: _dt.datetime) -> Timestamp:
        """Milliseconds since the epoch; a naive datetime is taken as UTC."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.UTC)
        delta = when - _EPOCH
        return cls((delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000)

    def to_datetime(self) -> _dt.datetime:
        """An aware UTC datetime (raises ``InvalidHeaderValueError`` outside its range)."""
        try:
            return _EPOCH + _dt.timedelta(milliseconds=int(self))
        except OverflowError:
            raise InvalidHeaderValueError(
                f"timestamp {int(self)} ms is outside the range of datetime"
            ) from None


_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)

HeaderValue: TypeAlias = bool | int | bytes | str | uuid.UUID | _dt.datetime
"""What a header may hold (``Byte``/``Short``/``Long``/``Timestamp`` are ints)."""

_INT32 = struct.Struct(">i")
_INT64 = struct.Struct(">q")
_UINT16 = struct.Struct(">H")


def header_type(value: HeaderValue) -> HeaderType:
    """The wire type a value encodes as (see the module table)."""
    if value is True:
        return HeaderType.BOOL_TRUE
    if value is False:
        return HeaderType.BOOL_FALSE
    if isinstance(value, _SizedInt):
        return value.type_id
    if isinstance(value, int):
        return HeaderType.INTEGER
    if isinstance(value, bytes | bytearray | memoryview):
        return HeaderType.BYTE_ARRAY
    if isinstance(value, str):
        return HeaderType.STRING
    if isinstance(value, _dt.datetime):
        return HeaderType.TIMESTAMP
    if isinstance(value, uuid.UUID):
        return HeaderType.UUID
    raise InvalidHeaderValueError(f"{type(value).__name__} is not a header value type")


# Encoded header sections of string-only headers (a stream repeats the same few:
# message type, event type, content type), as the decoder caches parsed ones.
_ENCODED: dict[tuple[tuple[str, HeaderValue], ...], bytes] = {}
_ENCODED_MAX_ENTRIES = 64


def encode_headers(headers: Mapping[str, HeaderValue]) -> bytes:
    """The headers section: for each header, name length, name, type, value."""
    # Only all-string sections are stored, so a hit is all-string too: no other value
    # type compares equal to a str (True == 1 does not reach this cache).
    key = tuple(headers.items())
    try:
        return _ENCODED[key]
    except (KeyError, TypeError):  # TypeError: an unhashable value (bytearray)
        pass
    out = bytearray()
    for name, value in key:
        try:
            _encode_header(out, name, value)
        except InvalidHeaderValueError as exc:
            raise exc.about_header(name) from None
    encoded = bytes(out)
    if _ENCODED_MAX_ENTRIES and all(type(value) is str for _, value in key):
        if len(_ENCODED) >= _ENCODED_MAX_ENTRIES:
            _ENCODED.clear()
        _ENCODED[key] = encoded
    return encoded


def _encode_header(out: bytearray, name: str, value: HeaderValue) -> None:
    raw_name = name.encode("utf-8")
    if not 0 < len(raw_name) <= MAX_HEADER_NAME_LENGTH:
        raise InvalidHeaderNameError(
            f"a header name must be 1 to {MAX_HEADER_NAME_LENGTH} bytes of UTF-8, "
            f"this one is {len(raw_name)}",
            header=name,
        )
    out.append(len(raw_name))
    out += raw_name
    kind = header_type(value)
    out.append(kind)
    if kind <= HeaderType.BOOL_FALSE:
        return
    if kind is HeaderType.STRING:
        assert isinstance(value, str)
        _append_sized(out, value.encode("utf-8"))
    elif kind is HeaderType.BYTE_ARRAY:
        assert isinstance(value, bytes | bytearray | memoryview)
        _append_sized(out, bytes(value))
    elif kind is HeaderType.UUID:
        assert isinstance(value, uuid.UUID)
        out += value.bytes
    elif kind is HeaderType.TIMESTAMP:
        stamp = value if isinstance(value, Timestamp) else None
        if isinstance(value, _dt.datetime):
            stamp = Timestamp.from_datetime(value)
        assert stamp is not None
        out += _INT64.pack(stamp)
    else:
        assert isinstance(value, int)
        _append_int(out, kind, value)


def _append_sized(out: bytearray, raw: bytes) -> None:
    if len(raw) > MAX_HEADER_VALUE_LENGTH:
        raise InvalidHeaderValueError(
            f"value is {len(raw)} bytes; the limit is {MAX_HEADER_VALUE_LENGTH}"
        )
    out += _UINT16.pack(len(raw))
    out += raw


def _append_int(out: bytearray, kind: HeaderType, value: int) -> None:
    if kind is HeaderType.BYTE:
        out += value.to_bytes(1, "big", signed=True)
    elif kind is HeaderType.SHORT:
        out += value.to_bytes(2, "big", signed=True)
    elif kind is HeaderType.LONG:
        out += _INT64.pack(value)
    elif -(1 << 31) <= value < (1 << 31):
        out += _INT32.pack(value)
    else:
        raise InvalidHeaderValueError(
            f"{value} does not fit in an integer (int32) header; wrap it in Long(...)"
        )

"""The single-message codec: header types, limits, and errors that say where."""

from __future__ import annotations

import datetime as dt
import struct
import uuid
import zlib
from typing import Any

import pytest

from qsmith.runtime.errors import EventStreamError
from qsmith.runtime.eventstream import (
    FIXED_VALUE_SIZES,
    MAX_HEADER_NAME_LENGTH,
    MAX_HEADER_VALUE_LENGTH,
    MAX_HEADERS_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_PAYLOAD_LENGTH,
    Byte,
    DuplicateHeaderError,
    HeadersTooLongError,
    HeaderType,
    HeaderValue,
    InvalidHeaderNameError,
    InvalidHeadersLengthError,
    InvalidHeaderTypeError,
    InvalidHeaderValueError,
    InvalidMessageLengthError,
    Long,
    Message,
    PayloadTooLongError,
    Short,
    Timestamp,
    TruncatedMessageError,
    decode_message,
    encode_message,
    header_type,
)
from qsmith.runtime.eventstream.message import encode_frame


def _frame_with_prelude(total: int, headers_length: int, rest: bytes = b"") -> bytes:
    """A frame with an arbitrary (but correctly checksummed) prelude."""
    prelude = struct.pack(">II", total, headers_length)
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + rest
    return body + struct.pack(">I", zlib.crc32(body))


def test_the_limits_are_the_formats() -> None:
    assert MAX_PAYLOAD_LENGTH == 16 * 1024 * 1024
    assert MAX_HEADERS_LENGTH == 128 * 1024
    assert MAX_HEADER_NAME_LENGTH == 255
    assert MAX_HEADER_VALUE_LENGTH == 32767
    assert MAX_MESSAGE_LENGTH == MAX_PAYLOAD_LENGTH + MAX_HEADERS_LENGTH + 16


EDGE_VALUES = [
    (True, HeaderType.BOOL_TRUE),
    (False, HeaderType.BOOL_FALSE),
    (Byte(-128), HeaderType.BYTE),
    (Byte(127), HeaderType.BYTE),
    (Short(-32768), HeaderType.SHORT),
    (Short(32767), HeaderType.SHORT),
    (-(2**31), HeaderType.INTEGER),
    (2**31 - 1, HeaderType.INTEGER),
    (Long(-(2**63)), HeaderType.LONG),
    (Long(2**63 - 1), HeaderType.LONG),
    (b"", HeaderType.BYTE_ARRAY),
    (b"\x00\xff" * 100, HeaderType.BYTE_ARRAY),
    ("", HeaderType.STRING),
    ("héllo ✓", HeaderType.STRING),
    ("x" * MAX_HEADER_VALUE_LENGTH, HeaderType.STRING),
    (Timestamp(-(2**63)), HeaderType.TIMESTAMP),
    (Timestamp(1_700_000_000_123), HeaderType.TIMESTAMP),
    (uuid.UUID("b79bc914-de21-4e13-b8b2-bc47e85b7f0b"), HeaderType.UUID),
]


@pytest.mark.parametrize(("value", "kind"), EDGE_VALUES)
def test_every_header_type_round_trips_with_its_type(value: object, kind: HeaderType) -> None:
    message = Message({"h": value}, b"payload")  # type: ignore[dict-item]
    encoded = encode_message(message)
    assert encoded[12 + 1 + 1] == kind  # after the name length and the name "h"
    decoded = decode_message(encoded)
    assert decoded == message
    assert header_type(decoded.headers["h"]) is kind
    if kind in FIXED_VALUE_SIZES:
        headers_length = int.from_bytes(encoded[4:8], "big")
        assert headers_length == 3 + FIXED_VALUE_SIZES[kind]  # name length, name, type


def test_a_datetime_encodes_as_a_timestamp_in_milliseconds() -> None:
    when = dt.datetime(2024, 10, 31, 14, 15, 14, 250_000, tzinfo=dt.UTC)
    decoded = decode_message(encode_message(Message({"t": when})))
    assert decoded.headers["t"] == Timestamp(1730384114250)
    stamp = decoded.headers["t"]
    assert isinstance(stamp, Timestamp)
    assert stamp.to_datetime() == when
    assert Timestamp.from_datetime(when.replace(tzinfo=None)) == stamp


def test_a_timestamp_outside_datetime_says_so() -> None:
    with pytest.raises(InvalidHeaderValueError, match="outside the range"):
        Timestamp(2**62).to_datetime()


def test_message_equality_tells_header_types_apart() -> None:
    assert Message({"a": Short(1)}) != Message({"a": 1})
    assert Message({"a": 1, "b": 2}) != Message({"b": 2, "a": 1})
    assert Message({"a": Short(1)}, b"x") == Message({"a": Short(1)}, b"x")


@pytest.mark.parametrize(
    ("make", "fits"),
    [(Byte, 2**7), (Short, 2**15), (Long, 2**63), (Timestamp, 2**63)],
)
def test_sized_ints_refuse_values_that_do_not_fit(make: type[int], fits: int) -> None:
    make(fits - 1)
    make(-fits)
    with pytest.raises(InvalidHeaderValueError):
        make(fits)
    with pytest.raises(InvalidHeaderValueError):
        make(-fits - 1)


@pytest.mark.parametrize(
    ("headers", "error", "text"),
    [
        ({"": "x"}, InvalidHeaderNameError, "1 to 255 bytes"),
        ({"n" * 256: "x"}, InvalidHeaderNameError, "256"),
        ({"big": "x" * (MAX_HEADER_VALUE_LENGTH + 1)}, InvalidHeaderValueError, "32767"),
        ({"bytes": b"x" * (MAX_HEADER_VALUE_LENGTH + 1)}, InvalidHeaderValueError, "32767"),
        ({"int": 2**31}, InvalidHeaderValueError, "Long"),
        ({"float": 1.5}, InvalidHeaderValueError, "float"),
    ],
)
def test_encoding_rejects_what_the_format_cannot_carry(
    headers: dict[str, object], error: type[EventStreamError], text: str
) -> None:
    with pytest.raises(error, match=text) as caught:
        encode_message(Message(headers))  # type: ignore[arg-type]
    assert caught.value.header == next(iter(headers))  # type: ignore[attr-defined]


def test_encoding_enforces_the_section_limits() -> None:
    many = {f"h{i:05}": "v" * 1000 for i in range(140)}
    with pytest.raises(HeadersTooLongError):
        encode_message(Message(many))  # type: ignore[arg-type]
    with pytest.raises(PayloadTooLongError):
        encode_message(Message({}, b"\x00" * (MAX_PAYLOAD_LENGTH + 1)))
    assert len(encode_message(Message({}, b"\x00" * MAX_PAYLOAD_LENGTH))) == (
        MAX_PAYLOAD_LENGTH + 16
    )


def test_a_total_length_below_the_minimum_is_invalid() -> None:
    with pytest.raises(InvalidMessageLengthError, match="shorter than an empty message"):
        decode_message(_frame_with_prelude(15, 0)[:15])


def test_headers_length_beyond_the_message_is_invalid() -> None:
    with pytest.raises(InvalidHeadersLengthError) as caught:
        decode_message(_frame_with_prelude(20, 5, b""))
    assert caught.value.offset == 4


def test_headers_length_beyond_the_limit_is_too_long() -> None:
    with pytest.raises(HeadersTooLongError):
        decode_message(_frame_with_prelude(16 + MAX_HEADERS_LENGTH + 1, MAX_HEADERS_LENGTH + 1))


def test_a_short_buffer_is_truncated() -> None:
    data = encode_message(Message({"a": "b"}, b"payload"))
    with pytest.raises(TruncatedMessageError):
        decode_message(data[:-1])
    with pytest.raises(TruncatedMessageError):
        decode_message(data[:5])


@pytest.mark.parametrize(
    ("headers_bytes", "error", "offset", "header"),
    [
        (b"\x00\x07\x00\x00", InvalidHeaderNameError, 12, None),  # empty name
        (b"\x01a\x0b", InvalidHeaderTypeError, 12, "a"),
        (b"\x01a\x07\x00\x05abc", InvalidHeaderValueError, 12, "a"),  # value past the end
        (b"\x01a\x07\x00", InvalidHeaderValueError, 12, "a"),  # length cut
        (b"\x01a\x05\x00\x00", InvalidHeaderValueError, 12, "a"),  # long cut
        (b"\x01a\x07\x00\x02\xff\xfe", InvalidHeaderValueError, 12, "a"),  # not UTF-8
        (b"\x02\xff\xfe\x00", InvalidHeaderNameError, 12, None),  # name not UTF-8
        (b"\x05abc", InvalidHeaderNameError, 12, None),  # name past the end
        (b"\x01a\x00\x01b\x01\x01a\x01", DuplicateHeaderError, 18, "a"),
    ],
)
def test_header_errors_say_what_and_where(
    headers_bytes: bytes,
    error: type[EventStreamError],
    offset: int,
    header: str | None,
) -> None:
    with pytest.raises(error) as caught:
        decode_message(encode_frame(headers_bytes, b"payload"))
    assert caught.value.offset == offset  # type: ignore[attr-defined]
    assert caught.value.header == header  # type: ignore[attr-defined]
    if header is not None:
        assert repr(header) in str(caught.value)
    assert f"byte {offset}" in str(caught.value)


def test_every_error_is_an_event_stream_error_and_a_qsmith_error() -> None:
    from qsmith.runtime.errors import QsmithError

    with pytest.raises(QsmithError):
        decode_message(b"\x00" * 16)


def test_encoded_header_sections_are_reused_only_for_equal_string_headers() -> None:
    # The encoder caches all-string sections; a bool or int header equal to a cached
    # value (True == 1) must still be encoded with its own type.
    from qsmith.runtime.eventstream.headers import encode_headers

    strings: dict[str, HeaderValue] = {":message-type": "event", ":event-type": "chunk"}
    assert encode_headers(dict(strings)) is encode_headers(dict(strings))
    for headers in ({"n": True}, {"n": 1}, {"n": True}):
        decoded = decode_message(encode_message(Message(dict(headers)))).headers
        assert decoded == headers and type(decoded["n"]) is type(headers["n"])
    blob: Any = bytearray(b"\x00\x01")  # accepted at run time; unhashable: not cached
    raw: dict[str, HeaderValue] = {"blob": blob}
    assert decode_message(encode_message(Message(raw))).headers == {"blob": b"\x00\x01"}

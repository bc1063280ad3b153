"""Properties of the codec over generated messages and bytes (hypothesis)."""

from __future__ import annotations

import contextlib
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.runtime.errors import EventStreamError
from qsmith.runtime.eventstream import (
    ChecksumMismatchError,
    Message,
    MessageDecoder,
    decode_message,
    encode_message,
)
from qsmith.runtime.eventstream.headers import encode_headers
from qsmith.runtime.eventstream.message import encode_frame
from tests.runtime.eventstream.strategies import messages


def _decode_chunks(chunks: list[bytes]) -> list[Message]:
    decoder = MessageDecoder()
    out = [m for chunk in chunks for m in decoder.feed(chunk)]
    decoder.finish()
    return out


@settings(max_examples=200)
@given(messages)
def test_encode_then_decode_gives_the_message_back(message: Message) -> None:
    encoded = encode_message(message)
    assert decode_message(encoded) == message
    assert encode_message(decode_message(encoded)) == encoded


@settings(max_examples=80)
@given(st.lists(messages, max_size=6), st.data())
def test_every_chunking_decodes_to_the_same_messages(
    batch: list[Message], data: st.DataObject
) -> None:
    stream = b"".join(encode_message(m) for m in batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    bounds = [0, *cuts, len(stream)]
    chunks = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    assert _decode_chunks(chunks) == batch


@settings(max_examples=40)
@given(st.lists(messages, max_size=3))
def test_one_byte_at_a_time_decodes_to_the_same_messages(batch: list[Message]) -> None:
    stream = b"".join(encode_message(m) for m in batch)
    assert _decode_chunks([stream[i : i + 1] for i in range(len(stream))]) == batch


@settings(max_examples=150)
@given(messages, st.data())
def test_any_single_flipped_bit_is_detected(message: Message, data: st.DataObject) -> None:
    encoded = bytearray(encode_message(message))
    bit = data.draw(st.integers(0, len(encoded) * 8 - 1))
    encoded[bit // 8] ^= 1 << (bit % 8)
    corrupt = bytes(encoded)
    try:
        decode_message(corrupt)
    except ChecksumMismatchError:
        pass  # what a flipped bit must give, wherever it is
    else:
        raise AssertionError(f"flipping bit {bit} went unnoticed")
    decoder = MessageDecoder()
    try:
        decoder.feed(corrupt)
        decoder.finish()
    except EventStreamError:
        pass
    else:
        raise AssertionError(f"the stream decoder missed flipped bit {bit}")


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_random_bytes_raise_nothing_but_event_stream_errors(data: bytes) -> None:
    with contextlib.suppress(EventStreamError):
        decode_message(data)
    with contextlib.suppress(EventStreamError):
        _decode_chunks([data[:7], data[7:]])


@settings(max_examples=300)
@given(st.binary(max_size=120), st.binary(max_size=32))
def test_random_headers_with_valid_checksums_raise_only_event_stream_errors(
    headers: bytes, payload: bytes
) -> None:
    """Past the checksums, the header parser meets arbitrary bytes safely."""
    frame = encode_frame(headers, payload)
    try:
        message = decode_message(frame)
    except EventStreamError:
        return
    assert message.payload == payload
    assert encode_message(message) == frame


@settings(max_examples=150)
@given(
    messages,
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_edited_header_sections_with_valid_checksums_raise_only_event_stream_errors(
    message: Message, edits: list[tuple[int, int]]
) -> None:
    """Valid header sections with a few bytes changed, checksums recomputed: the parser
    either decodes them (to bytes that re-encode identically) or raises our errors."""
    section = bytearray(encode_headers(message.headers))
    for position, value in edits:
        if section:
            section[position % len(section)] = value
    frame = encode_frame(bytes(section), message.payload)
    try:
        decoded = decode_message(frame)
    except EventStreamError:
        return
    assert encode_message(decoded) == frame

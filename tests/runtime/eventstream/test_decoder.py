"""The incremental decoder: timing of messages, bounded buffering, error positions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qsmith.runtime.eventstream import (
    Message,
    MessageChecksumMismatchError,
    MessageDecoder,
    PreludeChecksumMismatchError,
    TruncatedMessageError,
    aiter_messages,
    encode_message,
    iter_messages,
)


def _messages(count: int, size: int = 40) -> list[Message]:
    return [
        Message(
            {":event-type": "chunk", ":message-type": "event", "n": i},
            f"{i:08}".encode() * (size // 8),
        )
        for i in range(count)
    ]


def _corrupt_payload(frame: bytes) -> bytes:
    return frame[:-5] + bytes([frame[-5] ^ 0x01]) + frame[-4:]


def test_a_message_comes_out_when_its_last_byte_arrives() -> None:
    frame = encode_message(Message({"a": "b"}, b"hello"))
    decoder = MessageDecoder()
    assert decoder.feed(frame[:-1]) == []
    assert decoder.buffered == len(frame) - 1
    assert decoder.feed(frame[-1:]) == [Message({"a": "b"}, b"hello")]
    assert decoder.buffered == 0
    decoder.finish()


def test_a_chunk_can_end_one_message_and_hold_several_more() -> None:
    batch = _messages(5)
    frames = [encode_message(m) for m in batch]
    decoder = MessageDecoder()
    assert decoder.feed(frames[0][:10]) == []
    got = decoder.feed(frames[0][10:] + b"".join(frames[1:4]) + frames[4][:3])
    assert got == batch[:4]
    assert decoder.feed(frames[4][3:]) == batch[4:]
    assert decoder.messages_decoded == 5
    assert decoder.offset == sum(map(len, frames))


def test_buffering_is_bounded_by_one_message_whatever_the_chunk_size() -> None:
    frames = [encode_message(m) for m in _messages(50, size=1000)]
    stream = b"".join(frames)
    largest = max(map(len, frames))
    for size in (1, 7, 999, 4096, 65536, len(stream)):
        decoder = MessageDecoder()
        count = 0
        for start in range(0, len(stream), size):
            count += len(decoder.feed(stream[start : start + size]))
            assert decoder.buffered < largest
        decoder.finish()
        assert count == 50


def test_messages_do_not_share_header_dicts() -> None:
    frame = encode_message(Message({"a": "b"}))
    first, second = MessageDecoder().feed(frame * 2)
    first.headers["a"] = "changed"
    assert second.headers == {"a": "b"}


def test_the_header_cache_stays_small() -> None:
    decoder = MessageDecoder()
    for i in range(500):
        decoder.feed(encode_message(Message({"n": i})))
    assert len(decoder._header_cache) <= 64


def test_good_messages_before_a_fault_come_out_first() -> None:
    frames = [encode_message(m) for m in _messages(4)]
    frames[3] = _corrupt_payload(frames[3])
    decoder = MessageDecoder()
    assert len(decoder.feed(b"".join(frames))) == 3
    with pytest.raises(MessageChecksumMismatchError) as caught:
        decoder.feed(b"")
    error = caught.value
    assert error.message_index == 3
    assert error.offset == sum(map(len, frames)) - 4  # where the stored CRC sits
    assert "message #3" in str(error)
    with pytest.raises(MessageChecksumMismatchError):
        decoder.finish()  # the decoder is spent


def test_a_corrupt_prelude_is_found_before_the_message_arrives() -> None:
    frames = [encode_message(m) for m in _messages(2)]
    bad = bytearray(frames[1])
    bad[2] ^= 0x40  # total length
    decoder = MessageDecoder()
    decoder.feed(frames[0])
    with pytest.raises(PreludeChecksumMismatchError) as caught:
        decoder.feed(bytes(bad[:12]))
    assert caught.value.message_index == 1
    assert caught.value.offset == len(frames[0]) + 8


def test_errors_in_a_message_completed_from_the_buffer_are_located() -> None:
    frames = [encode_message(m) for m in _messages(3)]
    frames[2] = _corrupt_payload(frames[2])
    stream = b"".join(frames)
    decoder = MessageDecoder()
    with pytest.raises(MessageChecksumMismatchError) as caught:
        for i in range(len(stream)):
            decoder.feed(stream[i : i + 1])
    assert caught.value.message_index == 2
    assert caught.value.offset == len(stream) - 4


@pytest.mark.parametrize("cut", [1, 11, 12, 30])
def test_a_stream_ending_mid_message_is_an_error(cut: int) -> None:
    frames = [encode_message(m) for m in _messages(2)]
    decoder = MessageDecoder()
    decoder.feed(frames[0] + frames[1][:cut])
    with pytest.raises(TruncatedMessageError) as caught:
        decoder.finish()
    assert caught.value.message_index == 1
    assert caught.value.offset == len(frames[0]) + cut
    with pytest.raises(TruncatedMessageError):
        list(iter_messages([frames[0], frames[1][:cut]]))


def test_iter_messages_decodes_a_stream_of_chunks() -> None:
    batch = _messages(10)
    stream = b"".join(encode_message(m) for m in batch)
    assert list(iter_messages(stream[i : i + 13] for i in range(0, len(stream), 13))) == batch


async def test_aiter_messages_decodes_an_async_stream() -> None:
    batch = _messages(10)
    stream = b"".join(encode_message(m) for m in batch)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(stream), 5):
            yield stream[i : i + 5]

    assert [m async for m in aiter_messages(chunks())] == batch


def test_feed_accepts_bytearray_and_memoryview() -> None:
    frame = encode_message(Message({"a": "b"}, b"x"))
    decoder = MessageDecoder()
    assert decoder.feed(bytearray(frame[:5])) == []
    (message,) = decoder.feed(memoryview(frame)[5:])
    assert type(message.payload) is bytes

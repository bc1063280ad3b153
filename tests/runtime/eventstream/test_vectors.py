"""Every vector of ``shared/vectors/eventstream/`` (see SOURCES.md there).

Positive cases: the decoded headers (names, wire types, values, in order), payload and
frame fields equal the vector's, the incremental decoder agrees when fed one byte at a
time, and re-encoding reproduces the bytes exactly. Negative cases: an error of the
class the case names. Where SOURCES.md says the outcome depends on check order (the
smithy-rs negatives whose message CRC is stale), any ``EventStreamError`` is accepted
for the bytes as stored, and the case's specific check is then exercised on the same
bytes with the message CRC recomputed.
"""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from qsmith.runtime.eventstream import (
    ChecksumMismatchError,
    DuplicateHeaderError,
    EventStreamError,
    InvalidHeaderNameError,
    InvalidHeadersLengthError,
    InvalidHeaderTypeError,
    InvalidHeaderValueError,
    MessageChecksumMismatchError,
    MessageDecoder,
    PayloadTooLongError,
    PreludeChecksumMismatchError,
    TrailingBytesError,
    decode_message,
    encode_message,
    header_type,
)
from tests.runtime.eventstream.vectors import Case, expected_header, load_cases, require

CASES = load_cases()

# Known failures (name -> reason). Empty: every case passes. A case that starts failing
# must be listed here with its reason, never skipped silently.
KNOWN_FAILURES: dict[str, str] = {}

# The error each case names (upstream spelling) -> our class.
ERROR_CLASSES: dict[str, type[EventStreamError]] = {
    "Prelude checksum mismatch": PreludeChecksumMismatchError,
    "Message checksum mismatch": MessageChecksumMismatchError,
    "ChecksumMismatch": ChecksumMismatchError,
    "PreludeChecksumMismatch": PreludeChecksumMismatchError,
    "MessageChecksumMismatch": MessageChecksumMismatchError,
    "InvalidHeaderNameLength": InvalidHeaderNameError,
    "InvalidHeaderValue": InvalidHeaderValueError,
    "InvalidHeaderValueType": InvalidHeaderTypeError,
    "InvalidHeadersLength": InvalidHeadersLengthError,
    "DuplicateHeader": DuplicateHeaderError,
    "InvalidPayloadLength": PayloadTooLongError,
    # smithy-rs reads the 102-byte name past the headers section and fails on its
    # UTF-8; we stop at the section's end first (see test_repaired_crc_...).
    "InvalidUtf8String": InvalidHeaderNameError,
}


def _params(cases: list[Case]) -> list[object]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=(
                [pytest.mark.xfail(reason=KNOWN_FAILURES[case.id], strict=True)]
                if case.id in KNOWN_FAILURES
                else []
            ),
        )
        for case in cases
    ]


POSITIVE = _params([c for c in CASES if not c.raw or c.success])
NEGATIVE = _params([c for c in CASES if not c.raw or not c.success])


def _error_class(case: Case) -> type[EventStreamError]:
    named = case.raw["expected_error"].split("(")[0]
    return ERROR_CLASSES[named]


def _stale_crc(case: Case) -> bool:
    return "stale" in case.raw.get("note", "")


@pytest.mark.parametrize("case", POSITIVE)
def test_positive_vector_decodes_to_the_expected_message(case: Case) -> None:
    require(case)
    data = case.encoded()
    expected = case.raw["expected"]
    message = decode_message(data)

    got = [(name, header_type(value), value) for name, value in message.headers.items()]
    want = [(h["name"], *expected_header(h)) for h in expected["headers"]]
    assert got == want
    assert message.payload == base64.b64decode(expected["payload_b64"])

    total, headers_length, prelude_crc = struct.unpack_from(">III", data)
    assert (total, headers_length) == (expected["total_length"], expected["headers_length"])
    assert len(data) == total
    assert prelude_crc == expected["prelude_crc"] & 0xFFFFFFFF
    assert struct.unpack_from(">I", data, total - 4)[0] == expected["message_crc"] & 0xFFFFFFFF

    # Re-encoding gives the same bytes (smithy-rs asserts this for its all-headers case).
    assert encode_message(message) == data


@pytest.mark.parametrize("case", POSITIVE)
def test_positive_vector_decodes_the_same_when_dribbled(case: Case) -> None:
    require(case)
    data = case.encoded()
    decoder = MessageDecoder()
    messages = [m for i in range(len(data)) for m in decoder.feed(data[i : i + 1])]
    decoder.finish()
    assert messages == [decode_message(data)]


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_vector_raises_the_named_error(case: Case) -> None:
    require(case)
    data = case.encoded()
    with pytest.raises(EventStreamError) as caught:
        decode_message(data)
    error = caught.value
    if _stale_crc(case):
        # Outcome depends on check order (SOURCES.md): we verify the message CRC
        # before parsing headers, so the stale CRC is what we report.
        assert isinstance(error, _error_class(case) | MessageChecksumMismatchError)
    else:
        assert isinstance(error, _error_class(case)), error
        reference = case.raw.get("reference_decoder_error")
        if reference in ERROR_CLASSES:
            assert isinstance(error, ERROR_CLASSES[reference])


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_vector_fails_the_stream_decoder_too(case: Case) -> None:
    require(case)
    data = case.encoded()
    decoder = MessageDecoder()
    with pytest.raises(EventStreamError) as caught:
        decoder.feed(data)
        decoder.finish()
    assert caught.value.message_index == 0  # type: ignore[attr-defined]


STALE = _params([c for c in CASES if not c.raw or (not c.success and _stale_crc(c))])


@pytest.mark.parametrize("case", STALE)
def test_repaired_crc_exposes_the_specific_error(case: Case) -> None:
    """The same bytes with a correct message CRC fail on the check the case is about."""
    require(case)
    data = case.encoded()
    total = struct.unpack_from(">I", data)[0]
    body = data[: total - 4]
    repaired = body + struct.pack(">I", zlib.crc32(body))
    with pytest.raises(EventStreamError) as caught:
        decode_message(repaired)
    assert isinstance(caught.value, _error_class(case)), caught.value
    if case.raw["expected_error"].startswith("InvalidHeaderValueType(0x60)"):
        assert isinstance(caught.value, InvalidHeaderTypeError)
        assert caught.value.type_id == 0x60


def test_named_checksums_match_the_smithy_rs_expectations() -> None:
    cases = {c.name: c for c in CASES if c.source == "smithy-rs.json"}
    if not cases:
        require(CASES[0])
    for name, stored in (("invalid_prelude_checksum", 0xDEADBEEF),):
        with pytest.raises(PreludeChecksumMismatchError) as prelude:
            decode_message(cases[name].encoded())
        assert (prelude.value.expected, prelude.value.actual) == (0x8BB495FB, stored)
    with pytest.raises(MessageChecksumMismatchError) as message:
        decode_message(cases["invalid_message_checksum"].encoded())
    assert (message.value.expected, message.value.actual) == (0x01A05860, 0xDEADBEEF)
    assert message.value.offset == 0x96 - 4


def test_payload_limit_is_enforced_from_the_prelude_alone() -> None:
    """The 24 MiB botocore case fails on its first 12 bytes: nothing else is buffered."""
    (case,) = [c for c in CASES if c.name == "INVALID_PAYLOAD_LENGTH"] or [CASES[0]]
    require(case)
    decoder = MessageDecoder()
    with pytest.raises(PayloadTooLongError):
        decoder.feed(case.encoded()[:12])


def test_trailing_bytes_after_one_message_are_reported() -> None:
    (case,) = [c for c in CASES if c.name == "valid_no_headers"] or [CASES[0]]
    require(case)
    with pytest.raises(TrailingBytesError) as caught:
        decode_message(case.encoded() + b"\x00")
    assert caught.value.offset == len(case.encoded())


def test_every_vector_file_was_read() -> None:
    require(CASES[0])
    counts: dict[str, list[int]] = {}
    for case in CASES:
        pair = counts.setdefault(case.source, [0, 0])
        pair[0 if case.success else 1] += 1
    assert counts == {
        "smithy-typescript.json": [5, 4],
        "smithy-rs.json": [5, 8],
        "botocore.json": [9, 7],
        "smithy-protocol-tests-restJson1.json": [92, 0],
    }

"""The event stream vectors under ``vectors/eventstream`` (see SOURCES.md there).

Positive cases: the decoded headers (names, wire types, values, in order), payload and
frame fields equal the vector's, the incremental decoder agrees when fed one byte at a
time, and re-encoding reproduces the bytes. Negative cases: an error of the class the
case names, from both decoders. Where SOURCES.md says the outcome depends on check
order (the smithy-rs negatives whose message CRC is stale), any of the case's error or
a message CRC mismatch is accepted for the bytes as stored, and the case's specific
check is then exercised on the same bytes with the message CRC recomputed.
"""

from __future__ import annotations

import base64
import json
import struct
import uuid
import zlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from qsmith.codegen.conformance.base import Case, CaseMismatch, expect, expect_equal
from qsmith.runtime.eventstream import (
    Byte,
    ChecksumMismatchError,
    DuplicateHeaderError,
    EventStreamError,
    HeaderType,
    HeaderValue,
    InvalidHeaderNameError,
    InvalidHeadersLengthError,
    InvalidHeaderTypeError,
    InvalidHeaderValueError,
    Long,
    MessageChecksumMismatchError,
    MessageDecoder,
    PayloadTooLongError,
    PreludeChecksumMismatchError,
    Short,
    Timestamp,
    decode_message,
    encode_message,
    header_type,
)

__all__ = [
    "ERROR_CLASSES",
    "FILES",
    "Vector",
    "error_class",
    "eventstream_cases",
    "expected_header",
    "load_vectors",
    "stale_crc",
]

VECTOR_DIR = ("vectors", "eventstream")
FILES = (
    "smithy-typescript.json",
    "smithy-rs.json",
    "botocore.json",
    "smithy-protocol-tests-restJson1.json",
)

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
    # UTF-8; we stop at the section's end first (the repaired-CRC check shows it).
    "InvalidUtf8String": InvalidHeaderNameError,
}


@dataclass(frozen=True)
class Vector:
    source: str
    name: str
    raw: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.source.removesuffix('.json')}:{self.name}"

    @property
    def success(self) -> bool:
        return bool(self.raw["expectation"] == "success")

    def encoded(self) -> bytes:
        construct: dict[str, Any] | None = self.raw.get("encoded_construct")
        if construct is not None:
            return (
                bytes.fromhex(construct["prefix_hex"])
                + bytes.fromhex(construct["repeat_byte_hex"]) * int(construct["repeat_count"])
                + bytes.fromhex(construct["suffix_hex"])
            )
        return bytes.fromhex(self.raw["encoded_hex"])


def load_vectors(shared: Path) -> list[Vector]:
    """Every case of every file (none when any file is missing)."""
    folder = shared.joinpath(*VECTOR_DIR)
    if not all((folder / name).is_file() for name in FILES):
        return []
    vectors = []
    for name in FILES:
        document = json.loads((folder / name).read_text())
        vectors += [Vector(name, case["name"], case) for case in document["cases"]]
    return vectors


def eventstream_cases(shared: Path) -> list[Case]:
    return [
        Case(v.id, partial(check_positive if v.success else check_negative, v))
        for v in load_vectors(shared)
    ]


def expected_header(spec: dict[str, Any]) -> tuple[HeaderType, HeaderValue]:
    """A vector's header as (wire type, value in our Python form)."""
    kind = HeaderType[spec["type"].upper()]
    if kind != spec["type_id"]:
        raise CaseMismatch(f"header {spec['name']}: type {spec['type']} is not id {kind}")
    value = spec["value"]
    converted: HeaderValue
    if kind is HeaderType.BYTE_ARRAY:
        converted = base64.b64decode(value)
    elif kind is HeaderType.UUID:
        converted = uuid.UUID(hex=value)
    elif kind is HeaderType.TIMESTAMP:
        converted = Timestamp(value)
    elif kind is HeaderType.BYTE:
        converted = Byte(value)
    elif kind is HeaderType.SHORT:
        converted = Short(value)
    elif kind is HeaderType.LONG:
        converted = Long(value)
    else:
        converted = value
    return kind, converted


def error_class(vector: Vector) -> type[EventStreamError]:
    return ERROR_CLASSES[vector.raw["expected_error"].split("(")[0]]


def stale_crc(vector: Vector) -> bool:
    return "stale" in vector.raw.get("note", "")


def check_positive(vector: Vector) -> None:
    data = vector.encoded()
    expected = vector.raw["expected"]
    message = decode_message(data)
    got = [(name, header_type(value), value) for name, value in message.headers.items()]
    want = [(h["name"], *expected_header(h)) for h in expected["headers"]]
    expect_equal(got, want, "headers")
    expect_equal(message.payload, base64.b64decode(expected["payload_b64"]), "payload")
    total, headers_length, prelude_crc = struct.unpack_from(">III", data)
    lengths = (total, headers_length)
    expect_equal(lengths, (expected["total_length"], expected["headers_length"]), "lengths")
    expect_equal(len(data), total, "frame length")
    expect_equal(prelude_crc, expected["prelude_crc"] & 0xFFFFFFFF, "prelude CRC")
    message_crc = struct.unpack_from(">I", data, total - 4)[0]
    expect_equal(message_crc, expected["message_crc"] & 0xFFFFFFFF, "message CRC")
    expect_equal(encode_message(message), data, "re-encoded bytes")
    decoder = MessageDecoder()
    dribbled = [m for i in range(len(data)) for m in decoder.feed(data[i : i + 1])]
    decoder.finish()
    expect_equal(dribbled, [message], "messages decoded one byte at a time")


def check_negative(vector: Vector) -> None:
    data = vector.encoded()
    error = _decode_error(data)
    wanted = error_class(vector)
    if stale_crc(vector):
        # Outcome depends on check order (SOURCES.md): we verify the message CRC before
        # parsing headers, so the stale CRC is what we report...
        expect(isinstance(error, wanted | MessageChecksumMismatchError), f"raised {error!r}")
        # ...and with the CRC repaired, the check the case is about fails.
        total = struct.unpack_from(">I", data)[0]
        body = data[: total - 4]
        repaired = _decode_error(body + struct.pack(">I", zlib.crc32(body)))
        expect(isinstance(repaired, wanted), f"repaired bytes raised {repaired!r}")
        if vector.raw["expected_error"].startswith("InvalidHeaderValueType(0x60)"):
            expect_equal(getattr(repaired, "type_id", None), 0x60, "header type id")
    else:
        expect(isinstance(error, wanted), f"raised {error!r}, expected {wanted.__name__}")
        reference = vector.raw.get("reference_decoder_error")
        if reference in ERROR_CLASSES:
            expect(isinstance(error, ERROR_CLASSES[reference]), f"raised {error!r}")
    decoder = MessageDecoder()
    try:
        decoder.feed(data)
        decoder.finish()
    except EventStreamError as exc:
        expect_equal(getattr(exc, "message_index", None), 0, "message index")
    else:
        raise CaseMismatch("the incremental decoder accepted the bytes")


def _decode_error(data: bytes) -> EventStreamError:
    try:
        decode_message(data)
    except EventStreamError as exc:
        return exc
    raise CaseMismatch("the bytes decoded without error")

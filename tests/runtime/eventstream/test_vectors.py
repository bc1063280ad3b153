"""Every vector of ``shared/vectors/eventstream/`` (see SOURCES.md there).

The per-vector checks are ``qsmith.codegen.conformance.eventstream``'s, shared with
``qsmith conformance``: positive vectors decode to the expected message (also one byte
at a time) and re-encode to the same bytes; negative vectors raise the error class they
name from both decoders (with the stale-CRC rule of SOURCES.md). The tests below them
pin specific facts of named vectors.
"""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.conformance.eventstream import check_negative, check_positive
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.runtime.eventstream import (
    MessageChecksumMismatchError,
    MessageDecoder,
    PayloadTooLongError,
    PreludeChecksumMismatchError,
    TrailingBytesError,
    decode_message,
)
from tests.runtime.eventstream.vectors import Case, load_cases, require

CASES = load_cases()
KNOWN = KNOWN_FAILURES["eventstream"]


def _params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=(
                [pytest.mark.xfail(reason=KNOWN[case.id], strict=True)] if case.id in KNOWN else []
            ),
        )
        for case in cases
    ]


POSITIVE = _params([c for c in CASES if not c.raw or c.success])
NEGATIVE = _params([c for c in CASES if not c.raw or not c.success])


@pytest.mark.parametrize("case", POSITIVE)
def test_positive_vector(case: Case) -> None:
    require(case)
    check_positive(case)


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_vector(case: Case) -> None:
    require(case)
    check_negative(case)


def test_known_failures_name_real_cases() -> None:
    require(CASES[0])
    assert set(KNOWN) <= {case.id for case in CASES}


def test_named_checksums_match_the_smithy_rs_expectations() -> None:
    cases = {c.name: c for c in CASES if c.source == "smithy-rs.json"}
    if not cases:
        require(CASES[0])
    with pytest.raises(PreludeChecksumMismatchError) as prelude:
        decode_message(cases["invalid_prelude_checksum"].encoded())
    assert (prelude.value.expected, prelude.value.actual) == (0x8BB495FB, 0xDEADBEEF)
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

"""Loading the event stream vectors of ``shared/vectors/eventstream/`` for the tests.

Cases are listed at collection time (for one test id per case); when the data is
missing, a single placeholder case asks ``shared_path`` for it inside the test, which
skips, or fails under ``QSMITH_REQUIRE_SHARED=1``.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

from qsmith.runtime.eventstream import Byte, HeaderType, HeaderValue, Long, Short, Timestamp
from tests.support.shared import shared_path, shared_root

VECTOR_DIR = ("vectors", "eventstream")
FILES = (
    "smithy-typescript.json",
    "smithy-rs.json",
    "botocore.json",
    "smithy-protocol-tests-restJson1.json",
)


@dataclass(frozen=True)
class Case:
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
        construct = self.raw.get("encoded_construct")
        if construct is not None:
            return (
                bytes.fromhex(construct["prefix_hex"])
                + bytes.fromhex(construct["repeat_byte_hex"]) * construct["repeat_count"]
                + bytes.fromhex(construct["suffix_hex"])
            )
        return bytes.fromhex(self.raw["encoded_hex"])


MISSING = Case("missing", "shared data", {})


def load_cases() -> list[Case]:
    """Every case of every file, or ``[MISSING]`` when the folder is absent."""
    folder = shared_root().joinpath(*VECTOR_DIR)
    if not all((folder / name).is_file() for name in FILES):
        return [MISSING]
    cases = []
    for name in FILES:
        document = json.loads((folder / name).read_text())
        cases += [Case(name, case["name"], case) for case in document["cases"]]
    return cases


def require(case: Case) -> None:
    """Skip or fail (under CI) when the case is the missing-data placeholder."""
    if case is MISSING:
        for name in FILES:
            shared_path(*VECTOR_DIR, name)


def expected_header(spec: dict[str, Any]) -> tuple[HeaderType, HeaderValue]:
    """A vector's header as (wire type, value in our Python form)."""
    kind = HeaderType[spec["type"].upper()]
    assert kind == spec["type_id"]
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

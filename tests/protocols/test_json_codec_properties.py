"""Property: every value the schema allows survives encode → decode unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.codegen.conformance.protocol_values import comparable
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde.json import decode_structure, encode_structure
from qsmith.runtime.values import UnionVariant


def _m(name: str, target: Schema, **extra: Any) -> MemberSchema:
    return MemberSchema(name=name, python_name=name.lower(), target_ref=target, **extra)


def _s(kind: ShapeType, **extra: Any) -> Schema:
    return Schema(id=f"p#{kind.value}", type=kind, **extra)


class NumberVariant(UnionVariant):
    __slots__ = ()
    member_name: ClassVar[str] = "Number"


class WordsVariant(UnionVariant):
    __slots__ = ()
    member_name: ClassVar[str] = "Words"


STRING = _s(ShapeType.STRING)
WORDS = Schema(
    id="p#Words", type=ShapeType.LIST, sparse=True, members={"member": _m("member", STRING)}
)
CHOICE = Schema(
    id="p#Choice",
    type=ShapeType.UNION,
    members={
        "Number": _m("Number", _s(ShapeType.LONG), variant_type_ref=NumberVariant),
        "Words": _m("Words", WORDS, variant_type_ref=WordsVariant),
    },
)
FIELDS = {
    "Text": _m("Text", STRING, json_name="text_on_wire"),
    "Flag": _m("Flag", _s(ShapeType.BOOLEAN)),
    "Count": _m("Count", _s(ShapeType.INTEGER)),
    "Ratio": _m("Ratio", _s(ShapeType.DOUBLE)),
    "When": _m("When", _s(ShapeType.TIMESTAMP)),
    "Iso": _m("Iso", _s(ShapeType.TIMESTAMP), timestamp_format=TimestampFormat.DATE_TIME),
    "Data": _m("Data", _s(ShapeType.BLOB)),
    "Amount": _m("Amount", _s(ShapeType.BIG_DECIMAL)),
    "Doc": _m("Doc", _s(ShapeType.DOCUMENT)),
    "Words": _m("Words", WORDS),
    "Table": _m(
        "Table",
        Schema(
            id="p#Table",
            type=ShapeType.MAP,
            members={"key": _m("key", STRING), "value": _m("value", _s(ShapeType.INTEGER))},
        ),
    ),
    "Choice": _m("Choice", CHOICE),
}
Record = dataclasses.make_dataclass(
    "Record",
    [(m.python_name, Any, dataclasses.field(default=None)) for m in FIELDS.values()],
    kw_only=True,
    slots=True,
)
RECORD = Schema(id="p#Record", type=ShapeType.STRUCTURE, members=FIELDS, python_type_ref=Record)

millis = st.datetimes(
    min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=5)
documents = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
records = st.builds(
    Record,
    text=st.none() | st.text(max_size=10),
    flag=st.none() | st.booleans(),
    count=st.none() | st.integers(-(2**31), 2**31 - 1),
    ratio=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    when=st.none() | millis,
    iso=st.none() | millis,
    data=st.none() | st.binary(max_size=10),
    amount=st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=6),
    doc=documents,
    words=st.none() | st.lists(st.none() | st.text(max_size=4), max_size=4),
    table=st.none() | st.dictionaries(st.text(max_size=4), st.integers(0, 9), max_size=3),
    choice=st.none()
    | st.builds(NumberVariant, st.integers(-(2**63), 2**63 - 1))
    | st.builds(WordsVariant, st.lists(st.text(max_size=3), min_size=1, max_size=3)),
)


@settings(max_examples=60)
@given(records, st.booleans())
def test_every_value_round_trips(record: Any, use_json_name: bool) -> None:
    body = encode_structure(RECORD, record, use_json_name=use_json_name)
    back = decode_structure(RECORD, body, use_json_name=use_json_name)
    if record.doc is None:  # an explicit JSON null document reads back as unset: same value
        assert back.doc is None
    assert comparable(back) == comparable(record)


def test_json_name_is_used_only_when_asked() -> None:
    record = Record(text="hi", amount=Decimal("1.10"))
    assert encode_structure(RECORD, record) == b'{"text_on_wire":"hi","Amount":1.10}'
    assert encode_structure(RECORD, record, use_json_name=False) == b'{"Text":"hi","Amount":1.10}'

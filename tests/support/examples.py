"""Example values of any runtime schema: the smallest valid value, typed as generated.

Integration tests use them to call every operation of a generated client without
hand-writing each input, and to script realistic answers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType

_SCALARS: dict[ShapeType, Any] = {
    ShapeType.BLOB: b"blob",
    ShapeType.BOOLEAN: True,
    ShapeType.BYTE: 1,
    ShapeType.SHORT: 2,
    ShapeType.INTEGER: 3,
    ShapeType.LONG: 4,
    ShapeType.BIG_INTEGER: 5,
    ShapeType.FLOAT: 1.5,
    ShapeType.DOUBLE: 2.5,
    ShapeType.BIG_DECIMAL: Decimal("1.25"),
    ShapeType.TIMESTAMP: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    ShapeType.DOCUMENT: {"key": ["value", 1, True]},
}


def example(schema: Schema, *, depth: int = 0, all_members: bool = False) -> Any:
    """A value of ``schema``: required members only (or every member, to a small depth)."""
    kind = schema.type
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind is ShapeType.STRING:
        return _string(schema)
    if kind in (ShapeType.ENUM, ShapeType.INT_ENUM):
        return next(iter(schema.enum_values.values()))
    if kind is ShapeType.LIST:
        return [example(schema.member("member").target, depth=depth + 1)]
    if kind is ShapeType.MAP:
        return {"k": example(schema.member("value").target, depth=depth + 1)}
    if kind is ShapeType.UNION:
        member = next(m for m in schema.members.values() if m.variant_type is not None)
        assert member.variant_type is not None
        return member.variant_type(example(member.target, depth=depth + 1))
    return _structure(schema, depth, all_members)


def _structure(schema: Schema, depth: int, all_members: bool) -> Any:
    if schema.id == "smithy.api#Unit":
        return None
    kwargs = {}
    for member in schema.members.values():
        if member.target.is_event_stream:
            continue
        if member.required or (all_members and depth < 2 and not _recursive(member)):
            kwargs[member.python_name] = example(member.target, depth=depth + 1)
    assert schema.python_type is not None, schema.id
    return schema.python_type(**kwargs)


def _recursive(member: MemberSchema) -> bool:
    return member.target.type in (ShapeType.STRUCTURE, ShapeType.UNION, ShapeType.LIST)


def _string(schema: Schema) -> str:
    constraints = schema.constraints
    if constraints is not None and constraints.min_length:
        return "x" * constraints.min_length
    return "text"

"""Protocol-test params as the values generated classes hold, and values as plain data.

Test ``params`` are plain JSON; ``to_value`` turns them into the generated classes the
runtime schema names, and ``comparable`` turns values back into plain data in which
NaN equals NaN and classes are compared by name and fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal
from typing import Any

from qsmith.codegen.conformance.base import CaseMismatch
from qsmith.codegen.model.numbers import to_decimal
from qsmith.runtime.schema import Schema, ShapeType
from qsmith.runtime.serde.scalars import EPOCH, default_value
from qsmith.runtime.values import ModeledServiceError, UnionVariant, UnknownUnionMember

__all__ = ["cbor_data", "comparable", "error_members", "to_value", "xml_tree"]


def to_value(schema: Schema, raw: Any, *, defaults: bool = False) -> Any:
    """Test params (plain JSON) as the value a generated class would hold.

    With ``defaults`` (expected responses) a member left out of the params holds its
    ``@default``, since clients fill defaults in when reading.
    """
    if raw is None:
        return None
    kind = schema.type
    if kind is ShapeType.STRUCTURE:
        return _structure(schema, raw, defaults)
    if kind is ShapeType.UNION:
        ((name, item),) = raw.items()
        member = schema.member(name)
        value = to_value(member.target, item, defaults=defaults)
        return value if member.variant_type is None else member.variant_type(value)
    if kind is ShapeType.LIST:
        inner = schema.member("member").target
        return [to_value(inner, item, defaults=defaults) for item in raw]
    if kind is ShapeType.MAP:
        inner = schema.member("value").target
        return {key: to_value(inner, item, defaults=defaults) for key, item in raw.items()}
    if kind is ShapeType.BLOB:
        return raw.encode("utf-8") if isinstance(raw, str) else raw
    if kind is ShapeType.TIMESTAMP:
        if isinstance(raw, str):  # the event stream cases write timestamps as RFC 3339
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return EPOCH + dt.timedelta(seconds=float(Decimal(str(raw))))
    if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
        return float(raw)  # "NaN", "Infinity" and "-Infinity" included
    if kind is ShapeType.BIG_DECIMAL:
        return to_decimal(raw)
    return raw


def _structure(schema: Schema, raw: Any, defaults: bool) -> Any:
    kwargs: dict[str, Any] = {}
    for m in schema.members.values():
        if m.name in raw:
            kwargs[m.python_name] = to_value(m.target, raw[m.name], defaults=defaults)
        elif defaults and m.has_default:
            kwargs[m.python_name] = default_value(m)
        elif m.target.is_event_stream:
            continue  # outputs hand their stream to the response; inputs get it separately
        else:
            kwargs[m.python_name] = None
    unknown = set(raw) - set(schema.members)
    if unknown:
        raise CaseMismatch(f"params name unknown members {sorted(unknown)} of {schema.id}")
    return kwargs if schema.python_type is None else schema.python_type(**kwargs)


def comparable(value: Any) -> Any:
    """Plain data for equality checks: NaN as a marker, classes by name and fields."""
    if isinstance(value, float) and math.isnan(value):
        return "<NaN>"
    if isinstance(value, UnionVariant):
        return {"<variant>": type(value).member_name, "value": comparable(value.value)}
    if isinstance(value, UnknownUnionMember):
        return {"<unknown>": value.tag, "raw": value.raw}
    if isinstance(value, ModeledServiceError):
        return {"<error>": type(value).__name__, **comparable(_members_of(value))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "<type>": type(value).__name__,
            **{f.name: comparable(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        return ("<time>", value.timestamp())
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return value


def _members_of(error: ModeledServiceError) -> dict[str, Any]:
    return {name: getattr(error, name, None) for name in error.member_names}


def error_members(schema: Schema, error: ModeledServiceError) -> dict[str, Any]:
    return {m.python_name: getattr(error, m.python_name, None) for m in schema.members.values()}


def xml_tree(body: bytes) -> Any:
    """An XML body as comparable data: names, attributes, text and children.

    Whitespace-only text between elements is dropped (the suites indent their bodies).
    Children are ordered by name, keeping the order of same-named ones (list items), as
    the suites' own XML comparison accepts members in any order. An empty body is None.
    """
    if not body.strip():
        return None
    from qsmith.runtime.serde.xml import XmlNode, parse_xml

    def plain(node: XmlNode) -> Any:
        text = node.text if not node.children else node.text.strip()
        children = sorted(node.children, key=lambda child: child.tag)  # stable
        return (node.tag, sorted(node.attributes.items()), text, [plain(c) for c in children])

    return plain(parse_xml(body, "XML body"))


def cbor_data(body: bytes) -> Any:
    """A CBOR body as comparable data (tags kept as (tag, value), NaN as a marker)."""
    if not body:
        return None
    import cbor2

    def plain(value: Any) -> Any:
        if isinstance(value, cbor2.CBORTag):
            return ("<tag>", value.tag, plain(value.value))
        if isinstance(value, dt.datetime):
            return ("<time>", value.timestamp())
        if isinstance(value, float) and math.isnan(value):
            return "<NaN>"
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return plain(cbor2.loads(body))

"""Values of a schema to and from plain data (maps, lists, scalars), for the RPC v2 codecs.

rpcv2Cbor and rpcv2Json share one data model: a structure is a map keyed by member name,
a union a one-entry map, lists and maps as they are. Only some scalars differ on the
wire (timestamps, blobs, special floats, big numbers); a ``WireScalars`` says how. The
CBOR and JSON byte codecs sit on either side of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, cast

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.json import build_structure, fill_missing
from qsmith.runtime.serde.scalars import default_value
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

__all__ = ["PlainData", "WireScalars"]

_INTEGERS = frozenset(
    {ShapeType.BYTE, ShapeType.SHORT, ShapeType.INTEGER, ShapeType.LONG, ShapeType.INT_ENUM}
)


class WireScalars(Protocol):
    """How one codec writes and reads the scalars the data model leaves open."""

    def timestamp_out(self, value: dt.datetime) -> object: ...
    def timestamp_in(self, raw: object, where: str) -> dt.datetime: ...
    def blob_out(self, value: bytes) -> object: ...
    def blob_in(self, raw: object, where: str) -> bytes: ...
    def float_out(self, value: float, *, single: bool) -> object: ...
    def float_in(self, raw: object, where: str) -> float: ...
    def big_integer_out(self, value: int) -> object: ...
    def big_integer_in(self, raw: object, where: str) -> int: ...
    def big_decimal_out(self, value: Decimal) -> object: ...
    def big_decimal_in(self, raw: object, where: str) -> Decimal: ...


def _get(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def expect(raw: object, kind: type[Any], where: str) -> Any:
    if not isinstance(raw, kind) or (kind is not bool and isinstance(raw, bool)):
        raise SerdeError(f"{where}: expected {kind.__name__}, got {type(raw).__name__}")
    return raw


class PlainData:
    """Schema-driven conversion between values and plain data for one ``WireScalars``."""

    def __init__(self, scalars: WireScalars) -> None:
        self.scalars = scalars

    # ------------------------------------------------------------------- writing

    def structure_out(self, schema: Schema, value: Any, *, top_level: bool = False) -> object:
        """A structure as a map; nested members with defaults are written unless
        ``@clientOptional`` (as for JSON), top-level unset members are not."""
        out: dict[str, object] = {}
        for member in schema.members.values():
            item = _get(value, member.python_name)
            if item is None:
                if top_level or not member.has_default or member.client_optional:
                    continue
                item = default_value(member)
                if item is None:
                    continue
            out[member.name] = self.member_out(member, item)
        return out

    def member_out(self, member: MemberSchema, item: Any) -> object:
        target = member.target
        kind = target.type
        if kind is ShapeType.STRUCTURE:
            return self.structure_out(target, item)
        if kind is ShapeType.UNION:
            return self._union_out(target, item)
        if kind is ShapeType.LIST:
            inner = target.member("member")
            return [None if x is None else self.member_out(inner, x) for x in item]
        if kind is ShapeType.MAP:
            inner = target.member("value")
            return {
                str(k): None if v is None else self.member_out(inner, v) for k, v in item.items()
            }
        scalars = self.scalars
        if kind is ShapeType.TIMESTAMP:
            return scalars.timestamp_out(item)
        if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
            return scalars.float_out(float(item), single=kind is ShapeType.FLOAT)
        if kind is ShapeType.BLOB:
            return scalars.blob_out(bytes(item))
        if kind is ShapeType.BIG_INTEGER:
            return scalars.big_integer_out(int(item))
        if kind is ShapeType.BIG_DECIMAL:
            return scalars.big_decimal_out(Decimal(item))
        return item

    def _union_out(self, schema: Schema, value: Any) -> object:
        if isinstance(value, UnknownUnionMember):
            raise SerdeError(f"{schema.name}: cannot send the unknown member {value.tag!r}")
        for member in schema.members.values():
            variant = member.variant_type
            if variant is not None and isinstance(value, variant):
                item = cast(UnionVariant[Any], value).value
                return {member.name: self.member_out(member, item)}
        raise SerdeError(f"{schema.name}: {type(value).__name__} is not a member of the union")

    # ------------------------------------------------------------------- reading

    def structure_in(
        self, schema: Schema, data: object, extra: dict[str, object] | None = None
    ) -> Any:
        return build_structure(schema, self.structure_kwargs(schema, data, extra))

    def structure_kwargs(
        self, schema: Schema, data: object, extra: dict[str, object] | None = None
    ) -> dict[str, object]:
        """Constructor arguments (python names) of a structure; missing members corrected."""
        kwargs: dict[str, object] = dict(extra or {})
        if data is not None:
            if not isinstance(data, Mapping):
                raise SerdeError(f"{schema.name}: expected a map, got {type(data).__name__}")
            for member in schema.members.values():
                raw = data.get(member.name)
                if raw is not None:
                    kwargs[member.python_name] = self.member_in(member, raw)
        fill_missing(schema, kwargs)
        return kwargs

    def member_in(self, member: MemberSchema, raw: object) -> Any:
        target = member.target
        kind = target.type
        where = member.name
        if kind is ShapeType.STRUCTURE:
            return self.structure_in(target, raw)
        if kind is ShapeType.UNION:
            return self._union_in(target, raw)
        if kind is ShapeType.LIST:
            inner = target.member("member")
            items = expect(raw, list, where)
            if target.sparse:
                return [None if x is None else self.member_in(inner, x) for x in items]
            return [self.member_in(inner, x) for x in items if x is not None]
        if kind is ShapeType.MAP:
            inner = target.member("value")
            entries = expect(raw, dict, where)
            if target.sparse:
                return {
                    k: None if v is None else self.member_in(inner, v) for k, v in entries.items()
                }
            return {k: self.member_in(inner, v) for k, v in entries.items() if v is not None}
        return self._scalar_in(member, raw)

    def _scalar_in(self, member: MemberSchema, raw: object) -> Any:
        kind = member.target.type
        where = member.name
        scalars = self.scalars
        if kind in (ShapeType.STRING, ShapeType.ENUM):
            return expect(raw, str, where)
        if kind is ShapeType.BOOLEAN:
            return expect(raw, bool, where)
        if kind in _INTEGERS:
            return expect(raw, int, where)
        if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
            return scalars.float_in(raw, where)
        if kind is ShapeType.BIG_INTEGER:
            return scalars.big_integer_in(raw, where)
        if kind is ShapeType.BIG_DECIMAL:
            return scalars.big_decimal_in(raw, where)
        if kind is ShapeType.BLOB:
            return scalars.blob_in(raw, where)
        if kind is ShapeType.TIMESTAMP:
            return scalars.timestamp_in(raw, where)
        raise SerdeError(f"{where}: {kind.value} values are not supported by this protocol")

    def _union_in(self, schema: Schema, raw: object) -> Any:
        data = expect(raw, dict, schema.name)
        present = [(k, v) for k, v in data.items() if v is not None and k != "__type"]
        if len(present) != 1:
            raise SerdeError(f"{schema.name}: a union needs exactly one member, got {len(present)}")
        key, item = present[0]
        member = schema.members.get(key)
        if member is None:
            cls = schema.python_type
            if isinstance(cls, type) and issubclass(cls, UnknownUnionMember):
                return cls(key, item)
            return UnknownUnionMember(key, item)
        if member.variant_type is None:
            raise SerdeError(f"{schema.name}.{member.name}: the schema names no variant class")
        return member.variant_type(self.member_in(member, item))

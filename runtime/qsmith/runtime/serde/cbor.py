"""CBOR bodies of rpcv2Cbor, encoded and decoded by the ``cbor2`` library.

``cbor2`` is an optional dependency (``pip install 'qsmith[cbor]'``): this module
imports it, and only the rpcv2Cbor protocol imports this module, on a client's first
call. Values are mapped by the runtime schema: structures are maps keyed by member
name, timestamps tag 1 (epoch seconds), blobs byte strings, ``@float`` values single
precision; big numbers use cbor2's own tags (2, 3, 4).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.json import build_structure, fill_missing
from qsmith.runtime.serde.scalars import EPOCH, default_value
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

try:
    import cbor2
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ConfigError(
        "rpcv2Cbor clients need the cbor2 package: pip install 'qsmith[cbor]'"
    ) from exc

__all__ = ["decode_cbor", "encode_cbor", "from_cbor", "structure_from_cbor", "to_cbor"]

_INTEGERS = frozenset(
    {
        ShapeType.BYTE,
        ShapeType.SHORT,
        ShapeType.INTEGER,
        ShapeType.LONG,
        ShapeType.INT_ENUM,
        ShapeType.BIG_INTEGER,
    }
)
_TIMESTAMP_TAG = 1


def encode_cbor(data: object) -> bytes:
    """CBOR bytes; floats take the shortest exact width (a float32 value stays 4 bytes)."""
    return cbor2.dumps(data, canonical=True)


def decode_cbor(body: bytes, where: str) -> object:
    try:
        return cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise SerdeError(f"{where}: the body is not valid CBOR ({exc})") from None


def _get(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


# ----------------------------------------------------------------------- writing


def to_cbor(schema: Schema, value: Any, *, top_level: bool = False) -> object:
    """A structure as CBOR data; nested members with defaults are written unless
    ``@clientOptional``, as for JSON."""
    out: dict[str, object] = {}
    for member in schema.members.values():
        item = _get(value, member.python_name)
        if item is None:
            if top_level or not member.has_default or member.client_optional:
                continue
            item = default_value(member)
            if item is None:
                continue
        out[member.name] = _member_to_cbor(member, item)
    return out


def _member_to_cbor(member: MemberSchema, item: Any) -> object:
    target = member.target
    kind = target.type
    if kind is ShapeType.STRUCTURE:
        return to_cbor(target, item)
    if kind is ShapeType.UNION:
        return _union_to_cbor(target, item)
    if kind is ShapeType.LIST:
        inner = target.member("member")
        return [None if x is None else _member_to_cbor(inner, x) for x in item]
    if kind is ShapeType.MAP:
        inner = target.member("value")
        return {str(k): None if v is None else _member_to_cbor(inner, v) for k, v in item.items()}
    if kind is ShapeType.TIMESTAMP:
        return cbor2.CBORTag(_TIMESTAMP_TAG, _epoch(item))
    if kind is ShapeType.FLOAT:
        return _single(float(item))
    if kind is ShapeType.DOUBLE:
        return float(item)
    if kind is ShapeType.BLOB:
        return bytes(item)
    return item


def _union_to_cbor(schema: Schema, value: Any) -> object:
    if isinstance(value, UnknownUnionMember):
        raise SerdeError(f"{schema.name}: cannot send the unknown member {value.tag!r}")
    for member in schema.members.values():
        variant = member.variant_type
        if variant is not None and isinstance(value, variant):
            item = cast(UnionVariant[Any], value).value
            return {member.name: _member_to_cbor(member, item)}
    raise SerdeError(f"{schema.name}: {type(value).__name__} is not a member of the union")


def _single(value: float) -> float:
    """The float32 nearest ``value`` (what an ``@float`` member holds on the wire)."""
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        packed: float = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        raise SerdeError(f"{value!r} does not fit a 32-bit float") from None
    return packed


def _epoch(value: dt.datetime) -> int | float:
    if value.tzinfo is None:
        raise SerdeError("a timestamp must be timezone-aware")
    delta = value.astimezone(dt.UTC) - EPOCH
    seconds = delta.days * 86400 + delta.seconds
    if delta.microseconds == 0:
        return seconds
    return round(seconds + delta.microseconds / 1e6, 3)


# ----------------------------------------------------------------------- reading


def structure_from_cbor(
    schema: Schema, data: object, extra: dict[str, object] | None = None
) -> Any:
    return build_structure(schema, structure_kwargs(schema, data, extra))


def structure_kwargs(
    schema: Schema, data: object, extra: dict[str, object] | None = None
) -> dict[str, object]:
    """Constructor arguments (python names) of a structure; missing members corrected."""
    kwargs: dict[str, object] = dict(extra or {})
    if data is not None:
        if not isinstance(data, Mapping):
            raise SerdeError(f"{schema.name}: expected a CBOR map, got {type(data).__name__}")
        for member in schema.members.values():
            raw = data.get(member.name)
            if raw is not None:
                kwargs[member.python_name] = from_cbor(member, raw)
    fill_missing(schema, kwargs)
    return kwargs


def from_cbor(member: MemberSchema, raw: object) -> Any:
    """A member's value from decoded CBOR data."""
    target = member.target
    kind = target.type
    where = member.name
    if kind is ShapeType.STRUCTURE:
        return structure_from_cbor(target, raw)
    if kind is ShapeType.UNION:
        return _union_from_cbor(target, raw)
    if kind is ShapeType.LIST:
        inner = target.member("member")
        items = _expect(raw, list, where)
        if target.sparse:
            return [None if x is None else from_cbor(inner, x) for x in items]
        return [from_cbor(inner, x) for x in items if x is not None]
    if kind is ShapeType.MAP:
        inner = target.member("value")
        entries = _expect(raw, dict, where)
        if target.sparse:
            return {k: None if v is None else from_cbor(inner, v) for k, v in entries.items()}
        return {k: from_cbor(inner, v) for k, v in entries.items() if v is not None}
    return _scalar(member, raw)


def _scalar(member: MemberSchema, raw: object) -> Any:
    kind = member.target.type
    where = member.name
    if kind in (ShapeType.STRING, ShapeType.ENUM):
        return _expect(raw, str, where)
    if kind is ShapeType.BOOLEAN:
        return _expect(raw, bool, where)
    if kind in _INTEGERS:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise SerdeError(f"{where}: expected an integer, got {type(raw).__name__}")
        return raw
    if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise SerdeError(f"{where}: expected a number, got {type(raw).__name__}")
        return float(raw)
    if kind is ShapeType.BIG_DECIMAL:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            raise SerdeError(f"{where}: expected a number, got {type(raw).__name__}")
        return Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    if kind is ShapeType.BLOB:
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)
        raise SerdeError(f"{where}: expected a byte string, got {type(raw).__name__}")
    if kind is ShapeType.TIMESTAMP:
        return _timestamp(raw, where)
    raise SerdeError(f"{where}: {kind.value} values cannot be read from CBOR")


def _timestamp(raw: object, where: str) -> dt.datetime:
    if isinstance(raw, dt.datetime):  # cbor2 turns tag 1 into an aware datetime
        return raw if raw.tzinfo is not None else raw.replace(tzinfo=dt.UTC)
    if isinstance(raw, cbor2.CBORTag) and raw.tag == _TIMESTAMP_TAG:
        raw = raw.value
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise SerdeError(f"{where}: expected an epoch-seconds timestamp, got {raw!r}")
    return EPOCH + dt.timedelta(seconds=float(raw))


def _union_from_cbor(schema: Schema, raw: object) -> Any:
    data = _expect(raw, dict, schema.name)
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
    return member.variant_type(from_cbor(member, item))


def _expect(raw: object, kind: type[Any], where: str) -> Any:
    if not isinstance(raw, kind) or (kind is not bool and isinstance(raw, bool)):
        raise SerdeError(f"{where}: expected {kind.__name__}, got {type(raw).__name__}")
    return raw

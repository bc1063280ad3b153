"""The JSON codec of awsJson1_0/1_1 and restJson1 bodies, driven by the runtime schema.

Values follow the conventions of ``qsmith.runtime.values``. Keys are member names
(awsJson) or ``jsonName`` when set (restJson1). Timestamps default to epoch-seconds,
blobs are base64, non-finite floats are the strings "NaN", "Infinity", "-Infinity".

Decoding is lenient the way Smithy asks of clients: unknown keys are ignored, nulls in
non-sparse collections are skipped, a missing member with a default gets the default,
and a missing required member gets its zero value (client error correction).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.scalars import (
    b64decode,
    b64encode,
    default_value,
    float_from_text,
    float_to_text,
    format_timestamp,
    parse_timestamp,
    zero_value,
)
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

__all__ = [
    "JsonCodec",
    "build_structure",
    "decode_structure",
    "encode_structure",
    "fill_missing",
    "load_json_object",
]

_INTEGERS = frozenset(
    {ShapeType.BYTE, ShapeType.SHORT, ShapeType.INTEGER, ShapeType.LONG, ShapeType.INT_ENUM}
)
_FLOATS = frozenset({ShapeType.FLOAT, ShapeType.DOUBLE})
# Marks a bigDecimal's text in the data so it can be written as a bare JSON number.
_DECIMAL_MARK = "\ue000"
_DECIMAL_TEXT = re.compile(f'"{_DECIMAL_MARK}([^"{_DECIMAL_MARK}]*){_DECIMAL_MARK}"')


class JsonCodec:
    """Converts between values and JSON data (and bytes) for one protocol's rules."""

    def __init__(
        self,
        *,
        use_json_name: bool,
        default_timestamp_format: TimestampFormat = TimestampFormat.EPOCH_SECONDS,
    ) -> None:
        self.use_json_name = use_json_name
        self.default_timestamp_format = default_timestamp_format
        self._key_index: dict[int, tuple[Schema, dict[str, MemberSchema]]] = {}

    # ----------------------------------------------------------------- encoding

    def key(self, member: MemberSchema) -> str:
        return member.wire_name if self.use_json_name else member.name

    def encode(self, data: object) -> bytes:
        """JSON data (as produced by ``to_data``) to UTF-8 bytes."""
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except ValueError as exc:
            raise ParamValidationError(f"value cannot be written as JSON: {exc}") from None
        if _DECIMAL_MARK in text:
            text = _DECIMAL_TEXT.sub(r"\1", text)
        return text.encode("utf-8")

    def structure_to_data(
        self,
        schema: Schema,
        value: Any,
        *,
        members: Iterable[MemberSchema] | None = None,
        top_level: bool = False,
    ) -> dict[str, object]:
        """A structure's members as a JSON object; ``members`` restricts which are written.

        At the top level (an operation input) an unset member with a default is not
        sent; in nested structures the default is written, as the protocol tests ask,
        unless the member is ``@clientOptional``.
        """
        out: dict[str, object] = {}
        for member in schema.members.values() if members is None else members:
            item = _get_member(value, member)
            if item is None:
                if top_level or not member.has_default or member.client_optional:
                    continue
                item = default_value(member)
                if item is None:  # a document defaulting to null is not written
                    continue
            out[self.key(member)] = self.member_to_data(member, item)
        return out

    def member_to_data(self, member: MemberSchema, value: Any) -> object:
        target = member.target
        if target.type is ShapeType.TIMESTAMP:
            fmt = member.timestamp_format or target.timestamp_format
            return format_timestamp(value, fmt or self.default_timestamp_format)
        return self.to_data(target, value)

    def to_data(self, schema: Schema, value: Any) -> object:
        kind = schema.type
        if kind is ShapeType.STRUCTURE:
            return self.structure_to_data(schema, value)
        if kind is ShapeType.UNION:
            return self._union_to_data(schema, value)
        if kind is ShapeType.LIST:
            member = schema.member("member")
            return [None if item is None else self.member_to_data(member, item) for item in value]
        if kind is ShapeType.MAP:
            member = schema.member("value")
            return {
                key: None if item is None else self.member_to_data(member, item)
                for key, item in value.items()
            }
        if kind is ShapeType.BLOB:
            return b64encode(bytes(value))
        if kind is ShapeType.TIMESTAMP:
            fmt = schema.timestamp_format or self.default_timestamp_format
            return format_timestamp(value, fmt)
        if kind in _FLOATS:
            return float_to_text(float(value))
        if kind is ShapeType.BIG_DECIMAL:
            return f"{_DECIMAL_MARK}{Decimal(value)}{_DECIMAL_MARK}"
        return value

    def _union_to_data(self, schema: Schema, value: Any) -> dict[str, object]:
        if isinstance(value, UnknownUnionMember):
            raise ParamValidationError(
                f"{schema.name}: cannot send the unknown union member {value.tag!r}"
            )
        member = _union_member(schema, value)
        return {self.key(member): self.member_to_data(member, value.value)}

    # ----------------------------------------------------------------- decoding

    def decode(self, schema: Schema, body: bytes) -> Any:
        """A structure from a JSON body; an empty body is an empty object."""
        return self.structure_from_data(schema, load_json_object(body, schema.name))

    def structure_from_data(
        self,
        schema: Schema,
        data: Mapping[str, object],
        *,
        members: Iterable[MemberSchema] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> Any:
        """Build a structure from a JSON object; ``extra`` adds values bound elsewhere."""
        return build_structure(
            schema, self.structure_kwargs(schema, data, members=members, extra=extra)
        )

    def structure_kwargs(
        self,
        schema: Schema,
        data: Mapping[str, object],
        *,
        members: Iterable[MemberSchema] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> dict[str, object]:
        """The constructor arguments (python names) of a structure read from JSON."""
        kwargs: dict[str, object] = dict(extra or {})
        index = self._keys(schema)
        wanted = None if members is None else {m.name for m in members}
        for key, raw in data.items():
            member = index.get(key)
            if member is None or raw is None:
                continue
            if wanted is not None and member.name not in wanted:
                continue
            kwargs[member.python_name] = self.member_from_data(member, raw)
        fill_missing(schema, kwargs)
        return kwargs

    def member_from_data(self, member: MemberSchema, raw: object) -> Any:
        target = member.target
        if target.type is ShapeType.TIMESTAMP:
            fmt = member.timestamp_format or target.timestamp_format
            return parse_timestamp(raw, fmt or self.default_timestamp_format, member.name)
        return self.from_data(target, raw)

    def from_data(self, schema: Schema, raw: object) -> Any:
        kind = schema.type
        where = schema.name
        if kind is ShapeType.STRUCTURE:
            return self.structure_from_data(schema, _expect(raw, dict, where))
        if kind is ShapeType.UNION:
            return self._union_from_data(schema, _expect(raw, dict, where))
        if kind is ShapeType.LIST:
            member = schema.member("member")
            items = _expect(raw, list, where)
            return [
                None if item is None else self.member_from_data(member, item)
                for item in items
                if item is not None or schema.sparse
            ]
        if kind is ShapeType.MAP:
            member = schema.member("value")
            entries = _expect(raw, dict, where)
            return {
                key: None if item is None else self.member_from_data(member, item)
                for key, item in entries.items()
                if item is not None or schema.sparse
            }
        return self._scalar_from_data(schema, raw)

    def _scalar_from_data(self, schema: Schema, raw: object) -> Any:
        kind = schema.type
        where = schema.name
        if kind in (ShapeType.STRING, ShapeType.ENUM):
            return _expect(raw, str, where)
        if kind is ShapeType.BOOLEAN:
            return _expect(raw, bool, where)
        if kind in _INTEGERS or kind is ShapeType.BIG_INTEGER:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise SerdeError(f"{where}: expected an integer, got {_kind(raw)}")
            return raw
        if kind in _FLOATS:
            if isinstance(raw, str):
                return float_from_text(raw, where)
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise SerdeError(f"{where}: expected a number, got {_kind(raw)}")
            return float(raw)
        if kind is ShapeType.BIG_DECIMAL:
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                raise SerdeError(f"{where}: expected a number, got {_kind(raw)}")
            return Decimal(repr(raw) if isinstance(raw, float) else raw)
        if kind is ShapeType.BLOB:
            return b64decode(_expect(raw, str, where), where)
        if kind is ShapeType.TIMESTAMP:
            fmt = schema.timestamp_format or self.default_timestamp_format
            return parse_timestamp(raw, fmt, where)
        return raw  # document: plain JSON values

    def _union_from_data(self, schema: Schema, data: dict[str, object]) -> Any:
        present = [(k, v) for k, v in data.items() if v is not None and k != "__type"]
        if len(present) != 1:
            raise SerdeError(f"{schema.name}: a union needs exactly one member, got {len(present)}")
        key, raw = present[0]
        member = self._keys(schema).get(key)
        if member is None:
            cls = schema.python_type
            if isinstance(cls, type) and issubclass(cls, UnknownUnionMember):
                return cls(key, raw)
            return UnknownUnionMember(key, raw)
        if member.variant_type is None:
            raise SerdeError(f"{schema.name}.{member.name}: the schema names no variant class")
        return member.variant_type(self.member_from_data(member, raw))

    def _keys(self, schema: Schema) -> dict[str, MemberSchema]:
        cached = self._key_index.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        index = {self.key(member): member for member in schema.members.values()}
        self._key_index[id(schema)] = (schema, index)
        return index


def fill_missing(schema: Schema, kwargs: dict[str, object]) -> None:
    """Give each missing member its default, or its zero value when required.

    The zero value for a required member the service left out is Smithy's client error
    correction: the response still parses instead of failing on a server's omission.
    """
    for member in schema.members.values():
        if kwargs.get(member.python_name) is not None:
            continue
        if member.has_default:
            kwargs[member.python_name] = default_value(member)
        elif member.required and member.target.type is ShapeType.STRUCTURE:
            empty: dict[str, object] = {}
            fill_missing(member.target, empty)
            kwargs[member.python_name] = build_structure(member.target, empty)
        elif member.required:
            kwargs[member.python_name] = zero_value(member.target)
        else:
            kwargs[member.python_name] = None


def build_structure(schema: Schema, kwargs: dict[str, object]) -> Any:
    """``python_type(**kwargs)``, or the dict itself when the schema names no class."""
    cls = schema.python_type
    return kwargs if cls is None else cls(**kwargs)


def load_json_object(body: bytes, where: str) -> dict[str, object]:
    """Parse a JSON object body; an empty (or blank) body is ``{}``."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerdeError(f"{where}: the body is not valid JSON ({exc})") from None
    checked: dict[str, object] = _expect(data, dict, where)
    return checked


def _expect(raw: object, kind: type[Any], where: str) -> Any:
    if not isinstance(raw, kind):
        raise SerdeError(f"{where}: expected {kind.__name__}, got {_kind(raw)}")
    return raw


def _kind(raw: object) -> str:
    return "null" if raw is None else type(raw).__name__


def _get_member(value: Any, member: MemberSchema) -> Any:
    if isinstance(value, Mapping):
        return value.get(member.python_name)
    return getattr(value, member.python_name, None)


def _union_member(schema: Schema, value: Any) -> MemberSchema:
    if isinstance(value, UnionVariant) and value.member_name in schema.members:
        return schema.members[value.member_name]
    raise ParamValidationError(
        f"{schema.name}: expected one of the union's member classes, got {type(value).__name__}"
    )


_CODECS = {True: JsonCodec(use_json_name=True), False: JsonCodec(use_json_name=False)}


def encode_structure(schema: Schema, value: Any, *, use_json_name: bool = True) -> bytes:
    """A structure (e.g. an event payload) as JSON bytes."""
    codec = _CODECS[use_json_name]
    return codec.encode(codec.structure_to_data(schema, value, top_level=True))


def decode_structure(schema: Schema, body: bytes, *, use_json_name: bool = True) -> Any:
    """A structure from JSON bytes, with Smithy's client-side leniency."""
    return _CODECS[use_json_name].decode(schema, body)

"""The JSON codec of awsJson1_0/1_1 and restJson1 bodies, driven by the runtime schema.

Values follow the conventions of ``qsmith.runtime.values``. Keys are member names
(awsJson) or ``jsonName`` when set (restJson1). Timestamps default to epoch-seconds,
blobs are base64, non-finite floats are the strings "NaN", "Infinity", "-Infinity".

Decoding is lenient the way Smithy asks of clients: unknown keys are ignored, nulls in
non-sparse collections are skipped, a missing member with a default gets the default,
and a missing required member gets its zero value (client error correction).

Nesting is bounded: JSON read or written nests at most ``MAX_JSON_DEPTH`` arrays and
objects deep, so no input reaches Python's recursion limit (``JsonNestingError`` when
reading, ``ParamValidationError`` when writing).

Each schema is compiled once (per codec) into a plain function, so a call walks
closures instead of re-reading the schema; plain strings, numbers and documents pass
through without a call at all.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde import JsonNestingError, SerdeError
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
from qsmith.runtime.values import DOCUMENT_NULL, UnionVariant, UnknownUnionMember

__all__ = [
    "MAX_JSON_DEPTH",
    "JsonCodec",
    "build_structure",
    "decode_structure",
    "dump_json",
    "encode_structure",
    "fill_missing",
    "load_json_object",
    "nesting_exceeds",
    "parse_json",
]

# The one bound on how deeply JSON arrays and objects nest, in everything qsmith reads
# (bodies, error bodies, event payloads, header documents) or writes. Far beyond what any
# modeled shape needs, far below Python's recursion limit (the decoders spend a few frames
# per level): deeper input is refused with a qsmith error instead of a RecursionError.
MAX_JSON_DEPTH: Final = 100
# The scanner ``json.loads`` runs (the C one), called directly by ``_plain_object``.
# (typeshed types the argument as the scanner class itself; a decoder is what it takes)
_scan_once: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]
)

# A compiled converter; None means "the value passes through unchanged".
Convert = Callable[[Any], Any] | None
_INTEGERS = (
    ShapeType.BYTE,
    ShapeType.SHORT,
    ShapeType.INTEGER,
    ShapeType.LONG,
    ShapeType.INT_ENUM,
    ShapeType.BIG_INTEGER,
)
# Marks a bigDecimal's text in the data so it can be written as a bare JSON number.
_DECIMAL_MARK = "\ue000"
_DECIMAL_TEXT = re.compile(f'"{_DECIMAL_MARK}([^"{_DECIMAL_MARK}]*){_DECIMAL_MARK}"')


class _Field:
    """One structure member, compiled: where it lives in Python and in JSON."""

    __slots__ = ("default", "encode", "key", "member", "python_name", "send_default")

    def __init__(self, codec: JsonCodec, member: MemberSchema) -> None:
        self.member = member
        self.python_name = member.python_name
        self.key = codec.key(member)
        self.encode = codec.member_encoder(member)
        self.send_default = member.has_default and not member.client_optional
        self.default = member.default


class JsonCodec:
    """Converts between values and JSON data (and bytes) for one protocol's rules."""

    def __init__(
        self,
        *,
        use_json_name: bool,
        default_timestamp_format: TimestampFormat = TimestampFormat.EPOCH_SECONDS,
        exact_decimals: bool = False,
    ) -> None:
        self.use_json_name = use_json_name
        self.default_timestamp_format = default_timestamp_format
        # Parse JSON numbers with a fraction as Decimal, so bigDecimal keeps every digit;
        # only used (via ``for_schema``) for shapes that hold a bigDecimal somewhere.
        self.exact_decimals = exact_decimals
        self._exact: JsonCodec | None = None
        # Keyed by id(schema); the schema is kept in the value so the id stays unique.
        self._encoders: dict[int, tuple[Schema, Convert]] = {}
        self._decoders: dict[int, tuple[Schema, Convert]] = {}
        self._fields: dict[int, tuple[Schema, list[_Field]]] = {}
        self._indexes: dict[int, tuple[Schema, dict[str, tuple[MemberSchema, Convert]]]] = {}
        self._builders: dict[int, tuple[Schema, Callable[[Mapping[str, object]], Any]]] = {}

    def key(self, member: MemberSchema) -> str:
        return member.wire_name if self.use_json_name else member.name

    def for_schema(self, schema: Schema) -> JsonCodec:
        """This codec, or its exact-decimal twin when ``schema`` can hold a bigDecimal."""
        if self.exact_decimals or not _holds_big_decimal(schema):
            return self
        if self._exact is None:
            self._exact = JsonCodec(
                use_json_name=self.use_json_name,
                default_timestamp_format=self.default_timestamp_format,
                exact_decimals=True,
            )
        return self._exact

    def load(self, body: bytes, where: str) -> dict[str, object]:
        """Parse a JSON object body with this codec's number rules."""
        return load_json_object(body, where, exact_decimals=self.exact_decimals)

    # ----------------------------------------------------------------- encoding

    def encode(self, data: object) -> bytes:
        """JSON data (as produced by ``to_data``) to UTF-8 bytes."""
        text = dump_json(data)
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
        fields = self._structure_fields(schema)
        if members is not None:
            wanted = {m.name for m in members}
            fields = [f for f in fields if f.member.name in wanted]
        return _write_fields(fields, value, send_defaults=not top_level)

    def member_to_data(self, member: MemberSchema, value: Any) -> object:
        convert = self.member_encoder(member)
        return value if convert is None else convert(value)

    def to_data(self, schema: Schema, value: Any) -> object:
        convert = self.encoder(schema)
        return value if convert is None else convert(value)

    def member_encoder(self, member: MemberSchema) -> Convert:
        target = member.target
        if target.type is ShapeType.TIMESTAMP and member.timestamp_format is not None:
            fmt = member.timestamp_format
            return lambda value: format_timestamp(value, fmt)
        return self.encoder(target)

    def encoder(self, schema: Schema) -> Convert:
        return self._compiled(self._encoders, schema, self._build_encoder)

    def _build_encoder(self, schema: Schema) -> Convert:
        kind = schema.type
        if kind is ShapeType.STRUCTURE:
            return self._structure_encoder(schema)
        if kind is ShapeType.UNION:
            return self._union_encoder(schema)
        if kind is ShapeType.LIST:
            item = self.member_encoder(schema.member("member"))
            if item is None:
                return None
            return lambda value: [None if x is None else item(x) for x in value]
        if kind is ShapeType.MAP:
            entry = self.member_encoder(schema.member("value"))
            if entry is None:
                return None
            return lambda value: {k: None if x is None else entry(x) for k, x in value.items()}
        if kind is ShapeType.BLOB:
            return lambda value: b64encode(bytes(value))
        if kind is ShapeType.TIMESTAMP:
            fmt = schema.timestamp_format or self.default_timestamp_format
            return lambda value: format_timestamp(value, fmt)
        if kind is ShapeType.FLOAT or kind is ShapeType.DOUBLE:
            return lambda value: float_to_text(float(value))
        if kind is ShapeType.BIG_DECIMAL:
            return lambda value: f"{_DECIMAL_MARK}{Decimal(value)}{_DECIMAL_MARK}"
        return None

    def _structure_encoder(self, schema: Schema) -> Convert:
        fields = self._structure_fields(schema)

        def encode(value: Any) -> dict[str, object]:
            return _write_fields(fields, value, send_defaults=True)

        return encode

    def _structure_fields(self, schema: Schema) -> list[_Field]:
        cached = self._fields.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        fields = [_Field(self, member) for member in schema.members.values()]
        self._fields[id(schema)] = (schema, fields)
        return fields

    def _union_encoder(self, schema: Schema) -> Convert:
        def encode(value: Any) -> dict[str, object]:
            if isinstance(value, UnknownUnionMember):
                raise ParamValidationError(
                    f"{schema.name}: cannot send the unknown union member {value.tag!r}"
                )
            member = _union_member(schema, value)
            return {self.key(member): self.member_to_data(member, value.value)}

        return encode

    # ----------------------------------------------------------------- decoding

    def decode(self, schema: Schema, body: bytes) -> Any:
        """A structure from a JSON body; an empty body is an empty object."""
        codec = self.for_schema(schema)
        return codec.structure_from_data(schema, codec.load(body, schema.name))

    def structure_from_data(
        self,
        schema: Schema,
        data: Mapping[str, object],
        *,
        members: Iterable[MemberSchema] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> Any:
        """Build a structure from a JSON object; ``extra`` adds values bound elsewhere."""
        if members is None and not extra:  # the common case: compiled once per structure
            cached = self._builders.get(id(schema))
            if cached is None or cached[0] is not schema:
                cached = self._builders[id(schema)] = (schema, self.structure_builder(schema))
            return cached[1](data)
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
        fill: bool = True,
    ) -> dict[str, object]:
        """The constructor arguments (python names) of a structure read from JSON;
        ``fill=False`` leaves out the members the JSON lacks instead of defaulting them."""
        kwargs: dict[str, object] = dict(extra or {})
        index = self._key_index(schema)
        wanted = None if members is None else {m.name for m in members}
        for key, raw in data.items():
            found = index.get(key)
            if found is None or raw is None:
                continue
            member, convert = found
            if wanted is not None and member.name not in wanted:
                continue
            kwargs[member.python_name] = raw if convert is None else convert(raw)
        if fill:
            fill_missing(schema, kwargs)
        return kwargs

    def structure_builder(self, schema: Schema) -> Callable[[Mapping[str, object]], Any]:
        """``structure_from_data`` for one structure, compiled: the key index, the
        defaults of missing members and the class are looked up once, not per value."""
        index = {
            key: (member.python_name, convert)
            for key, (member, convert) in self._key_index(schema).items()
        }
        fill = _filler(schema)
        cls = schema.python_type

        def build(data: Mapping[str, object]) -> Any:
            kwargs: dict[str, object] = {}
            for key, raw in data.items():
                found = index.get(key)
                if found is not None and raw is not None:
                    name, convert = found
                    kwargs[name] = raw if convert is None else convert(raw)
            fill(kwargs)
            return kwargs if cls is None else cls(**kwargs)

        return build

    def member_from_data(self, member: MemberSchema, raw: object) -> Any:
        convert = self.member_decoder(member)
        return raw if convert is None else convert(raw)

    def from_data(self, schema: Schema, raw: object) -> Any:
        convert = self.decoder(schema)
        return raw if convert is None else convert(raw)

    def member_decoder(self, member: MemberSchema) -> Convert:
        target = member.target
        if target.type is ShapeType.TIMESTAMP and member.timestamp_format is not None:
            fmt = member.timestamp_format
            where = member.name
            return lambda raw: parse_timestamp(raw, fmt, where)
        return self.decoder(target)

    def decoder(self, schema: Schema) -> Convert:
        return self._compiled(self._decoders, schema, self._build_decoder)

    def _build_decoder(self, schema: Schema) -> Convert:
        kind = schema.type
        where = schema.name
        if kind is ShapeType.STRUCTURE:
            return lambda raw: self.structure_from_data(schema, _expect(raw, dict, where))
        if kind is ShapeType.UNION:
            return lambda raw: self._union_from_data(schema, _expect(raw, dict, where))
        if kind is ShapeType.LIST:
            return self._list_decoder(schema)
        if kind is ShapeType.MAP:
            return self._map_decoder(schema)
        return self._scalar_decoder(schema)

    def _list_decoder(self, schema: Schema) -> Convert:
        item = self.member_decoder(schema.member("member"))
        sparse = schema.sparse
        where = schema.name

        def decode(raw: Any) -> list[Any]:
            items = _expect(raw, list, where)
            if item is None:
                return items if sparse else [x for x in items if x is not None]
            return [None if x is None else item(x) for x in items if x is not None or sparse]

        return decode

    def _map_decoder(self, schema: Schema) -> Convert:
        entry = self.member_decoder(schema.member("value"))
        sparse = schema.sparse
        where = schema.name

        def decode(raw: Any) -> dict[str, Any]:
            entries = _expect(raw, dict, where)
            if entry is None:
                return {k: x for k, x in entries.items() if x is not None or sparse}
            return {
                k: None if x is None else entry(x)
                for k, x in entries.items()
                if x is not None or sparse
            }

        return decode

    def _scalar_decoder(self, schema: Schema) -> Convert:
        kind = schema.type
        where = schema.name
        if kind is ShapeType.STRING or kind is ShapeType.ENUM:
            return lambda raw: _expect(raw, str, where)
        if kind is ShapeType.BOOLEAN:
            return lambda raw: _expect(raw, bool, where)
        if kind in _INTEGERS:
            return lambda raw: _integer(raw, where)
        if kind is ShapeType.FLOAT or kind is ShapeType.DOUBLE:
            return lambda raw: _float(raw, where)
        if kind is ShapeType.BIG_DECIMAL:
            return lambda raw: _decimal(raw, where)
        if kind is ShapeType.BLOB:
            return lambda raw: b64decode(_expect(raw, str, where), where)
        if kind is ShapeType.TIMESTAMP:
            fmt = schema.timestamp_format or self.default_timestamp_format
            return lambda raw: parse_timestamp(raw, fmt, where)
        if self.exact_decimals:  # documents hold floats, not the Decimals parsed here
            return _plain_floats
        return None  # document: plain JSON values

    def _union_from_data(self, schema: Schema, data: dict[str, object]) -> Any:
        present = [(k, v) for k, v in data.items() if v is not None and k != "__type"]
        if len(present) != 1:
            raise SerdeError(f"{schema.name}: a union needs exactly one member, got {len(present)}")
        key, raw = present[0]
        found = self._key_index(schema).get(key)
        if found is None:
            cls = schema.python_type
            if isinstance(cls, type) and issubclass(cls, UnknownUnionMember):
                return cls(key, raw)
            return UnknownUnionMember(key, raw)
        member, convert = found
        if member.variant_type is None:
            raise SerdeError(f"{schema.name}.{member.name}: the schema names no variant class")
        return member.variant_type(raw if convert is None else convert(raw))

    def _key_index(self, schema: Schema) -> dict[str, tuple[MemberSchema, Convert]]:
        cached = self._indexes.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        index = {
            self.key(member): (member, self.member_decoder(member))
            for member in schema.members.values()
        }
        self._indexes[id(schema)] = (schema, index)
        return index

    # ------------------------------------------------------------------ caching

    @staticmethod
    def _compiled(
        cache: dict[int, tuple[Schema, Convert]],
        schema: Schema,
        build: Callable[[Schema], Convert],
    ) -> Convert:
        cached = cache.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        # A recursive shape meets itself while compiling: hand out a forwarder until done.
        slot: list[Convert] = []

        def forward(value: Any) -> Any:
            convert = slot[0]
            return value if convert is None else convert(value)

        cache[id(schema)] = (schema, forward)
        convert = build(schema)
        slot.append(convert)
        cache[id(schema)] = (schema, convert)
        return convert


def _write_fields(fields: list[_Field], value: Any, *, send_defaults: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    is_dict = isinstance(value, dict)
    for field in fields:
        item = value.get(field.python_name) if is_dict else getattr(value, field.python_name, None)
        if item is None:
            if not (send_defaults and field.send_default):
                continue
            item = default_value(field.member)
            if item is None:  # a document defaulting to null is not written
                continue
        convert = field.encode
        out[field.key] = item if convert is None else convert(item)
    return out


def fill_missing(schema: Schema, kwargs: dict[str, object]) -> None:
    """Give each missing member its default, or its zero value when required.

    The zero value for a required member the service left out is Smithy's client error
    correction: the response still parses instead of failing on a server's omission.
    """
    if len(kwargs) >= len(schema.members) and None not in kwargs.values():
        return
    for member in schema.members.values():
        if kwargs.get(member.python_name) is None:
            _fill_member(member, kwargs)


def _fill_member(member: MemberSchema, kwargs: dict[str, object]) -> None:
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


def _filler(schema: Schema) -> Callable[[dict[str, object]], None]:
    """``fill_missing`` for one structure, with its members sorted once: those without a
    default or a zero value just become None."""
    plain: list[str] = []
    special: list[tuple[str, MemberSchema]] = []
    for member in schema.members.values():
        if member.has_default or member.required:
            special.append((member.python_name, member))
        else:
            plain.append(member.python_name)

    def fill(kwargs: dict[str, object]) -> None:
        for name in plain:
            if name not in kwargs:
                kwargs[name] = None
        for name, member in special:
            if kwargs.get(name) is None:
                _fill_member(member, kwargs)

    return fill


def build_structure(schema: Schema, kwargs: dict[str, object]) -> Any:
    """``python_type(**kwargs)``, or the dict itself when the schema names no class."""
    cls = schema.python_type
    return kwargs if cls is None else cls(**kwargs)


def load_json_object(body: bytes, where: str, *, exact_decimals: bool = False) -> dict[str, object]:
    """Parse a JSON object body; an empty (or blank) body is ``{}``."""
    if not exact_decimals:
        data = _plain_object(body)
        if data is not None:
            return data
    if not body.strip():
        return {}
    checked: dict[str, object] = _expect(
        parse_json(body, where, exact_decimals=exact_decimals), dict, where
    )
    return checked


def parse_json(text: bytes | str, where: str, *, exact_decimals: bool = False) -> Any:
    """Any JSON value, nesting at most ``MAX_JSON_DEPTH`` deep; ``where`` names the source.

    Every JSON qsmith reads goes through here, so malformed or too-deep input is always a
    ``SerdeError`` saying where it was read.
    """
    try:
        data = json.loads(text, parse_float=Decimal) if exact_decimals else json.loads(text)
    except RecursionError:
        raise JsonNestingError(where, MAX_JSON_DEPTH) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerdeError(f"{where}: the body is not valid JSON ({exc})") from None
    if _may_nest_too_deep(text) and nesting_exceeds(data, MAX_JSON_DEPTH):
        raise JsonNestingError(where, MAX_JSON_DEPTH)
    return data


def _plain_object(body: bytes) -> dict[str, object] | None:
    """The common body (strict UTF-8, ``{`` to ``}``, too few brackets to nest past the
    limit) parsed by the C scanner alone, skipping ``json.loads``' encoding detection;
    None for anything else, which then takes ``parse_json``'s path and its errors."""
    if body[:1] != b"{" or body[-1:] != b"}" or _may_nest_too_deep(body):
        return None
    try:
        text = body.decode()
        data, end = _scan_once(text, 0)
    except (ValueError, StopIteration):  # UnicodeDecodeError and JSONDecodeError included
        return None
    return data if end == len(text) else None


def _may_nest_too_deep(text: bytes | str) -> bool:
    """False when the text has too few brackets to nest past the limit (a C-speed count)."""
    if len(text) < MAX_JSON_DEPTH:
        return False
    if isinstance(text, str):
        return text.count("[") + text.count("{") >= MAX_JSON_DEPTH
    return text.count(b"[") + text.count(b"{") >= MAX_JSON_DEPTH


def nesting_exceeds(data: object, limit: int) -> bool:
    """Whether lists and dicts in ``data`` nest deeper than ``limit`` (walked without
    recursion, so any depth can be measured)."""
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Iterable[object] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, list | dict))
    return False


def dump_json(data: object) -> str:
    """Compact JSON text of plain JSON data, ``DOCUMENT_NULL`` written as ``null``.

    Anything else that is not JSON (a set, an object, NaN, nesting deeper than
    ``MAX_JSON_DEPTH``) is a ``ParamValidationError``: it came from the caller.
    """
    try:
        text = _ENCODER.encode(data)
    except RecursionError:
        raise _too_deep_to_write() from None
    except (TypeError, ValueError) as exc:
        raise ParamValidationError(f"value cannot be written as JSON: {exc}") from None
    if _may_nest_too_deep(text) and nesting_exceeds(data, MAX_JSON_DEPTH):
        raise _too_deep_to_write()
    return text


def _json_null(value: object) -> None:
    """``json.dumps``'s hook for what it cannot write: only the explicit null is known."""
    if value is DOCUMENT_NULL:
        return None
    raise TypeError(f"a {type(value).__name__} object is not a JSON value")


# ``json.dumps`` with these options builds an encoder per call; one is built here instead.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_null
)


def _too_deep_to_write() -> ParamValidationError:
    return ParamValidationError(
        f"value cannot be written as JSON: it nests deeper than {MAX_JSON_DEPTH} levels"
    )


def _expect(raw: object, kind: type[Any], where: str) -> Any:
    if not isinstance(raw, kind):
        raise SerdeError(f"{where}: expected {kind.__name__}, got {_kind(raw)}")
    return raw


def _integer(raw: object, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise SerdeError(f"{where}: expected an integer, got {_kind(raw)}")
    return raw


def _float(raw: object, where: str) -> float:
    if isinstance(raw, str):
        return float_from_text(raw, where)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise SerdeError(f"{where}: expected a number, got {_kind(raw)}")
    return float(raw)


def _decimal(raw: object, where: str) -> Decimal:
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise SerdeError(f"{where}: expected a number, got {_kind(raw)}")
    return Decimal(repr(raw) if isinstance(raw, float) else raw)


def _plain_floats(raw: Any) -> Any:
    if isinstance(raw, Decimal):
        return float(raw)
    if isinstance(raw, list):
        return [_plain_floats(item) for item in raw]
    if isinstance(raw, dict):
        return {key: _plain_floats(item) for key, item in raw.items()}
    return raw


_BIG_DECIMAL_SEEN: dict[int, tuple[Schema, bool]] = {}


def _holds_big_decimal(schema: Schema) -> bool:
    """Whether a bigDecimal is reachable from ``schema`` (cached per schema)."""
    cached = _BIG_DECIMAL_SEEN.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    found = False
    seen: set[int] = set()
    pending = [schema]
    while pending and not found:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        found = current.type is ShapeType.BIG_DECIMAL
        pending.extend(member.target for member in current.members.values())
    _BIG_DECIMAL_SEEN[id(schema)] = (schema, found)
    return found


def _kind(raw: object) -> str:
    return "null" if raw is None else type(raw).__name__


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

"""Schema-only defaults for event stream semantics: plain values and plain JSON.

``PlainEventFactory`` represents events without generated classes, in the same shape
Smithy's protocol tests write ``params``: a structure is a ``dict`` keyed by member name,
a union value is a one-key ``dict`` ``{member: value}``, an unknown event is an
``UnknownEvent``, and a modeled error is raised as ``ModeledStreamError``.

``PlainJsonCodec`` reads and writes JSON documents of those values: members under their
wire names (``jsonName`` for restJson1, the member name for awsJson), blobs as base64,
timestamps as epoch seconds by default. It exists so the semantics can be used and
tested before the protocol layer brings its full serde; it is deliberately small.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from qsmith.runtime.errors import EventStreamError, ServiceError
from qsmith.runtime.eventstream.errors import EventStreamProtocolError
from qsmith.runtime.eventstream.message import Message
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat

__all__ = ["ModeledStreamError", "PlainEventFactory", "PlainJsonCodec", "UnknownEvent"]

_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


@dataclass(frozen=True, slots=True)
class UnknownEvent:
    """An event of a type the model does not know: its name and the whole message."""

    event_type: str
    message: Message


class ModeledStreamError(ServiceError, EventStreamError):
    """A modeled error event: ``shape_id`` names the error structure, ``value`` holds it."""

    def __init__(self, member: MemberSchema, value: dict[str, object]) -> None:
        self.member = member.name
        self.shape_id = member.target.id
        self.value = value
        message_member = member.target.members.get("message") or member.target.members.get(
            "Message"
        )
        text = None
        if message_member is not None and not message_member.is_sensitive:
            raw = value.get(message_member.name)
            text = raw if isinstance(raw, str) else None
        super().__init__(
            text,
            code=member.target.name,
            fault=member.target.error or "client",
            retryable=member.target.retryable,
        )


class PlainEventFactory:
    """Events as plain dicts (see the module docstring)."""

    def make_structure(self, schema: Schema, members: dict[str, object]) -> object:
        return members

    def make_event(self, union: Schema, member: MemberSchema, value: object) -> object:
        return {member.name: value}

    def make_unknown(self, union: Schema, event_type: str, message: Message) -> object:
        return UnknownEvent(event_type, message)

    def make_error(self, union: Schema, member: MemberSchema, value: object) -> BaseException:
        return ModeledStreamError(member, value if isinstance(value, dict) else {})

    def event_of(self, union: Schema, event: object) -> tuple[MemberSchema, object]:
        if not isinstance(event, Mapping) or len(event) != 1:
            raise EventStreamProtocolError(
                f"an event of {union.id} is a one-key dict {{member: value}}, "
                f"not {type(event).__name__}"
            )
        ((name, value),) = event.items()
        member = union.members.get(name)
        if member is None:
            raise EventStreamProtocolError(f"{union.id} has no member {name!r}")
        return member, value

    def members_of(self, schema: Schema, value: object) -> dict[str, object]:
        if not isinstance(value, Mapping):
            raise EventStreamProtocolError(
                f"a value of {schema.id} is a dict of members, not {type(value).__name__}"
            )
        return {str(k): v for k, v in value.items()}


class PlainJsonCodec:
    """JSON documents of plain values (see the module docstring)."""

    def __init__(
        self,
        *,
        use_json_name: bool = True,
        media_type: str = "application/json",
        timestamp_format: TimestampFormat = TimestampFormat.EPOCH_SECONDS,
    ) -> None:
        self._use_json_name = use_json_name
        self._media_type = media_type
        self._timestamp_format = timestamp_format

    @property
    def media_type(self) -> str:
        return self._media_type

    def decode_members(self, payload: bytes, schema: Schema) -> dict[str, object]:
        document = self._parse(payload, schema)
        if not isinstance(document, dict):
            raise _bad_document(schema, "an object")
        return self._read_members(document, schema)

    def decode_value(self, payload: bytes, schema: Schema) -> object:
        return self._read(self._parse(payload, schema), schema, None)

    def encode_members(self, members: Mapping[str, object], schema: Schema) -> bytes:
        document = {
            self._key(schema.member(name)): self._write(value, schema.member(name))
            for name, value in members.items()
            if value is not None
        }
        return _dump(document)

    def encode_value(self, value: object, schema: Schema) -> bytes:
        return _dump(self._write_shape(value, schema, None))

    def _parse(self, payload: bytes, schema: Schema) -> object:
        try:
            return json.loads(payload)
        except RecursionError:
            raise EventStreamProtocolError(f"payload of {schema.id} nests too deeply") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise EventStreamProtocolError(
                f"payload of {schema.id} is not valid JSON: {exc}"
            ) from None

    def _key(self, member: MemberSchema) -> str:
        return member.wire_name if self._use_json_name else member.name

    def _read_members(self, document: dict[str, object], schema: Schema) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, member in schema.members.items():
            key = self._key(member)
            if key in document and document[key] is not None:
                out[name] = self._read(document[key], member.target, member)
        return out

    def _read(self, raw: object, schema: Schema, member: MemberSchema | None) -> object:
        kind = schema.type
        if kind is ShapeType.STRUCTURE and isinstance(raw, dict):
            return self._read_members(raw, schema)
        if kind is ShapeType.UNION and isinstance(raw, dict):
            set_members = {k: v for k, v in raw.items() if v is not None}
            for name, member_schema in schema.members.items():
                if self._key(member_schema) in set_members:
                    value = set_members[self._key(member_schema)]
                    return {name: self._read(value, member_schema.target, member_schema)}
            return {"$unknown": set_members}
        if kind is ShapeType.LIST and isinstance(raw, list):
            item = schema.member("member")
            return [self._read(v, item.target, item) for v in raw]
        if kind is ShapeType.MAP and isinstance(raw, dict):
            value_member = schema.member("value")
            return {k: self._read(v, value_member.target, value_member) for k, v in raw.items()}
        if kind is ShapeType.BLOB and isinstance(raw, str):
            try:
                return base64.b64decode(raw, validate=True)
            except binascii.Error:
                raise _bad_document(schema, "base64") from None
        if kind is ShapeType.TIMESTAMP:
            return self._read_timestamp(raw, schema, member)
        if (
            kind in _SCALARS
            and isinstance(raw, _SCALARS[kind])
            and not _is_bool_for_number(raw, kind)
        ):
            return raw
        if kind is ShapeType.DOCUMENT:
            return raw
        if kind in (ShapeType.FLOAT, ShapeType.DOUBLE) and raw in ("NaN", "Infinity", "-Infinity"):
            return float(str(raw))
        raise _bad_document(schema, f"a {kind.value}")

    def _read_timestamp(self, raw: object, schema: Schema, member: MemberSchema | None) -> object:
        fmt = self._format(schema, member)
        if (
            fmt is TimestampFormat.EPOCH_SECONDS
            and isinstance(raw, int | float)
            and not isinstance(raw, bool)
            and math.isfinite(raw)
        ):
            return _EPOCH + _dt.timedelta(seconds=raw)
        if fmt is TimestampFormat.DATE_TIME and isinstance(raw, str):
            try:
                return _dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                pass
        raise _bad_document(schema, f"a {fmt.value} timestamp")

    def _format(self, schema: Schema, member: MemberSchema | None) -> TimestampFormat:
        if member is not None and member.timestamp_format is not None:
            return member.timestamp_format
        return schema.timestamp_format or self._timestamp_format

    def _write(self, value: object, member: MemberSchema) -> object:
        return self._write_shape(value, member.target, member)

    def _write_shape(self, value: object, schema: Schema, member: MemberSchema | None) -> object:
        kind = schema.type
        if kind is ShapeType.STRUCTURE and isinstance(value, Mapping):
            return {
                self._key(schema.member(k)): self._write(v, schema.member(k))
                for k, v in value.items()
                if v is not None
            }
        if kind is ShapeType.UNION and isinstance(value, Mapping) and len(value) == 1:
            ((name, inner),) = value.items()
            return {self._key(schema.member(name)): self._write(inner, schema.member(name))}
        if kind is ShapeType.LIST and isinstance(value, list | tuple):
            return [self._write(v, schema.member("member")) for v in value]
        if kind is ShapeType.MAP and isinstance(value, Mapping):
            return {k: self._write(v, schema.member("value")) for k, v in value.items()}
        if kind is ShapeType.BLOB and isinstance(value, bytes | bytearray):
            return base64.b64encode(value).decode("ascii")
        if kind is ShapeType.TIMESTAMP and isinstance(value, _dt.datetime):
            if self._format(schema, member) is TimestampFormat.DATE_TIME:
                return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
            seconds = (value - _EPOCH).total_seconds()
            return int(seconds) if seconds.is_integer() else seconds
        return value


_SCALARS: Final[dict[ShapeType, type | tuple[type, ...]]] = {
    ShapeType.STRING: str,
    ShapeType.ENUM: str,
    ShapeType.BOOLEAN: bool,
    ShapeType.BYTE: int,
    ShapeType.SHORT: int,
    ShapeType.INTEGER: int,
    ShapeType.LONG: int,
    ShapeType.INT_ENUM: int,
    ShapeType.BIG_INTEGER: int,
    ShapeType.FLOAT: (int, float),
    ShapeType.DOUBLE: (int, float),
    ShapeType.BIG_DECIMAL: (int, float),
}


def _is_bool_for_number(raw: object, kind: ShapeType) -> bool:
    return isinstance(raw, bool) and kind is not ShapeType.BOOLEAN


def _dump(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _bad_document(schema: Schema, wanted: str) -> EventStreamProtocolError:
    return EventStreamProtocolError(f"payload value for {schema.id} is not {wanted}")

"""Smithy event stream semantics over messages, driven by the runtime schema.

A Smithy event stream is a ``@streaming`` union: each member is one kind of event.
On the wire every message says what it is:

* ``:message-type: event`` with ``:event-type`` naming the union member. The event
  structure's ``@eventHeader`` members travel as headers (named as the members); its
  ``@eventPayload`` member, if any, is the whole payload (raw bytes for a blob, UTF-8
  for a string, a document for a structure or union); otherwise the payload is a
  document of the structure's other members. An event type the model does not know
  becomes an *unknown* value, never dropped. The RPC protocols (awsJson) send the
  operation output's other members first, as an ``initial-response`` event.
* ``:message-type: exception`` with ``:exception-type`` naming an error member of the
  union: a modeled error, raised.
* ``:message-type: error`` with ``:error-code`` and ``:error-message``: an error the
  model does not describe, raised as ``UnmodeledStreamError``.

The documents inside payloads are the protocol's business (JSON for ours), so this
module takes a ``PayloadCodec``; how values are built and taken apart (generated
classes, or plain dicts) is the ``EventFactory``'s. ``qsmith.runtime.eventstream.plain``
has schema-only defaults of both.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from qsmith.runtime.eventstream.errors import (
    EventStreamFault,
    EventStreamProtocolError,
    InvalidHeaderValueError,
    UnmodeledStreamError,
)
from qsmith.runtime.eventstream.headers import Byte, HeaderValue, Long, Short, Timestamp
from qsmith.runtime.eventstream.message import Message, encode_message
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType
from qsmith.runtime.serde import SerdeError

__all__ = [
    "INITIAL_RESPONSE",
    "EventFactory",
    "EventSigner",
    "EventStreamDecoder",
    "EventStreamEncoder",
    "InitialResponse",
    "PayloadCodec",
]

INITIAL_RESPONSE: Final = "initial-response"
_BLOB_MEDIA_TYPE: Final = "application/octet-stream"
_TEXT_MEDIA_TYPE: Final = "text/plain"


class PayloadCodec(Protocol):
    """Turns payload documents into member values and back (JSON for our protocols)."""

    @property
    def media_type(self) -> str:
        """The ``:content-type`` of the documents this codec writes."""
        ...

    def decode_members(self, payload: bytes, schema: Schema) -> dict[str, object]:
        """The members of structure ``schema`` found in a document, keyed by member
        name, with fully built values."""
        ...

    def decode_value(self, payload: bytes, schema: Schema) -> object:
        """A whole value of ``schema`` (a structure or union) from a document."""
        ...

    def encode_members(self, members: Mapping[str, object], schema: Schema) -> bytes:
        """A document of the given members (keyed by member name) of ``schema``."""
        ...

    def encode_value(self, value: object, schema: Schema) -> bytes:
        """A document of a whole value of ``schema``."""
        ...


class EventFactory(Protocol):
    """Builds and takes apart the values an event stream carries."""

    def make_structure(self, schema: Schema, members: dict[str, object]) -> object:
        """A structure value from its members, keyed by member name (unset ones absent)."""
        ...

    def make_event(self, union: Schema, member: MemberSchema, value: object) -> object:
        """The union value for a known event."""
        ...

    def make_unknown(self, union: Schema, event_type: str, message: Message) -> object:
        """The union's unknown value for an event type the model does not know."""
        ...

    def make_error(self, union: Schema, member: MemberSchema, value: object) -> BaseException:
        """The exception to raise for a modeled error event."""
        ...

    def event_of(self, union: Schema, event: object) -> tuple[MemberSchema, object]:
        """Which union member a value to send is, and the structure it holds."""
        ...

    def members_of(self, schema: Schema, value: object) -> dict[str, object]:
        """The set members of a structure value, keyed by member name."""
        ...


class EventSigner(Protocol):
    """Signs outgoing events: given an encoded message, the headers of the message
    that wraps it (for SigV4, ``:date`` and ``:chunk-signature``).

    Called with ``b""`` for the empty frame that ends a signed stream.
    """

    def sign_event(self, encoded: bytes) -> dict[str, HeaderValue]: ...


@dataclass(frozen=True, slots=True)
class InitialResponse:
    """awsJson's first event: the output members that are not the stream."""

    members: dict[str, object] = field(default_factory=dict)


class EventStreamDecoder:
    """Turns messages into events of one union (and raises the errors they carry).

    ``initial_response`` is the operation's output schema under the RPC protocols; it
    makes an ``initial-response`` event decode to ``InitialResponse``. Without it such an
    event is unknown, like any other event type the union lacks.
    """

    def __init__(
        self,
        union: Schema,
        codec: PayloadCodec,
        factory: EventFactory,
        *,
        initial_response: Schema | None = None,
    ) -> None:
        if union.type is not ShapeType.UNION:
            raise TypeError(f"{union.id} is not a union")
        self.union = union
        self.codec = codec
        self.factory = factory
        self.initial_response = initial_response
        self.messages_seen = 0

    def decode(self, message: Message) -> object:
        """The event a message carries; raises for exception and error messages."""
        index = self.messages_seen
        self.messages_seen += 1
        try:
            return self._decode(message, index)
        except EventStreamFault as exc:
            # The payload codec does not know which message it was reading.
            exc.in_message(index)
            raise
        except SerdeError as exc:
            raise exc.within(_message_place(message, index)) from None

    def _decode(self, message: Message, index: int) -> object:
        message_type = _string_header(message, ":message-type", index)
        if message_type == "event":
            return self._event(message, index)
        if message_type == "exception":
            raise self._exception(message, index)
        if message_type == "error":
            code = message.headers.get(":error-code")
            text = message.headers.get(":error-message")
            raise UnmodeledStreamError(
                code if isinstance(code, str) else "UnknownError",
                text if isinstance(text, str) else None,
                message_index=index,
            )
        raise EventStreamProtocolError(
            f"unknown message type {message_type!r} (expected event, exception or error)",
            message_index=index,
            header=":message-type",
        )

    def _event(self, message: Message, index: int) -> object:
        event_type = _string_header(message, ":event-type", index)
        if event_type == INITIAL_RESPONSE and self.initial_response is not None:
            return self._initial_response(message, self.initial_response)
        member = self.union.members.get(event_type)
        if member is None or member.target.error is not None:
            return self.factory.make_unknown(self.union, event_type, message)
        value = self._structure(member.target, message, index)
        return self.factory.make_event(self.union, member, value)

    def _exception(self, message: Message, index: int) -> BaseException:
        exception_type = _string_header(message, ":exception-type", index)
        member = self.union.members.get(exception_type)
        if member is None or member.target.error is None:
            text = message.payload.decode("utf-8", "replace")[:1000]
            return UnmodeledStreamError(exception_type, text or None, message_index=index)
        value = self._structure(member.target, message, index)
        return self.factory.make_error(self.union, member, value)

    def _initial_response(self, message: Message, output: Schema) -> InitialResponse:
        members = self.codec.decode_members(message.payload, output) if message.payload else {}
        for name, member in output.members.items():
            if member.target.streaming:
                members.pop(name, None)
        return InitialResponse(members)

    def _structure(self, schema: Schema, message: Message, index: int) -> object:
        members: dict[str, object] = {}
        body_members = False
        for name, member in schema.members.items():
            if member.event_header:
                if name in message.headers:
                    members[name] = _from_header(member, message.headers[name], index)
            elif member.event_payload:
                value = self._payload_member(member, message.payload, index)
                if value is not None:
                    members[name] = value
            else:
                body_members = True
        if body_members and message.payload:
            explicit = any(m.event_payload for m in schema.members.values())
            if not explicit:
                body = self.codec.decode_members(message.payload, schema)
                for name, value in body.items():
                    body_member = schema.members.get(name)
                    if body_member is not None and not body_member.event_header:
                        members[name] = value
        return self.factory.make_structure(schema, members)

    def _payload_member(self, member: MemberSchema, payload: bytes, index: int) -> object:
        kind = member.target.type
        if kind is ShapeType.BLOB:
            return payload
        if kind in (ShapeType.STRING, ShapeType.ENUM):
            try:
                return payload.decode("utf-8")
            except UnicodeDecodeError:
                raise EventStreamProtocolError(
                    f"payload of {member.name!r} is a string but not valid UTF-8",
                    message_index=index,
                ) from None
        if kind in (ShapeType.STRUCTURE, ShapeType.UNION):
            return self.codec.decode_value(payload, member.target) if payload else None
        raise EventStreamProtocolError(
            f"@eventPayload member {member.name!r} targets a {kind.value}, which a payload "
            "cannot hold",
            message_index=index,
        )


class EventStreamEncoder:
    """Turns events of one union into message bytes, optionally signed."""

    def __init__(
        self,
        union: Schema,
        codec: PayloadCodec,
        factory: EventFactory,
        *,
        signer: EventSigner | None = None,
    ) -> None:
        if union.type is not ShapeType.UNION:
            raise TypeError(f"{union.id} is not a union")
        self.union = union
        self.codec = codec
        self.factory = factory
        self.signer = signer

    def encode(self, event: object) -> bytes:
        """The frame of one event (wrapped in a signed message when there is a signer).

        Headers go in the order other SDKs write them: ``:message-type``, the type
        header, ``:content-type``, then the ``@eventHeader`` members.
        """
        member, value = self.factory.event_of(self.union, event)
        kind = "exception" if member.target.error is not None else "event"
        type_header = ":exception-type" if kind == "exception" else ":event-type"
        headers: dict[str, HeaderValue] = {":message-type": kind, type_header: member.name}
        member_headers: dict[str, HeaderValue] = {}
        payload = self._structure(member.target, value, headers, member_headers)
        headers.update(member_headers)
        return self._frame(Message(headers, payload))

    def encode_initial_response(self, members: Mapping[str, object], output: Schema) -> bytes:
        """awsJson's ``initial-response`` event from the output's non-stream members."""
        body = {k: v for k, v in members.items() if not output.member(k).target.streaming}
        headers: dict[str, HeaderValue] = {
            ":message-type": "event",
            ":event-type": INITIAL_RESPONSE,
            ":content-type": self.codec.media_type,
        }
        return self._frame(Message(headers, self.codec.encode_members(body, output)))

    def encode_unmodeled_error(self, code: str, message: str) -> bytes:
        """An ``error`` message (what a service sends for errors outside the model)."""
        headers: dict[str, HeaderValue] = {
            ":message-type": "error",
            ":error-code": code,
            ":error-message": message,
        }
        return self._frame(Message(headers, b""))

    def encode_end(self) -> bytes:
        """The empty signed frame that ends a signed stream (nothing when unsigned)."""
        if self.signer is None:
            return b""
        return encode_message(Message(self.signer.sign_event(b""), b""))

    def _frame(self, message: Message) -> bytes:
        encoded = encode_message(message)
        if self.signer is None:
            return encoded
        return encode_message(Message(self.signer.sign_event(encoded), encoded))

    def _structure(
        self,
        schema: Schema,
        value: object,
        headers: dict[str, HeaderValue],
        member_headers: dict[str, HeaderValue],
    ) -> bytes:
        """The payload of an event structure; fills in its headers on the way."""
        members = self.factory.members_of(schema, value)
        body: dict[str, object] = {}
        payload_member: MemberSchema | None = None
        for name, member in schema.members.items():
            if member.event_payload:
                payload_member = member
            elif name not in members or members[name] is None:
                continue
            elif member.event_header:
                member_headers[name] = _to_header(member, members[name])
            else:
                body[name] = members[name]
        if payload_member is not None:
            return self._payload_member(payload_member, members.get(payload_member.name), headers)
        if not any(not m.event_header for m in schema.members.values()):
            return b""  # headers only: no payload, no content type
        headers[":content-type"] = self.codec.media_type
        return self.codec.encode_members(body, schema)

    def _payload_member(
        self, member: MemberSchema, value: object, headers: dict[str, HeaderValue]
    ) -> bytes:
        kind = member.target.type
        if kind is ShapeType.BLOB:
            headers[":content-type"] = _BLOB_MEDIA_TYPE
            return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b""
        if kind in (ShapeType.STRING, ShapeType.ENUM):
            headers[":content-type"] = _TEXT_MEDIA_TYPE
            return value.encode("utf-8") if isinstance(value, str) else b""
        headers[":content-type"] = self.codec.media_type
        return self.codec.encode_value(value, member.target) if value is not None else b""


def _message_place(message: Message, index: int) -> str:
    """``message #3 (event assistantResponseEvent)``: where a payload failed to decode."""
    for kind, header in (("event", ":event-type"), ("exception", ":exception-type")):
        value = message.headers.get(header)
        if isinstance(value, str):
            return f"message #{index} ({kind} {value})"
    return f"message #{index}"


def _string_header(message: Message, name: str, index: int) -> str:
    value = message.headers.get(name)
    if value is None:
        raise EventStreamProtocolError(
            "required header is missing", message_index=index, header=name
        )
    if not isinstance(value, str):
        raise EventStreamProtocolError(
            f"header must be a string, not {type(value).__name__}",
            message_index=index,
            header=name,
        )
    return value


_INTEGER_SHAPES: Final = {
    ShapeType.BYTE: Byte,
    ShapeType.SHORT: Short,
    ShapeType.INTEGER: int,
    ShapeType.LONG: Long,
    ShapeType.INT_ENUM: int,
}


def _from_header(member: MemberSchema, value: HeaderValue, index: int) -> object:
    """The member value a header carries, checked against the member's type."""
    kind = member.target.type
    accepted: bool
    if kind is ShapeType.BOOLEAN:
        accepted = isinstance(value, bool)
    elif kind in _INTEGER_SHAPES:
        accepted = isinstance(value, int) and not isinstance(value, bool | Timestamp)
        value = int(value) if accepted else value  # type: ignore[arg-type]
    elif kind is ShapeType.BLOB:
        accepted = isinstance(value, bytes)
    elif kind in (ShapeType.STRING, ShapeType.ENUM):
        accepted = isinstance(value, str)
    elif kind is ShapeType.TIMESTAMP:
        accepted = isinstance(value, Timestamp)
        if isinstance(value, Timestamp):
            return value.to_datetime()
    else:
        raise EventStreamProtocolError(
            f"@eventHeader member targets a {kind.value}, which a header cannot hold",
            message_index=index,
            header=member.name,
        )
    if not accepted:
        raise EventStreamProtocolError(
            f"header holds a {type(value).__name__}; the member is a {kind.value}",
            message_index=index,
            header=member.name,
        )
    return value


def _to_header(member: MemberSchema, value: object) -> HeaderValue:
    """The header value for a member value, typed by the member's shape."""
    kind = member.target.type
    if kind is ShapeType.BOOLEAN and isinstance(value, bool):
        return value
    if kind in _INTEGER_SHAPES and isinstance(value, int) and not isinstance(value, bool):
        try:
            sized: int = _INTEGER_SHAPES[kind](value)
        except InvalidHeaderValueError as exc:
            raise exc.about_header(member.name) from None
        return sized
    if kind is ShapeType.BLOB and isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if kind in (ShapeType.STRING, ShapeType.ENUM) and isinstance(value, str):
        return value
    if kind is ShapeType.TIMESTAMP and isinstance(value, _dt.datetime):
        return Timestamp.from_datetime(value)
    raise EventStreamProtocolError(
        f"a {type(value).__name__} cannot be sent as a {kind.value} header",
        header=member.name,
    )

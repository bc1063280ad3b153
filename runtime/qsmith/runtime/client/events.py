"""Event stream decoding for generated clients: JSON payloads, generated classes.

``StreamDecoding`` joins the event stream codec (messages and Smithy semantics) to the
protocol's JSON codec and the generated classes named in the runtime schema, and
builds the operation's non-stream output members (HTTP headers under restJson1, the
``initial-response`` event under awsJson).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from typing import Protocol as TypingProtocol

from qsmith.runtime.errors import ParamValidationError, ServiceError
from qsmith.runtime.eventstream.message import Message
from qsmith.runtime.eventstream.semantics import (
    INITIAL_RESPONSE,
    EventStreamDecoder,
    EventStreamEncoder,
    InitialResponse,
)
from qsmith.runtime.schema import MemberSchema, OperationSchema, Schema, ShapeType
from qsmith.runtime.serde import (
    JsonNestingError,
    MissingInitialResponseMemberError,
    SerdeError,
    must_arrive,
)
from qsmith.runtime.serde.json import (
    MAX_JSON_DEPTH,
    JsonCodec,
    build_structure,
    fill_missing,
    load_json_object,
)
from qsmith.runtime.values import UnknownUnionMember

if TYPE_CHECKING:
    import httpx

    from qsmith.runtime.protocols.base import Protocol


class _SpeaksProtocol(TypingProtocol):
    """What a stream needs of its client: the protocol object (a ``ClientCore``)."""

    @property
    def protocol(self) -> Protocol: ...


__all__ = [
    "EncodedEvents",
    "GeneratedEventFactory",
    "JsonPayloadCodec",
    "StreamDecoding",
    "encode_input_events",
]


class JsonPayloadCodec:
    """Event payload documents as JSON, with the protocol's member naming."""

    media_type = "application/json"

    def __init__(self, codec: JsonCodec) -> None:
        self._codec = codec
        # Member names by Python name, per structure: built once, not once per event.
        self._names: dict[str, dict[str, str]] = {}

    def decode_members(self, payload: bytes, schema: Schema) -> dict[str, object]:
        data = _json_object(payload, schema)
        by_python = self._names.get(schema.id)
        if by_python is None:
            by_python = {m.python_name: m.name for m in schema.members.values()}
            self._names[schema.id] = by_python
        # Not filled: the caller tells a missing member from a zero one (initial-response).
        kwargs = self._codec.structure_kwargs(schema, data, fill=False)
        return {by_python[k]: v for k, v in kwargs.items() if v is not None and k in by_python}

    def decode_value(self, payload: bytes, schema: Schema) -> object:
        return self._codec.from_data(schema, _json_object(payload, schema))

    def encode_members(self, members: Mapping[str, object], schema: Schema) -> bytes:
        data = {
            self._codec.key(schema.members[name]): self._codec.member_to_data(
                schema.members[name], value
            )
            for name, value in members.items()
            if value is not None
        }
        return self._codec.encode(data)

    def encode_value(self, value: object, schema: Schema) -> bytes:
        return self._codec.encode(self._codec.to_data(schema, value))


def _json_object(payload: bytes, schema: Schema) -> dict[str, object]:
    return load_json_object(payload, schema.name)


class GeneratedEventFactory:
    """Builds events and errors as the generated classes the schema names."""

    def make_structure(self, schema: Schema, members: dict[str, object]) -> object:
        kwargs = {schema.members[name].python_name: value for name, value in members.items()}
        fill_missing(schema, kwargs)
        return build_structure(schema, kwargs)

    def make_event(self, union: Schema, member: MemberSchema, value: object) -> object:
        variant = member.variant_type
        return value if variant is None else variant(value)

    def make_unknown(self, union: Schema, event_type: str, message: Message) -> object:
        unknown = union.python_type
        if unknown is not None and issubclass(unknown, UnknownUnionMember):
            return unknown(event_type, message)
        return UnknownUnionMember(event_type, message)

    def make_error(self, union: Schema, member: MemberSchema, value: object) -> BaseException:
        if isinstance(value, BaseException):
            return value
        raise TypeError(f"{member.target.id} did not build an exception")

    def event_of(self, union: Schema, event: object) -> tuple[MemberSchema, object]:
        name = getattr(event, "member_name", None)
        if not isinstance(name, str) or name not in union.members:
            raise TypeError(f"{type(event).__name__} is not a member of {union.id}")
        return union.members[name], getattr(event, "value", None)

    def members_of(self, schema: Schema, value: object) -> dict[str, object]:
        return {
            name: getattr(value, member.python_name, None)
            for name, member in schema.members.items()
        }


class StreamDecoding:
    """Decoding state of one streaming call: its decoder and its output members."""

    def __init__(
        self,
        core: _SpeaksProtocol,
        operation: OperationSchema,
        status: int,
        headers: httpx.Headers,
    ) -> None:
        stream_member = operation.streaming_member("output")
        if stream_member is None:
            raise TypeError(f"{operation.id} does not stream its output")
        self._operation = operation
        self._stream_member = stream_member
        self._status = status
        self._codec = core.protocol.event_codec
        # Per event type: its payload read in one step, or None for the general path.
        self._readers: dict[str, Callable[[bytes], object] | None] = {}
        self.needs_initial_response = core.protocol.initial_response_event
        self.initial_seen = False
        self._initial: dict[str, object] = {}
        self._decoder = EventStreamDecoder(
            stream_member.target,
            JsonPayloadCodec(core.protocol.event_codec),
            GeneratedEventFactory(),
            initial_response=operation.output if self.needs_initial_response else None,
        )
        self._header_output: Any = None
        if not self.needs_initial_response:
            self._header_output = core.protocol.read_stream_output(
                operation, status, headers.multi_items()
            )

    def decode(self, message: Message) -> object:
        """The event ``message`` carries (``InitialResponse`` for awsJson's first)."""
        headers = message.headers
        if headers.get(":message-type") == "event":
            event_type = headers.get(":event-type")
            if type(event_type) is str:
                read = self._readers.get(event_type, _UNSEEN)
                if read is _UNSEEN:
                    read = self._readers[event_type] = self._reader_for(event_type)
                if read is not None:
                    try:
                        event = read(message.payload)
                    except Exception:  # the general path below raises it, with its context
                        pass
                    else:
                        self._decoder.messages_seen += 1
                        return event
        return self._decode_in_full(message)

    def _reader_for(self, event_type: str) -> Callable[[bytes], object] | None:
        """The common event's decoder in one step: a structure whose members all travel
        in a JSON payload. Built once per event type; it does what the general path does
        for such an event (parse with the nesting guard, convert, fill, build, wrap)."""
        if event_type == INITIAL_RESPONSE and self.needs_initial_response:
            return None
        member = self._stream_member.target.members.get(event_type)
        if member is None or member.target.error is not None:
            return None
        schema = member.target
        members = schema.members.values()
        if schema.type is not ShapeType.STRUCTURE or not members:
            return None
        if any(m.event_header or m.event_payload for m in members):
            return None
        build = self._codec.structure_builder(schema)
        variant = member.variant_type
        where = schema.name

        def read(payload: bytes) -> object:
            value = build(load_json_object(payload, where) if payload else {})
            return value if variant is None else variant(value)

        return read

    def _decode_in_full(self, message: Message) -> object:
        try:
            event = self._decoder.decode(message)
        except ServiceError as error:
            # Its class may be modeled with another status; the answer's status is real.
            error.arrived_in_event(_error_event_type(message, error), self._status)
            raise
        except SerdeError as error:
            raise error.within(self._operation.name) from None
        except RecursionError:  # a recursive shape nested deeper than Python can walk
            place = f"{self._operation.name}: message #{self._decoder.messages_seen - 1}"
            raise JsonNestingError(place, MAX_JSON_DEPTH) from None
        if isinstance(event, InitialResponse):
            self.initial_seen = True
            self._initial = event.members
            self._check_initial()
        return event

    def _check_initial(self) -> None:
        """awsJson: the initial response carries every member that must arrive (the same
        rule ``RestJson1.read_stream_output`` applies to headers)."""
        for name, member in self._operation.output.members.items():
            if member is self._stream_member or name in self._initial:
                continue
            if must_arrive(member):
                raise MissingInitialResponseMemberError(self._operation.name, name)

    def output(self) -> Any:
        """The output's other members; under awsJson a stream that sent no initial-response
        (its events are still delivered) has none, so this raises if one must arrive."""
        if not self.needs_initial_response:
            return self._header_output
        self._check_initial()
        kwargs = {
            self._operation.output.members[name].python_name: value
            for name, value in self._initial.items()
        }
        kwargs.pop(self._stream_member.python_name, None)
        fill_missing(self._operation.output, kwargs)
        kwargs.pop(self._stream_member.python_name, None)
        return build_structure(self._operation.output, kwargs)


_UNSEEN: Any = object()


def _error_event_type(message: Message, error: ServiceError) -> str:
    name = message.headers.get(":exception-type")
    return name if isinstance(name, str) else error.code


def encode_input_events(
    union: Schema, events: Iterable[object] | AsyncIterable[object], codec: JsonCodec
) -> EncodedEvents:
    """The frames of a caller's input events (payloads in the protocol's ``event_codec``),
    encoded one by one as the body is sent."""
    encoder = EventStreamEncoder(union, JsonPayloadCodec(codec), GeneratedEventFactory())
    return EncodedEvents(encoder, events)


class EncodedEvents:
    """Encodes afresh on each pass, so a retried attempt resends a re-iterable's events.

    The events may be an iterable (sync or async clients) or an async iterable (async
    clients only); each is encoded when the transport asks for the next chunk, so an
    event is sent as soon as the caller produces it.
    """

    def __init__(
        self, encoder: EventStreamEncoder, events: Iterable[object] | AsyncIterable[object]
    ) -> None:
        self._encoder = encoder
        self._events = events

    def __repr__(self) -> str:
        return "EncodedEvents(<stream>)"

    def __iter__(self) -> Iterator[bytes]:
        if not isinstance(self._events, Iterable):
            raise ParamValidationError(
                "an async iterable of input events needs the AsyncClient; "
                "the blocking Client takes an iterable"
            )
        for event in self._events:
            yield self._encoder.encode(event)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if isinstance(self._events, AsyncIterable):
            async for event in self._events:
                yield self._encoder.encode(event)
        else:
            for event in self._events:
                yield self._encoder.encode(event)

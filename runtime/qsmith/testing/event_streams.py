"""Event stream bodies built from typed values, for fake services and tests.

``event_stream_body(operation, events, protocol=...)`` gives the bytes a service would
send for a streaming operation: under awsJson the ``initial-response`` event first
(carrying the output's other members), then one message per event; a raised error
can end the stream as the service's exception message. Under restJson1 the output's
other members travel as HTTP headers instead: ``event_stream_headers`` gives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qsmith.runtime.client.events import GeneratedEventFactory, JsonPayloadCodec
from qsmith.runtime.eventstream.semantics import EventStreamEncoder
from qsmith.runtime.protocols import PROTOCOLS, AwsJson1_0, Protocol
from qsmith.runtime.protocols.restjson import header_value
from qsmith.runtime.schema import HttpBinding, OperationSchema
from qsmith.runtime.serde import must_arrive
from qsmith.runtime.serde.scalars import zero_value

__all__ = ["event_stream_body", "event_stream_encoder", "event_stream_headers"]


def _protocol(trait_id: str) -> type[Protocol]:
    return PROTOCOLS[trait_id]


def event_stream_encoder(operation: OperationSchema, protocol: str) -> EventStreamEncoder:
    """An encoder of the operation's output event stream, with the protocol's JSON naming."""
    member = operation.streaming_member("output")
    if member is None:
        raise TypeError(f"{operation.id} does not stream its output")
    codec = JsonPayloadCodec(_protocol(protocol).event_codec)
    return EventStreamEncoder(member.target, codec, GeneratedEventFactory())


def event_stream_body(
    operation: OperationSchema,
    events: Iterable[object],
    *,
    protocol: str = AwsJson1_0.id,
    initial: Mapping[str, object] | None = None,
) -> list[bytes]:
    """One chunk per message: the initial response (awsJson) and then each event.

    ``initial`` maps output member names to values; under restJson1 they are not in the
    body: give the same mapping to ``event_stream_headers``. Left out, the awsJson initial
    response carries each member a client requires, as its zero value (as a valid
    service would; ``initial={}`` sends none). An event that is an exception instance is
    sent as an ``exception`` message of the union's matching error member.
    """
    encoder = event_stream_encoder(operation, protocol)
    chunks = []
    if _protocol(protocol).initial_response_event:
        members = _required_members(operation) if initial is None else dict(initial)
        chunks.append(encoder.encode_initial_response(members, operation.output))
    for event in events:
        chunks.append(encoder.encode(_as_union_member(encoder, event)))
    return chunks


def _required_members(operation: OperationSchema) -> dict[str, object]:
    return {
        name: zero_value(member.target)
        for name, member in operation.output.members.items()
        if must_arrive(member) and not member.target.streaming
    }


def event_stream_headers(
    operation: OperationSchema, initial: Mapping[str, object], *, protocol: str
) -> list[tuple[str, str]]:
    """restJson1: the HTTP headers carrying ``initial``'s output members (all header-bound).

    A restJson1 client fails a stream answer lacking a required one (see
    ``docs/design/initial-response.md``). Under awsJson they travel in the
    ``initial-response`` event of ``event_stream_body``, and this is empty.
    """
    if _protocol(protocol).initial_response_event:
        return []
    headers = []
    for name, value in initial.items():
        member = operation.output.member(name)
        if member.http_binding is not HttpBinding.HEADER:
            raise TypeError(f"{operation.output.id}${name} is not bound to an HTTP header")
        headers.append((member.http_name or name, header_value(member, value)))
    return headers


def _as_union_member(encoder: EventStreamEncoder, event: object) -> object:
    """Exceptions travel as the union's error member: wrap them so the encoder finds it."""
    if not isinstance(event, BaseException):
        return event
    for member in encoder.union.members.values():
        if member.target.python_type is type(event):
            return _ErrorEvent(member.name, event)
    raise TypeError(f"{type(event).__name__} is not an error member of {encoder.union.id}")


class _ErrorEvent:
    def __init__(self, member_name: str, value: BaseException) -> None:
        self.member_name = member_name
        self.value = value

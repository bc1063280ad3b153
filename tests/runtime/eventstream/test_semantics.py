"""Smithy event stream semantics, driven by a hand-built schema of the restJson1 tests.

The frames of Smithy's restJson1 ``eventStreamTests`` (``shared/vectors/eventstream/
smithy-protocol-tests-restJson1.json``) are decoded by the side each test applies to
and compared with the test's ``params``; the events a side sends are encoded from the
``params`` and compared with the test's headers and body.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from qsmith.runtime.errors import EventStreamError, ServiceError
from qsmith.runtime.eventstream import (
    EventStreamDecoder,
    EventStreamEncoder,
    EventStreamProtocolError,
    HeaderValue,
    InitialResponse,
    Message,
    Timestamp,
    UnmodeledStreamError,
    decode_message,
    encode_message,
    header_type,
)
from qsmith.runtime.eventstream.plain import (
    ModeledStreamError,
    PlainEventFactory,
    PlainJsonCodec,
    UnknownEvent,
)
from qsmith.runtime.schema import Schema, ShapeType
from tests.runtime.eventstream.restjson_schema import (
    ERROR_EVENT,
    EVENT_STREAM,
    STREAM_OUTPUT,
    member,
    structure,
)
from tests.runtime.eventstream.vectors import MISSING, Case, load_cases, require

FRAMES = [c for c in load_cases() if c is MISSING or c.source.startswith("smithy-protocol")]

# Cases whose Smithy expectation is not about the frame: restJson1 binds the initial
# response/request members to HTTP headers, so "missing required initial message" is
# checked by the HTTP layer, not by event decoding. The frame itself decodes as an event.
NOT_MESSAGE_LEVEL = {
    "DuplexMissingRequiredInitialRequestInput": "initial request is HTTP headers in restJson1",
    "MissingRequiredInitialRequestInput": "initial request is HTTP headers in restJson1",
    "DuplexMissingRequiredInitialResponseOutput": "initial response is HTTP headers in restJson1",
    "MissingRequiredInitialResponseOutput": "initial response is HTTP headers in restJson1",
}


def _decoder(**kwargs: Any) -> EventStreamDecoder:
    return EventStreamDecoder(EVENT_STREAM, PlainJsonCodec(), PlainEventFactory(), **kwargs)


def _encoder(**kwargs: Any) -> EventStreamEncoder:
    return EventStreamEncoder(EVENT_STREAM, PlainJsonCodec(), PlainEventFactory(), **kwargs)


def _decodes_here(case: Case) -> bool:
    receiver = "client" if case.raw["direction"] == "response" else "server"
    return case.raw["appliesTo"] in ("both", receiver)


def _encodes_here(case: Case) -> bool:
    sender = "client" if case.raw["direction"] == "request" else "server"
    return case.raw["appliesTo"] in ("both", sender) and "success" in case.raw["smithy_expectation"]


def _param(case: Case) -> object:
    return pytest.param(case, id=case.id)


DECODE_CASES = [_param(c) for c in FRAMES if c is MISSING or _decodes_here(c)]
ENCODE_CASES = [_param(c) for c in FRAMES if c is MISSING or _encodes_here(c)]


def _typed(value: object, schema: Schema) -> object:
    """Smithy test params (blobs as text, timestamps as strings) in our value types."""
    if schema.type is ShapeType.BLOB and isinstance(value, str):
        return value.encode("utf-8")
    if schema.type is ShapeType.TIMESTAMP and isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dict) and schema.type in (ShapeType.STRUCTURE, ShapeType.UNION):
        return {k: _typed(v, schema.member(k).target) for k, v in value.items()}
    return value


def _expected_event(case: Case) -> dict[str, object]:
    params = case.raw["smithy_params"]
    result = _typed(params, EVENT_STREAM)
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("case", DECODE_CASES)
def test_protocol_test_frame_decodes_as_the_test_expects(case: Case) -> None:
    require(case)
    message = decode_message(case.encoded())
    expectation = case.raw["smithy_expectation"]
    test_id = case.raw["smithy_test_id"]
    if "success" in expectation or test_id in NOT_MESSAGE_LEVEL:
        assert _decoder().decode(message) == _expected_event(case)
        return
    error_id = expectation["failure"].get("errorId")
    with pytest.raises(EventStreamError) as caught:
        _decoder().decode(message)
    if error_id is not None:
        assert isinstance(caught.value, ModeledStreamError)
        assert caught.value.shape_id == error_id
        assert caught.value.value == _expected_event(case)["error"]
    elif message.headers.get(":message-type") == "error":
        assert isinstance(caught.value, UnmodeledStreamError)
        assert caught.value.code == message.headers[":error-code"]
        assert caught.value.message == message.headers[":error-message"]
    else:
        assert isinstance(caught.value, EventStreamProtocolError)
        assert caught.value.header in (":message-type", ":event-type")


def _smithy_headers(case: Case) -> dict[str, tuple[str, object]]:
    """The test's headers as {name: (our type name, value)}."""
    names = {"boolean": "bool", "blob": "byte_array", "timestamp": "timestamp"}
    out = {}
    for name, typed in case.raw["smithy_headers"].items():
        ((kind, value),) = typed.items()
        if kind == "boolean":
            kind = "bool_true" if value else "bool_false"
        elif kind == "blob":
            value = base64.b64decode(value)
        elif kind == "timestamp":
            value = Timestamp.from_datetime(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        out[name] = (names.get(kind, kind), value)
    return out


def _ours(headers: dict[str, HeaderValue]) -> dict[str, tuple[str, object]]:
    return {name: (header_type(v).name.lower(), v) for name, v in headers.items()}


@pytest.mark.parametrize("case", ENCODE_CASES)
def test_protocol_test_event_encodes_to_the_tests_headers_and_body(case: Case) -> None:
    require(case)
    frame = _encoder().encode(_expected_event(case))
    ours = decode_message(frame)
    theirs = decode_message(case.encoded())
    assert _ours(ours.headers) == _smithy_headers(case)
    if ours.headers.get(":content-type") == "application/json":
        assert json.loads(ours.payload) == json.loads(theirs.payload)
    else:
        assert ours.payload == theirs.payload
    # Header order is not significant; ours follows the other SDKs' (see the encoder).
    assert list(ours.headers)[:2] == list(theirs.headers)[:2]


def test_an_unknown_event_type_is_kept_not_dropped() -> None:
    message = Message({":message-type": "event", ":event-type": "brandNew"}, b'{"x":1}')
    event = _decoder().decode(message)
    assert event == UnknownEvent("brandNew", message)


def test_initial_response_is_decoded_when_the_protocol_has_one() -> None:
    frame = _encoder().encode_initial_response(
        {"initialResponseMember": "foo", "stream": None}, STREAM_OUTPUT
    )
    message = decode_message(frame)
    assert message.headers[":event-type"] == "initial-response"
    assert json.loads(message.payload) == {"initialResponseMember": "foo"}
    decoded = _decoder(initial_response=STREAM_OUTPUT).decode(message)
    assert decoded == InitialResponse({"initialResponseMember": "foo"})
    # Without an initial-response schema (restJson1) it is just an unknown event.
    assert isinstance(_decoder().decode(message), UnknownEvent)


def test_an_unmodeled_exception_type_is_an_unmodeled_error() -> None:
    message = Message(
        {":message-type": "exception", ":exception-type": "ThrottlingException"},
        b'{"message":"slow down"}',
    )
    with pytest.raises(UnmodeledStreamError) as caught:
        _decoder().decode(message)
    assert caught.value.code == "ThrottlingException"
    assert isinstance(caught.value, ServiceError)
    assert "slow down" in str(caught.value)


def test_a_modeled_error_says_what_it_is() -> None:
    frame = _encoder().encode({"error": {"message": "boom"}})
    assert decode_message(frame).headers[":exception-type"] == "error"
    with pytest.raises(ModeledStreamError) as caught:
        _decoder().decode(decode_message(frame))
    error = caught.value
    assert (error.code, error.message, error.fault) == ("ErrorEvent", "boom", "client")
    assert error.shape_id == ERROR_EVENT.id


def test_a_sensitive_error_message_stays_out_of_the_exception_text() -> None:
    secret_error = structure(
        "SecretError", member("message", ERROR_EVENT.members["message"].target, sensitive=True)
    )
    union = Schema(
        id="x#U",
        type=ShapeType.UNION,
        members={"oops": member("oops", Schema(**{**_fields(secret_error), "error": "server"}))},
    )
    decoder = EventStreamDecoder(union, PlainJsonCodec(), PlainEventFactory())
    message = Message(
        {":message-type": "exception", ":exception-type": "oops"}, b'{"message":"hunter2"}'
    )
    with pytest.raises(ModeledStreamError) as caught:
        decoder.decode(message)
    assert "hunter2" not in str(caught.value)
    assert caught.value.value == {"message": "hunter2"}


def _fields(schema: Schema) -> dict[str, Any]:
    return {name: getattr(schema, name) for name in schema.__dataclass_fields__}


@pytest.mark.parametrize(
    ("headers", "header"),
    [
        ({":event-type": "headers"}, ":message-type"),
        ({":message-type": b"event", ":event-type": "headers"}, ":message-type"),
        ({":message-type": "event"}, ":event-type"),
        ({":message-type": "gossip"}, ":message-type"),
        ({":message-type": "exception"}, ":exception-type"),
        ({":message-type": "event", ":event-type": "headers", "intHeader": "3"}, "intHeader"),
        ({":message-type": "event", ":event-type": "headers", "blobHeader": 3}, "blobHeader"),
    ],
)
def test_protocol_violations_name_the_header(headers: dict[str, HeaderValue], header: str) -> None:
    decoder = _decoder()
    decoder.decode(Message({":message-type": "event", ":event-type": "headers"}))
    with pytest.raises(EventStreamProtocolError) as caught:
        decoder.decode(Message(headers))
    assert caught.value.header == header
    assert caught.value.message_index == 1
    assert repr(header) in str(caught.value)


def test_an_error_message_without_a_code_still_raises() -> None:
    with pytest.raises(UnmodeledStreamError) as caught:
        _decoder().decode(Message({":message-type": "error", ":error-message": "bad"}))
    assert caught.value.code == "UnknownError"
    assert caught.value.message == "bad"


def test_every_header_member_type_round_trips() -> None:
    when = dt.datetime(2024, 10, 31, 14, 15, 14, 123000, tzinfo=dt.UTC)
    event = {
        "headers": {
            "booleanHeader": False,
            "byteHeader": -1,
            "shortHeader": 300,
            "intHeader": -70000,
            "longHeader": 2**40,
            "blobHeader": b"\x00\xff",
            "stringHeader": "ü",
            "timestampHeader": when,
        }
    }
    message = decode_message(_encoder().encode(event))
    assert message.payload == b""
    assert ":content-type" not in message.headers
    assert [header_type(v).name for v in message.headers.values()][2:] == [
        "BOOL_FALSE",
        "BYTE",
        "SHORT",
        "INTEGER",
        "LONG",
        "BYTE_ARRAY",
        "STRING",
        "TIMESTAMP",
    ]
    assert _decoder().decode(message) == event


def test_an_out_of_range_member_cannot_be_sent() -> None:
    with pytest.raises(EventStreamError) as caught:
        _encoder().encode({"headers": {"byteHeader": 1000}})
    assert caught.value.header == "byteHeader"  # type: ignore[attr-defined]


class _RecordingSigner:
    """A stand-in signer: a fake signature over the bytes it is given."""

    def __init__(self) -> None:
        self.signed: list[bytes] = []

    def sign_event(self, encoded: bytes) -> dict[str, HeaderValue]:
        self.signed.append(encoded)
        return {
            ":date": Timestamp(1_700_000_000_000 + len(self.signed)),
            ":chunk-signature": hashlib.sha256(encoded).digest(),
        }


def test_a_signer_wraps_each_event_and_ends_the_stream() -> None:
    signer = _RecordingSigner()
    encoder = _encoder(signer=signer)
    event = {"stringPayload": {"payload": "hi"}}
    outer = decode_message(encoder.encode(event))
    assert set(outer.headers) == {":date", ":chunk-signature"}
    assert outer.payload == signer.signed[0]
    assert outer.headers[":chunk-signature"] == hashlib.sha256(outer.payload).digest()
    assert _decoder().decode(decode_message(outer.payload)) == event
    end = decode_message(encoder.encode_end())
    assert end.payload == b"" and signer.signed[-1] == b""
    assert _encoder().encode_end() == b""


def test_an_unmodeled_error_can_be_sent() -> None:
    frame = _encoder().encode_unmodeled_error("internal-error", "An unknown error occurred.")
    with pytest.raises(UnmodeledStreamError) as caught:
        _decoder().decode(decode_message(frame))
    assert caught.value.code == "internal-error"


def test_the_decoder_needs_a_union() -> None:
    with pytest.raises(TypeError):
        EventStreamDecoder(ERROR_EVENT, PlainJsonCodec(), PlainEventFactory())


def test_encoded_messages_stay_decodable_by_the_codec() -> None:
    frame = _encoder().encode({"headersAndImplicitPayload": {"header": "h", "payload": "p"}})
    assert encode_message(decode_message(frame)) == frame


def test_a_bad_payload_document_names_the_message() -> None:
    decoder = _decoder()
    decoder.decode(Message({":message-type": "event", ":event-type": "headers"}))
    bad = Message(
        {":message-type": "event", ":event-type": "structurePayload"}, b'{"structureMember": 5'
    )
    with pytest.raises(EventStreamProtocolError) as caught:
        decoder.decode(bad)
    assert caught.value.message_index == 1
    assert "not valid JSON" in str(caught.value)


def test_an_empty_structure_payload_leaves_the_member_unset() -> None:
    message = Message({":message-type": "event", ":event-type": "structurePayload"})
    assert _decoder().decode(message) == {"structurePayload": {}}

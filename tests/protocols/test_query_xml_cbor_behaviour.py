"""Behaviour of the query, XML and RPC v2 protocols that the Smithy suites do not pin down:
bad answers become typed errors that say where, and unknown union members are refused."""

from __future__ import annotations

import cbor2
import pytest

from qsmith.runtime.errors import ParamValidationError, ServiceError
from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.schema import (
    HttpBinding,
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
)
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.values import UnknownUnionMember

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
INTEGER = Schema(id="smithy.api#Integer", type=ShapeType.INTEGER)
BOOLEAN = Schema(id="smithy.api#Boolean", type=ShapeType.BOOLEAN)
CHOICE = Schema(
    id="t#Choice",
    type=ShapeType.UNION,
    members={"A": MemberSchema(name="A", python_name="a", target_ref=STRING)},
)
THING = Schema(
    id="t#Thing",
    type=ShapeType.STRUCTURE,
    members={
        "Name": MemberSchema(name="Name", python_name="name", target_ref=STRING),
        "Count": MemberSchema(name="Count", python_name="count", target_ref=INTEGER),
        "Ready": MemberSchema(name="Ready", python_name="ready", target_ref=BOOLEAN),
        "Choice": MemberSchema(name="Choice", python_name="choice", target_ref=CHOICE),
    },
)
GET = OperationSchema(id="t#GetThing", input=THING, output=THING)
SERVICE = ServiceSchema(id="t#Things", version="2020-01-01", operations={"GetThing": GET})
QUERY, EC2, XML, CBOR = (
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
)


def _answer(trait: str, status: int, body: bytes) -> object:
    return protocol_for(trait).deserialize_response(SERVICE, GET, status, [], body)


def test_an_unmodeled_query_error_keeps_its_code_fault_and_request_id() -> None:
    body = (
        b"<ErrorResponse><Error><Type>Receiver</Type><Code>Overloaded</Code>"
        b"<Message>try later</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
    )
    with pytest.raises(ServiceError) as raised:
        _answer(QUERY, 503, body)
    error = raised.value
    assert (error.code, error.fault, error.request_id, error.http_status) == (
        "Overloaded",
        "server",
        "req-1",
        503,
    )
    assert error.message == "try later"


def test_an_ec2_error_is_read_from_its_own_envelope() -> None:
    body = (
        b"<Response><Errors><Error><Code>Throttled</Code><Message>slow down</Message>"
        b"</Error></Errors><RequestID>req-2</RequestID></Response>"
    )
    with pytest.raises(ServiceError) as raised:
        _answer(EC2, 400, body)
    assert (raised.value.code, raised.value.request_id) == ("Throttled", "req-2")


@pytest.mark.parametrize("trait", [QUERY, XML, CBOR])
def test_an_error_page_that_is_not_the_protocols_format_still_raises_by_status(
    trait: str,
) -> None:
    with pytest.raises(ServiceError) as raised:
        _answer(trait, 502, b"<html><body>Bad gateway")
    assert (raised.value.code, raised.value.http_status) == ("HTTP502", 502)


def test_a_malformed_xml_answer_is_a_serde_error_naming_the_operation() -> None:
    with pytest.raises(SerdeError, match="GetThing: the body is not well-formed XML"):
        _answer(QUERY, 200, b"<GetThingResponse><GetThingResult>")


def test_an_xml_value_of_the_wrong_type_names_the_member() -> None:
    body = (
        b"<GetThingResponse><GetThingResult><Ready>yes</Ready></GetThingResult></GetThingResponse>"
    )
    with pytest.raises(SerdeError, match="Ready: invalid boolean 'yes'"):
        _answer(QUERY, 200, body)


def test_an_answer_declaring_entities_is_refused_before_any_expansion() -> None:
    body = b'<!DOCTYPE r [<!ENTITY x "y">]><GetThingResponse/>'
    with pytest.raises(SerdeError, match="document type or entity"):
        _answer(XML, 200, body)


def test_invalid_cbor_is_a_serde_error_naming_the_operation() -> None:
    with pytest.raises(SerdeError, match="GetThing: the body is not valid CBOR"):
        _answer(CBOR, 200, b"\xff\xff")


@pytest.mark.parametrize(
    "body",
    [
        b"\x9b\x7f\xff\xff\xff\xff\xff\xff\xff",  # an array claiming 2**63 items
        b"\x5b\x7f\xff\xff\xff\xff\xff\xff\xff",  # a byte string claiming 2**63 bytes
        b"\x81" * 100_000 + b"\x00",  # nesting 100,000 arrays deep
    ],
    ids=["long-array", "long-bytes", "deep"],
)
def test_hostile_cbor_is_a_serde_error(body: bytes) -> None:
    with pytest.raises(SerdeError, match="GetThing: the body is not valid CBOR"):
        _answer(CBOR, 200, body)


def test_a_cbor_value_of_the_wrong_type_names_the_member() -> None:
    with pytest.raises(SerdeError, match="Count: expected int, got str"):
        _answer(CBOR, 200, cbor2.dumps({"Count": "three"}))


@pytest.mark.parametrize("trait", [QUERY, CBOR])
def test_an_unknown_union_member_is_refused_when_sent(trait: str) -> None:
    value = {"choice": UnknownUnionMember("Z", "raw")}
    with pytest.raises(ParamValidationError, match=r"Thing\.choice: the unknown union member 'Z'"):
        protocol_for(trait).serialize_request(SERVICE, GET, value, "https://example.com")


EVENTS = Schema(id="t#Events", type=ShapeType.UNION, streaming=True, members=CHOICE.members)
SELECT = OperationSchema(
    id="t#Select",
    input=THING,
    output=Schema(
        id="t#SelectOutput",
        type=ShapeType.STRUCTURE,
        members={
            "Events": MemberSchema(
                name="Events",
                python_name="events",
                target_ref=EVENTS,
                http_binding=HttpBinding.PAYLOAD,
            )
        },
    ),
    http=HttpTrait(method="POST", uri="/select"),
)


@pytest.mark.parametrize("trait", [XML, CBOR])
def test_event_streams_are_refused_before_anything_is_sent(trait: str) -> None:
    with pytest.raises(ParamValidationError, match="Select: event streams are not supported"):
        protocol_for(trait).serialize_request(SERVICE, SELECT, {}, "https://example.com")

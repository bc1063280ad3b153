"""The sans-I/O protocols driven over real HTTP: serialize, send with httpx, parse.

A loopback server echoes what it receives (awsJson: the JSON body; restJson1: the
headers), so the value read back must equal the value sent, after a trip through
real sockets, httpx's header handling and chunk-free bodies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from qsmith.codegen.conformance.protocol_cases import PROTOCOLS
from qsmith.codegen.conformance.protocol_checks import operation_of
from qsmith.codegen.conformance.protocol_clients import schema_module
from qsmith.codegen.conformance.protocol_values import comparable, to_value
from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.protocols.base import Protocol
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.protocols.conftest import ProtocolClients


def _call(
    protocol: Protocol, service: ServiceSchema, op: OperationSchema, value: Any, url: str
) -> Any:
    request = protocol.serialize_request(service, op, value, url)
    assert isinstance(request.body, bytes)
    with httpx.Client() as client:
        response = client.request(
            request.method, request.url, headers=request.headers, content=request.body
        )
    return protocol.deserialize_response(
        service, op, response.status_code, response.headers.multi_items(), response.content
    )


def _schemas(
    clients: ProtocolClients, protocol: str, operation: str
) -> tuple[ServiceSchema, OperationSchema]:
    """The generated schema of one operation of the protocol's first test service."""
    service_id = PROTOCOLS[protocol][1][0]
    service: ServiceSchema = schema_module(clients.packages, service_id).SERVICE
    return service, operation_of(service, f"{service_id.partition('#')[0]}#{operation}")


def test_awsjson_kitchen_sink_round_trips_through_an_echo_server(
    loopback: LoopbackServer, protocol_clients: ProtocolClients
) -> None:
    service, op = _schemas(protocol_clients, "awsJson1_1", "KitchenSinkOperation")

    def echo(request: RecordedRequest) -> ScriptedResponse:
        assert request.header("X-Amz-Target") == "JsonProtocol.KitchenSinkOperation"
        return ScriptedResponse(
            headers=[("Content-Type", "application/x-amz-json-1.1")], body=request.body
        )

    loopback.set_handler(echo)
    params = {
        "String": 'caf\u00e9, "quoted"',
        "Integer": -7,
        "Double": float("inf"),
        "Blob": "bytes",
        "Timestamp": 1_700_000_000,
        "UnixTimestamp": 1.5,
        "ListOfStrings": ["a", "b"],
        "MapOfStrings": {"k": "v"},
        "StructWithJsonName": {"Value": "nested"},
        "RecursiveStruct": {"RecursiveStruct": {"String": "deep"}},
    }
    value = to_value(op.input, params)
    result = _call(protocol_for(PROTOCOLS["awsJson1_1"][0]), service, op, value, loopback.url)
    assert comparable(result) == comparable(value)


def test_restjson_header_bindings_round_trip_through_an_echo_server(
    loopback: LoopbackServer, protocol_clients: ProtocolClients
) -> None:
    service, op = _schemas(protocol_clients, "restJson1", "InputAndOutputWithHeaders")

    def echo(request: RecordedRequest) -> ScriptedResponse:
        assert request.method == "POST" and request.path == "/InputAndOutputWithHeaders"
        wanted = [(k, v) for k, v in request.headers if k.lower().startswith("x-")]
        return ScriptedResponse(headers=wanted)

    loopback.set_handler(echo)
    params = {
        "headerString": "Hello",
        "headerStringList": ["a", "b,c", 'd"e'],
        "headerInteger": 123,
        "headerFalseBool": False,
        "headerBooleanList": [True, False],
        "headerDouble": float("nan"),
        "headerTimestampList": [1_576_540_098, 1_576_540_099],
        "headerEnum": "Foo",
    }
    value = to_value(op.input, params)
    result = _call(protocol_for(PROTOCOLS["restJson1"][0]), service, op, value, loopback.url)
    assert comparable(result) == comparable(value)
    assert result.header_timestamp_list[0] == dt.datetime(2019, 12, 16, 23, 48, 18, tzinfo=dt.UTC)

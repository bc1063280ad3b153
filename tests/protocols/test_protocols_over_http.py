"""The sans-I/O protocols driven over real HTTP: serialize, send with httpx, parse.

A loopback server echoes what it receives (awsJson: the JSON body; restJson1: the
headers), so the value read back must equal the value sent, after a trip through
real sockets, httpx's header handling and chunk-free bodies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.protocols.base import Protocol
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.protocols.cases import SERVICES, VECTORS, comparable, model, model_file, to_value
from tests.support.shared import shared_path


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


def _schemas(protocol: str, operation: str) -> tuple[ServiceSchema, OperationSchema]:
    root = shared_path(*VECTORS).parents[2]
    schemas = model(model_file(root, protocol))
    service = schemas.service(SERVICES[protocol][1][0])
    return service, service.operations[operation]


def test_awsjson_kitchen_sink_round_trips_through_an_echo_server(
    loopback: LoopbackServer,
) -> None:
    service, op = _schemas("awsJson1_1", "KitchenSinkOperation")

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
    result = _call(protocol_for(SERVICES["awsJson1_1"][0]), service, op, value, loopback.url)
    assert comparable(result) == comparable(value)


def test_restjson_header_bindings_round_trip_through_an_echo_server(
    loopback: LoopbackServer,
) -> None:
    service, op = _schemas("restJson1", "InputAndOutputWithHeaders")

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
    result = _call(protocol_for(SERVICES["restJson1"][0]), service, op, value, loopback.url)
    assert comparable(result) == comparable(value)
    assert result.header_timestamp_list[0] == dt.datetime(2019, 12, 16, 23, 48, 18, tzinfo=dt.UTC)

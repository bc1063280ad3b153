"""One protocol-test case checked through generated code and the client core.

Requests are built by ``ClientCore.build_request`` from the generated input class;
responses and errors are read by the core's protocol into the generated output and
error classes; event stream cases encode input events to the request body and decode
output events with the runtime's event stream layer into the generated union classes.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from qsmith.codegen.conformance.base import CaseMismatch, expect, expect_equal
from qsmith.codegen.conformance.protocol_cases import PROTOCOLS, ProtocolCase
from qsmith.codegen.conformance.protocol_clients import schema_module
from qsmith.codegen.conformance.protocol_events import check_event_stream_case
from qsmith.codegen.conformance.protocol_values import (
    cbor_data,
    comparable,
    error_members,
    to_value,
    xml_tree,
)
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.errors import ServiceError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import OperationSchema, ServiceSchema

__all__ = ["FIXED_TOKEN", "check_protocol_case", "client_core", "compare_body", "operation_of"]

FIXED_TOKEN = "00000000-0000-4000-8000-000000000000"


def operation_of(service: ServiceSchema, operation_id: str) -> OperationSchema:
    for operation in service.operations.values():
        if operation.id == operation_id:
            return operation
    raise CaseMismatch(f"{service.id} generated no schema for {operation_id}")


def client_core(service: ServiceSchema, protocol: str, host: str = "example.com") -> ClientCore:
    config = ClientConfig(
        endpoint_url=f"https://{host}",
        region="us-east-1",
        protocol=PROTOCOLS[protocol][0],
        idempotency_token=lambda: FIXED_TOKEN,
    )
    return ClientCore(service, config)


def check_protocol_case(case: ProtocolCase, packages: Mapping[str, str]) -> None:
    service: ServiceSchema = schema_module(packages, case.service_id).SERVICE
    operation = operation_of(service, case.operation_id)
    if case.kind == "request":
        _check_request(case, service, operation)
    elif case.kind == "response":
        _check_response(case, service, operation)
    elif case.kind == "error":
        _check_error(case, service, operation)
    else:
        check_event_stream_case(case, client_core(service, case.protocol), operation)


def _check_request(case: ProtocolCase, service: ServiceSchema, operation: OperationSchema) -> None:
    data = case.case
    core = client_core(service, case.protocol, data.get("host", "example.com"))
    value = to_value(operation.input, data.get("params", {}))
    request = core.build_request(operation, value, CallOptions())
    expect_equal(request.method, data["method"], "method")
    expect_equal(request.path, data["uri"], "path")
    check_query(request, data)
    check_headers(request, data)
    if "resolvedHost" in data:
        expect_equal(request.host, data["resolvedHost"], "host")
    if "body" in data:
        body = request.body if isinstance(request.body, bytes) else b"".join(request.body)
        compare_body(body, data["body"], data.get("bodyMediaType"))


def check_query(request: HttpRequest, case: Mapping[str, Any]) -> None:
    sent = list(request.query)
    for expected in case.get("queryParams", []):
        pair = urllib.parse.parse_qsl(expected, keep_blank_values=True)[0]
        expect(pair in sent, f"query {expected!r} missing from {request.query_string!r}")
        sent.remove(pair)
    names = {name for name, _ in request.query}
    for name in case.get("forbidQueryParams", []):
        expect(name not in names, f"query {name!r} must not be sent")
    for name in case.get("requireQueryParams", []):
        expect(name in names, f"query {name!r} must be sent")


def check_headers(request: HttpRequest, case: Mapping[str, Any]) -> None:
    for name, value in case.get("headers", {}).items():
        expect_equal(request.header(name), value, f"header {name}")
    for name in case.get("forbidHeaders", []):
        expect(request.header(name) is None, f"header {name} must not be sent")
    for name in case.get("requireHeaders", []):
        expect(request.header(name) is not None, f"header {name} must be sent")


def compare_body(body: bytes, expected: str, media_type: str | None) -> None:
    if media_type == "application/json":
        if not expected.strip():
            expect_equal(body, b"", "body")
        else:
            expect(body.strip(), "expected a JSON body, got none")
            expect_equal(json.loads(body), json.loads(expected), "JSON body")
    elif media_type == "application/x-www-form-urlencoded":
        expect_equal(_form(body.decode("ascii")), _form(expected), "form body")
    elif media_type == "application/cbor":
        expect_equal(cbor_data(body), cbor_data(base64.b64decode(expected)), "CBOR body")
    elif media_type == "application/xml":
        expect_equal(xml_tree(body), xml_tree(expected.encode("utf-8")), "XML body")
    else:
        expect_equal(body, expected.encode("utf-8"), "body")


def _form(text: str) -> list[tuple[str, str]]:
    """Form pairs in a fixed order: the suites do not pin the order of parameters."""
    return sorted(urllib.parse.parse_qsl(text.strip(), keep_blank_values=True))


def _check_response(case: ProtocolCase, service: ServiceSchema, operation: OperationSchema) -> None:
    data = case.case
    core = client_core(service, case.protocol)
    body = _response_body(data)
    result = core.read_response(operation, data["code"], _header_list(data), body)
    expected = to_value(operation.output, data.get("params", {}), defaults=True)
    if operation.output.id == "smithy.api#Unit":
        expected = None
    expect_equal(comparable(result), comparable(expected), "output")


def _check_error(case: ProtocolCase, service: ServiceSchema, operation: OperationSchema) -> None:
    data = case.case
    schema = next(s for s in operation.errors if s.id == case.error_id)
    core = client_core(service, case.protocol)
    try:
        core.read_response(operation, data["code"], _header_list(data), _response_body(data))
    except ServiceError as raised:
        error = raised
    else:
        raise CaseMismatch(f"expected {case.error_id} to be raised; the response was read")
    expect(
        schema.python_type is not None and isinstance(error, schema.python_type),
        f"raised {type(error).__name__} ({error}), expected the class of {case.error_id}",
    )
    expect_equal(error.http_status, data["code"], "HTTP status")
    expected = to_value(schema, data.get("params", {}), defaults=True)
    wanted = {m.python_name: getattr(expected, m.python_name) for m in schema.members.values()}
    got = error_members(schema, error)  # type: ignore[arg-type]
    expect_equal(comparable(got), comparable(wanted), "error members")
    vendor = data.get("vendorParams", {})
    if "code" in vendor:  # awsQueryCompatible: the Query error code users see
        expect_equal(error.code, vendor["code"], "error code")
    if "type" in vendor:
        fault = {"Sender": "client", "Receiver": "server"}[vendor["type"]]
        expect_equal(error.fault, fault, "fault")


def _response_body(data: Mapping[str, Any]) -> bytes:
    """The answer's bytes: CBOR bodies are written in the suites as base64."""
    text: str = data.get("body", "")
    if data.get("bodyMediaType") == "application/cbor":
        return base64.b64decode(text)
    return text.encode("utf-8")


def _header_list(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    return list(data.get("headers", {}).items())

"""The official Smithy protocol tests for awsJson1_0, awsJson1_1 and restJson1 (client side).

Each case serializes its params with the runtime protocol and compares the request,
or deserializes its response and compares the value or the raised error.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

import pytest

from qsmith.runtime.errors import ServiceError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.protocols.base import Protocol
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from tests.protocols.cases import (
    SERVICES,
    VECTORS,
    Case,
    collect,
    comparable,
    error_members,
    model,
    model_file,
    to_value,
)
from tests.protocols.known_failures import EVENT_STREAM_REASON, KNOWN_FAILURES
from tests.support.shared import shared_path

FIXED_TOKEN = "00000000-0000-4000-8000-000000000000"


def _params() -> list[Any]:
    params: list[Any] = []
    for protocol in SERVICES:
        cases = collect(protocol)
        if not cases:  # data missing: one case that skips (or fails under CI) by name
            params.append(pytest.param(protocol, None, id=f"{protocol}:missing-data"))
        for case in cases:
            marks = []
            reason = KNOWN_FAILURES.get(case.id)
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(protocol, case, id=case.id, marks=marks))
    return params


def _setup(protocol: str, case: Case) -> tuple[Protocol, ServiceSchema, OperationSchema]:
    path = model_file(shared_path(*VECTORS).parents[2], protocol)
    schemas = model(path)
    service = schemas.service(case.service_id)
    runtime_protocol = protocol_for(SERVICES[protocol][0], idempotency_token=lambda: FIXED_TOKEN)
    return runtime_protocol, service, schemas.operation(case.operation_id)


@pytest.mark.parametrize(("protocol", "case"), _params())
def test_protocol_case(protocol: str, case: Case | None) -> None:
    shared_path(*VECTORS, f"{protocol}.flat.json")
    assert case is not None
    runtime_protocol, service, operation = _setup(protocol, case)
    if case.kind == "event-stream":
        if "events" in case.case:
            # No event stream codec on this branch: cases with events cannot run (listed).
            pytest.fail(EVENT_STREAM_REASON)
        _check_initial_messages(runtime_protocol, service, operation, case.case)
        return
    if case.kind == "request":
        _check_request(runtime_protocol, service, operation, case.case)
    elif case.kind == "response":
        _check_response(runtime_protocol, service, operation, case.case)
    else:
        assert case.error_id is not None
        _check_error(runtime_protocol, service, operation, case)


def _check_request(
    protocol: Protocol, service: ServiceSchema, operation: OperationSchema, case: Mapping[str, Any]
) -> None:
    value = to_value(operation.input, case.get("params", {}))
    host = case.get("host", "example.com")
    request = protocol.serialize_request(service, operation, value, f"https://{host}")
    assert request.method == case["method"]
    assert request.path == case["uri"]
    _check_query(request, case)
    _check_headers(request, case)
    if "resolvedHost" in case:
        assert request.host == case["resolvedHost"]
    if "body" in case:
        body = request.body if isinstance(request.body, bytes) else b"".join(request.body)
        _compare_body(body, case["body"], case.get("bodyMediaType"))


def _check_query(request: HttpRequest, case: Mapping[str, Any]) -> None:
    sent = list(request.query)
    for expected in case.get("queryParams", []):
        pair = urllib.parse.parse_qsl(expected, keep_blank_values=True)[0]
        assert pair in sent, f"query {expected!r} missing from {request.query_string!r}"
        sent.remove(pair)
    names = {name for name, _ in request.query}
    for name in case.get("forbidQueryParams", []):
        assert name not in names, f"query {name!r} must not be sent"
    for name in case.get("requireQueryParams", []):
        assert name in names, f"query {name!r} must be sent"


def _check_headers(request: HttpRequest, case: Mapping[str, Any]) -> None:
    for name, value in case.get("headers", {}).items():
        assert request.header(name) == value, f"header {name}"
    for name in case.get("forbidHeaders", []):
        assert request.header(name) is None, f"header {name} must not be sent"
    for name in case.get("requireHeaders", []):
        assert request.header(name) is not None, f"header {name} must be sent"


def _compare_body(body: bytes, expected: str, media_type: str | None) -> None:
    if media_type == "application/json":
        if not expected.strip():
            assert body == b""
        else:
            assert body.strip(), "expected a JSON body"
            assert json.loads(body) == json.loads(expected)
    else:
        assert body == expected.encode("utf-8")


def _check_response(
    protocol: Protocol, service: ServiceSchema, operation: OperationSchema, case: Mapping[str, Any]
) -> None:
    body = case.get("body", "").encode("utf-8")
    result = protocol.deserialize_response(
        service, operation, case["code"], case.get("headers", {}), body
    )
    expected = to_value(operation.output, case.get("params", {}), defaults=True)
    assert comparable(result) == comparable(expected)


def _check_error(
    protocol: Protocol, service: ServiceSchema, operation: OperationSchema, case: Case
) -> None:
    data = case.case
    schema = next(s for s in operation.errors if s.id == case.error_id)
    with pytest.raises(ServiceError) as raised:
        protocol.deserialize_response(
            service, operation, data["code"], data.get("headers", {}), data.get("body", "").encode()
        )
    error = raised.value
    assert schema.python_type is not None
    assert isinstance(error, schema.python_type), f"raised {type(error).__name__}: {error}"
    assert error.http_status == data["code"]
    expected = to_value(schema, data.get("params", {}), defaults=True)
    wanted = {m.python_name: getattr(expected, m.python_name) for m in schema.members.values()}
    assert comparable(error_members(schema, error)) == comparable(wanted)
    vendor = data.get("vendorParams", {})
    if "code" in vendor:  # awsQueryCompatible: the Query error code users see
        assert error.code == vendor["code"]
    if "type" in vendor:
        assert error.fault == {"Sender": "client", "Receiver": "server"}[vendor["type"]]


def test_known_failures_name_real_cases() -> None:
    shared_path(*VECTORS)
    collected = {case.id for protocol in SERVICES for case in collect(protocol)}
    stale = sorted(set(KNOWN_FAILURES) - collected)
    assert not stale, f"known failures that name no case: {stale}"


def _check_initial_messages(
    protocol: Protocol, service: ServiceSchema, operation: OperationSchema, case: Mapping[str, Any]
) -> None:
    """The HTTP request/response around an event stream (members bound to HTTP)."""
    if "initialRequest" in case:
        stream = operation.streaming_member("input")
        assert stream is not None
        params = {**case.get("initialRequestParams", {}), stream.name: None}
        value = dataclasses.replace(to_value(operation.input, params), **{stream.python_name: ()})
        request = protocol.serialize_request(service, operation, value, "https://example.com")
        expected = case["initialRequest"]
        assert (request.method, request.path) == (expected["method"], expected["uri"])
        _check_headers(request, expected)
        assert request.header("Content-Type") == "application/vnd.amazon.eventstream"
    if "initialResponse" in case:
        expected = case["initialResponse"]
        events: Any = iter(())
        result = protocol.deserialize_response(
            service, operation, expected["code"], expected.get("headers", {}), events
        )
        stream = operation.streaming_member("output")
        assert stream is not None and getattr(result, stream.python_name) is events
        wanted = to_value(operation.output, case.get("initialResponseParams", {}), defaults=True)
        for member in operation.output.members.values():
            if member is not stream:
                got = getattr(result, member.python_name)
                assert comparable(got) == comparable(getattr(wanted, member.python_name))

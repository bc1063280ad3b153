"""Every generated client, end to end against a real HTTP server on 127.0.0.1.

For each service: every streaming operation and two plain ones, sync and async, under
each protocol the service speaks. The server checks what a real service would read
(method, path, target header, auth scheme, JSON body) and answers with a realistic
body or event stream, which must come back as the typed values it was built from.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.serde.json import JsonCodec
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body, event_stream_headers
from tests.support.examples import example

EVENT_STREAM = "application/vnd.amazon.eventstream"


@dataclass(frozen=True)
class ServiceCase:
    package: str
    plain_operations: tuple[str, ...]
    bearer: bool


SERVICES = [
    ServiceCase("codewhisperer", ("GenerateCompletions", "ListAvailableCustomizations"), True),
    ServiceCase("codewhisperer_streaming", ("InvokeMCP",), True),  # its only plain one
    ServiceCase("consolas", ("ListProfiles", "CreateProfile"), False),
    ServiceCase("qdeveloper_streaming", (), False),  # both its operations stream
    ServiceCase("toolkit_telemetry", ("PostMetrics", "PostFeedback"), False),
]


def _module(case: ServiceCase, name: str) -> ModuleType:
    return importlib.import_module(f"qsmith.clients.{case.package}.{name}")


def _calls(case: ServiceCase) -> list[tuple[str, str]]:
    """(operation, protocol) pairs to run for a service."""
    service: ServiceSchema = _module(case, "_schema").SERVICE
    streaming = [n for n, op in service.operations.items() if op.streaming_member("output")]
    names = sorted({*case.plain_operations, *streaming})
    return [(name, protocol) for name in names for protocol in service.protocols]


CALLS = [(case, op, protocol) for case in SERVICES for op, protocol in _calls(case)]


def _config(case: ServiceCase, protocol: str) -> ClientConfig:
    identity: dict[str, Any] = (
        {"token": "token-canary"}
        if case.bearer
        else {"credentials": AwsCredentials("AKIDEXAMPLE", "secret-canary")}
    )
    return ClientConfig(region="us-east-1", protocol=protocol.rpartition("#")[2], **identity)


def _answer(operation: OperationSchema, protocol: str) -> tuple[ScriptedResponse, Any]:
    """A realistic answer and the value the client must turn it into."""
    stream_member = operation.streaming_member("output")
    if stream_member is None:
        output = example(operation.output, all_members=True)
        codec = JsonCodec(use_json_name=protocol.endswith("restJson1"))
        body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
        headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", "req-1")]
        return ScriptedResponse(status=200, headers=headers, body=body), output
    events = [example(stream_member.target), example(stream_member.target)]
    # The required non-stream members, as a service sends them: restJson1 clients require
    # them in the headers, awsJson ones find them in the initial-response event.
    initial = {
        m.name: example(m.target)
        for m in operation.output.members.values()
        if m.required and m is not stream_member
    }
    chunks = event_stream_body(operation, events, protocol=protocol, initial=initial)
    headers = [
        ("Content-Type", EVENT_STREAM),
        *event_stream_headers(operation, initial, protocol=protocol),
    ]
    expected_output = {operation.output.member(n).python_name: v for n, v in initial.items()}
    return ScriptedResponse(status=200, headers=headers, body=chunks), (expected_output, events)


def _check_request(
    request: RecordedRequest, service: ServiceSchema, operation: OperationSchema, protocol: str
) -> None:
    if protocol.endswith("restJson1"):
        assert operation.http is not None
        assert request.method == operation.http.method
        assert request.path == operation.http.uri.split("{")[0].split("?")[0].rstrip("/") or "/"
    else:
        assert (request.method, request.path) == ("POST", "/")
        assert request.header("X-Amz-Target") == f"{service.name}.{operation.name}"
        assert (
            request.header("Content-Type")
            == f"application/x-amz-json-{protocol[-3:].replace('_', '.')}"
        )
    if request.body:
        body = json.loads(request.body)
        assert isinstance(body, dict)
    auth = request.header("Authorization") or ""
    if service.sigv4_signing_name:
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert f"/us-east-1/{service.sigv4_signing_name}/aws4_request" in auth
    else:
        assert auth == "Bearer token-canary"
    assert request.header("amz-sdk-request") == "attempt=1; max=3"


def _invoke_sync(client: Any, method: str, value: Any, streaming: bool) -> Any:
    kwargs = {f: getattr(value, f) for f in value.__dataclass_fields__} if value else {}
    result = getattr(client, method)(**kwargs)
    if not streaming:
        return result
    with result as stream:
        return stream.output, list(stream)


async def _invoke_async(client: Any, method: str, value: Any, streaming: bool) -> Any:
    kwargs = {f: getattr(value, f) for f in value.__dataclass_fields__} if value else {}
    result = await getattr(client, method)(**kwargs)
    if not streaming:
        return result
    async with result as stream:
        return await stream.output(), [event async for event in stream]


def _method_name(operation: OperationSchema) -> str:
    from qsmith.codegen.naming import snake_case

    return snake_case(operation.name)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("case", "operation_name", "protocol"),
    CALLS,
    ids=[f"{c.package}.{op}.{p.rpartition('#')[2]}" for c, op, p in CALLS],
)
def test_operation_round_trip(
    case: ServiceCase, operation_name: str, protocol: str, mode: str, loopback: LoopbackServer
) -> None:
    service: ServiceSchema = _module(case, "_schema").SERVICE
    operation = service.operations[operation_name]
    streaming = operation.streaming_member("output") is not None
    response, expected = _answer(operation, protocol)
    loopback.enqueue(response)
    value = example(operation.input)
    client_module = _module(case, "client")
    config = _config(case, protocol)
    run: Callable[[], Any]
    if mode == "sync":
        with client_module.Client(endpoint_url=loopback.url, config=config) as client:
            result = _invoke_sync(client, _method_name(operation), value, streaming)
    else:

        async def run() -> Any:
            async with client_module.AsyncClient(endpoint_url=loopback.url, config=config) as c:
                return await _invoke_async(c, _method_name(operation), value, streaming)

        result = asyncio.run(run())
    if streaming:
        (output, events), (expected_members, expected) = result, expected
        assert {name: getattr(output, name) for name in expected_members} == expected_members
        result = events
    assert result == expected
    (request,) = loopback.requests
    _check_request(request, service, operation, protocol)

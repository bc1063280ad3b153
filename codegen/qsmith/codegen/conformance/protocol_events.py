"""The restJson1 ``eventStreamTests``: initial HTTP messages and events, both ways.

Input events go through ``ClientCore.build_request``, which frames the caller's events
as the request body; each frame is compared with the case's message (headers with
their wire types, payload by media type). Output events are decoded by the client's
``StreamDecoding`` (the runtime event stream semantics, the JSON payload codec and the
generated classes) and compared with the case's params, or must fail as expected.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import httpx

from qsmith.codegen.conformance.base import CaseMismatch, expect, expect_equal
from qsmith.codegen.conformance.protocol_cases import ProtocolCase
from qsmith.codegen.conformance.protocol_values import comparable, to_value
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.client.events import StreamDecoding
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.eventstream import Message, decode_message, header_type
from qsmith.runtime.eventstream.decoder import MessageDecoder
from qsmith.runtime.schema import OperationSchema, Schema

__all__ = ["check_event_stream_case"]

EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"


class _ErrorEvent:
    """An input event carrying one of the union's error members (no variant class exists)."""

    def __init__(self, member_name: str, value: object) -> None:
        self.member_name = member_name
        self.value = value


def check_event_stream_case(
    case: ProtocolCase, core: ClientCore, operation: OperationSchema
) -> None:
    data = case.case
    failure = data.get("expectation", {}).get("failure")
    try:
        _check_input(data, core, operation)
        _check_output(data, core, operation)
    except CaseMismatch:
        raise
    except Exception as exc:
        if failure is None:
            raise
        if not isinstance(exc, QsmithError):  # a crash is not the failure the case expects
            raise CaseMismatch(f"expected a qsmith error, got {type(exc).__name__}: {exc}") from exc
        error_id = failure.get("errorId")
        if error_id is not None:
            expect_equal(_shape_id_of(exc, operation), error_id, "error raised")
        return
    expect(failure is None, f"expected the stream to fail ({failure}); it was read")


def _shape_id_of(error: BaseException, operation: OperationSchema) -> str | None:
    unions = [operation.streaming_member(w) for w in ("input", "output")]
    candidates = [*operation.errors]
    for member in unions:
        if member is not None:
            candidates += [m.target for m in member.target.members.values()]
    for schema in candidates:
        if schema.python_type is not None and type(error) is schema.python_type:
            return schema.id
    return None


def _check_input(data: Mapping[str, Any], core: ClientCore, operation: OperationSchema) -> None:
    events = [e for e in data.get("events", []) if e["type"] == "request"]
    if "initialRequest" not in data and not events:
        return
    stream = operation.streaming_member("input")
    if stream is None:
        raise CaseMismatch(f"{operation.id} has no input event stream")
    value = to_value(operation.input, data.get("initialRequestParams", {}))
    setattr(value, stream.python_name, [_input_event(stream.target, e["params"]) for e in events])
    request = core.build_request(operation, value, CallOptions())
    if "initialRequest" in data:
        expected = data["initialRequest"]
        expect_equal((request.method, request.path), (expected["method"], expected["uri"]), "line")
        for name, header in expected.get("headers", {}).items():
            expect_equal(request.header(name), header, f"header {name}")
    expect_equal(request.header("Content-Type"), EVENT_STREAM_CONTENT_TYPE, "Content-Type")
    body = request.body if isinstance(request.body, bytes) else b"".join(request.body)
    decoder = MessageDecoder()
    sent = list(decoder.feed(body))
    decoder.finish()
    expect_equal(len(sent), len(events), "number of events sent")
    for message, event in zip(sent, events, strict=True):
        _compare_message(message, event)


def _input_event(union: Schema, params: Mapping[str, Any]) -> object:
    ((name, raw),) = params.items()
    member = union.member(name)
    if member.variant_type is None:  # an error member: sent as an exception message
        return _ErrorEvent(name, to_value(member.target, raw))
    return to_value(union, params)


def _compare_message(message: Message, event: Mapping[str, Any]) -> None:
    expected = decode_message(base64.b64decode(event["bytes"]))
    expect_equal(_typed(message), _typed(expected), "event headers")
    media_type = event.get("bodyMediaType")
    if media_type == "application/json" and expected.payload:
        expect_equal(json.loads(message.payload), json.loads(expected.payload), "event payload")
    else:
        expect_equal(message.payload, expected.payload, "event payload")


def _typed(message: Message) -> dict[str, tuple[int, object]]:
    return {name: (header_type(v), v) for name, v in message.headers.items()}


def _check_output(data: Mapping[str, Any], core: ClientCore, operation: OperationSchema) -> None:
    events = [e for e in data.get("events", []) if e["type"] == "response"]
    if "initialResponse" not in data and not events:
        return
    initial = data.get("initialResponse", {"code": 200, "headers": {}})
    status, headers = initial["code"], list(initial.get("headers", {}).items())
    if not 200 <= status < 300:
        core.read_response(operation, status, headers, initial.get("body", "").encode())
        raise CaseMismatch(f"status {status} was read as a stream")
    decoding = StreamDecoding(core, operation, status, httpx.Headers(headers))
    if "initialResponseParams" in data or "initialResponse" in data:
        wanted = to_value(operation.output, data.get("initialResponseParams", {}), defaults=True)
        expect_equal(comparable(decoding.output()), comparable(wanted), "initial response")
    stream = operation.streaming_member("output")
    if stream is None:
        raise CaseMismatch(f"{operation.id} has no output event stream")
    for event in events:
        got = decoding.decode(decode_message(base64.b64decode(event["bytes"])))
        expected = to_value(stream.target, event.get("params", {}), defaults=True)
        expect_equal(comparable(got), comparable(expected), "event")

"""Hostile and unusual payloads on the wire: the fault matrix's cells about what bytes say.

``test_wire_fault_matrix`` plays faults of timing and transport; this module plays
answers whose content is the fault, through the same ``RawSocketServer`` and the same
``play`` (attempts, exact error class, elapsed upper bound, no leaked connection):

- JSON nested far past ``MAX_JSON_DEPTH`` (issue 16 item 3) in a unary body, a 500's
  error body (still retried as a 500), the ``initial-response`` event, an event and an
  exception message: a ``JsonNestingError``, never a ``RecursionError``;
- a bare 503 (item 8) is ``ServiceUnavailableError`` and retried, on a unary call and
  when a stream opens; a modeled exception message reports the stream's real status
  (200) and that an event carried it;
- an initial response lacking a required member (item 6), under awsJson (the event)
  and restJson1 (the header): ``MissingInitialResponseMemberError``, one attempt.
"""

from __future__ import annotations

import pytest

from qsmith.clients.codewhisperer_streaming.errors import InternalServerException
from qsmith.runtime.errors import ServiceUnavailableError
from qsmith.runtime.eventstream.message import Message, encode_message
from qsmith.runtime.serde import JsonNestingError, MissingInitialResponseMemberError
from qsmith.testing.event_streams import event_stream_body
from qsmith.testing.raw_server import RawAnswer, RawSocketServer, chunked
from tests.runtime.resilience.clients import EVENTS, STREAMING, Target
from tests.runtime.resilience.clients import stream_chunks as event_chunks
from tests.runtime.resilience.wire import (
    Cell,
    body_answer,
    matrix,
    matrix_ids,
    play,
    stream_answer,
    stream_head,
    times,
)

TOO_DEEP = 1000  # far past MAX_JSON_DEPTH and past Python's default recursion limit
NESTED = b"[" * TOO_DEEP + b"]" * TOO_DEEP
REST_JSON = "aws.protocols#restJson1"


def deep_member(key: str) -> bytes:
    return b'{"' + key.encode() + b'":' + NESTED + b"}"


def json_message(headers: dict[str, str], payload: bytes) -> bytes:
    return encode_message(Message({**headers, ":content-type": "application/json"}, payload))


def deep_unary_body(_target: Target) -> RawAnswer:
    return body_answer(200, deep_member("profiles"))


def deep_error_body(_target: Target) -> RawAnswer:
    return body_answer(500, deep_member("message"))


def deep_initial_response(_target: Target) -> RawAnswer:
    initial = {":message-type": "event", ":event-type": "initial-response"}
    return stream_answer([json_message(initial, deep_member("conversationId"))])


def deep_second_event(_target: Target) -> RawAnswer:
    event = {":message-type": "event", ":event-type": "assistantResponseEvent"}
    return stream_answer([*event_chunks()[:2], json_message(event, NESTED)])


def deep_exception(_target: Target) -> RawAnswer:
    exception = {":message-type": "exception", ":exception-type": "error"}
    return stream_answer([*event_chunks()[:2], json_message(exception, deep_member("message"))])


def bare_503(_target: Target) -> RawAnswer:
    page = b"<html><body>Service Unavailable</body></html>"
    return body_answer(503, page, content_type="text/html")


def exception_after_first_event(_target: Target) -> RawAnswer:
    error = InternalServerException(message="model broke")
    return stream_answer(event_stream_body(STREAMING.schema, [EVENTS[0], error]))


def no_conversation_id_event(_target: Target) -> RawAnswer:
    return stream_answer(event_stream_body(STREAMING.schema, EVENTS, initial={}))


def no_conversation_id_header(_target: Target) -> RawAnswer:
    body = event_stream_body(STREAMING.schema, EVENTS, protocol=REST_JSON, initial={})
    return RawAnswer((stream_head() + chunked(body),))


CELLS = [
    Cell(
        "too deep JSON in a 200 body",
        times(deep_unary_body, 1),
        1,
        JsonNestingError,
        exact=True,
        kinds=("unary",),
        says="ListProfiles response",
    ),
    Cell(
        "too deep JSON in a 500 error body on every attempt",
        times(deep_error_body, 3),
        3,
        "HTTP500",  # no code can be read: the service's base error class
        then_ok=False,
        http_status=500,
        from_event=False,
        delivered=0,
    ),
    Cell(
        "too deep JSON in the initial-response event",
        times(deep_initial_response, 1),
        1,
        JsonNestingError,
        exact=True,
        delivered=0,
        kinds=("stream",),
        says="(event initial-response)",
    ),
    Cell(
        "too deep JSON in the second event",
        times(deep_second_event, 1),
        1,
        JsonNestingError,
        exact=True,
        delivered=1,
        kinds=("stream",),
        says="message #2 (event assistantResponseEvent)",
    ),
    Cell(
        "too deep JSON in an exception message",
        times(deep_exception, 1),
        1,
        JsonNestingError,
        exact=True,
        delivered=1,
        kinds=("stream",),
        says="message #2 (exception error)",
    ),
    Cell(
        "bare 503 on every attempt",
        times(bare_503, 3),
        3,
        ServiceUnavailableError,
        exact=True,
        then_ok=False,
        http_status=503,
        from_event=False,
        delivered=0,
    ),
    Cell("bare 503 twice, then answered", times(bare_503, 2), 3),
    Cell(
        "modeled exception message after the first event",
        times(exception_after_first_event, 1),
        1,
        "InternalServerException",
        http_status=200,
        from_event=True,
        delivered=1,
        kinds=("stream",),
    ),
    Cell(
        "awsJson initial-response without a required member",
        times(no_conversation_id_event, 1),
        1,
        MissingInitialResponseMemberError,
        exact=True,
        then_ok=False,
        delivered=0,
        kinds=("stream",),
        says="(the initial-response event)",
    ),
    Cell(
        "restJson1 answer without a required header",
        times(no_conversation_id_header, 1),
        1,
        MissingInitialResponseMemberError,
        exact=True,
        then_ok=False,
        delivered=0,
        kinds=("stream",),
        protocol="restJson1",
        says="(HTTP header 'x-amzn-codewhisperer-conversation-id')",
    ),
]
MATRIX = matrix(CELLS)


@pytest.mark.parametrize(("cell", "kind", "mode"), MATRIX, ids=matrix_ids(MATRIX))
def test_wire_payload_fault(
    cell: Cell, kind: str, mode: str, server: RawSocketServer, sleeps: list[float]
) -> None:
    play(cell, kind, mode, server, sleeps)

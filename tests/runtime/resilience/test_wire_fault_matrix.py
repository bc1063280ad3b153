"""Faults on the wire, against the real generated clients: sync and async, unary and stream.

Where ``test_client_fault_matrix`` checks what the protocols and the retry rules make of
each answer (through ``FakeService``), this matrix checks what the transport makes of
bytes that arrive late, slowly or not at all. The server is ``RawSocketServer``: a
trickle is one byte per write, a reset is a TCP RST, a stall is a peer that says
nothing. Each cell asserts the number of attempts the server saw, the outcome (value or
exact error class), an upper bound on the elapsed time, that no pooled connection is
left in use and that the server sees every connection closed once the client is.

The matrix is three modules: this one (timing and transport faults),
``test_wire_fault_matrix_payloads`` (hostile or incomplete content: too deep JSON, a bare
503, an exception message, an initial response lacking a required member) and
``test_stream_output`` (an awsJson stream's ``output`` read ahead never loses an event).
The cells share ``wire.play`` and the ``server`` and ``sleeps`` fixtures (conftest).

Time bounds are upper bounds only, and generous (``SLACK``): a loaded machine makes a
call slower, never faster, and nothing here asserts that something was quick. Backoff
sleeps are recorded, not slept, so a bound is the time the attempts themselves take.
"""

from __future__ import annotations

import time

import pytest

from qsmith.runtime.errors import EventStreamError
from qsmith.runtime.transport import (
    CallTimeoutError,
    ConnectionDroppedError,
    ConnectionFailedError,
    IdleTimeoutError,
    ReadTimeoutError,
)
from qsmith.testing.raw_server import (
    RawAnswer,
    RawSocketServer,
    chunked,
    http_head,
    reset_after_headers,
    reset_before_headers,
    silence,
)
from tests.runtime.resilience.clients import STREAMING, Target, run_call
from tests.runtime.resilience.clients import stream_chunks as event_chunks
from tests.runtime.resilience.wire import (
    DEADLINE,
    EVENT_STREAM,
    JSON_10,
    SLACK,
    TARGETS,
    Cell,
    error_answer,
    matrix,
    matrix_ids,
    ok,
    play,
    stream_answer,
    stream_head,
    times,
)


def trickled(data: bytes, every: float, *, size: int = 1) -> list[bytes | float]:
    """``data`` in pieces of ``size`` bytes, each after ``every`` seconds."""
    parts: list[bytes | float] = []
    for start in range(0, len(data), size):
        parts += [every, data[start : start + size]]
    return parts


def trickle_body(target: Target) -> RawAnswer:
    """Headers at once, then the body a byte every 0.1 s: about 15 s for all of it."""
    if target is STREAMING:
        body = chunked(event_chunks())
        return RawAnswer([stream_head(), *trickled(body, 0.1)])
    document = b'{"profiles": []' + b" " * 135 + b"}"
    head = http_head(200, [("Content-Type", JSON_10)], length=len(document))
    return RawAnswer([head, *trickled(document, 0.1)])


def trickle_headers(target: Target) -> RawAnswer:
    """The status line and headers a byte every 0.1 s (about 10 s), then the body."""
    answer = ok(target)
    whole = b"".join(p for p in answer.parts if isinstance(p, bytes))
    head, _, body = whole.partition(b"\r\n\r\n")
    return RawAnswer([*trickled(head + b"\r\n\r\n", 0.1), body])


def trickle_after_first_event(_target: Target) -> RawAnswer:
    """The initial response and the first event at once, then the second a byte a time."""
    first, second, third = event_chunks()
    parts: list[bytes | float] = [stream_head() + chunked([first, second], last=False)]
    return RawAnswer([*parts, *trickled(chunked([third]), 0.1)])


def slow_but_steady(_target: Target) -> RawAnswer:
    """The first event takes about 2.5 s to arrive (a byte each 0.02 s): longer than the
    1 s idle timeout, but never silent for more than 0.02 s (a 50x margin)."""
    initial, first, second = event_chunks()
    return RawAnswer(
        [
            stream_head() + chunked([initial], last=False),
            *trickled(chunked([first], last=False), 0.02),
            chunked([second]),
        ]
    )


def idle_after_first_event(_target: Target) -> RawAnswer:
    first, second, _ = event_chunks()
    return silence(stream_head() + chunked([first, second], last=False))


def cut_after_first_event(_target: Target) -> RawAnswer:
    first, second, _ = event_chunks()
    return RawAnswer((stream_head() + chunked([first, second], last=False),), "reset")


def cut_body(target: Target) -> RawAnswer:
    if target is STREAMING:
        return RawAnswer((stream_head() + chunked(event_chunks()[:1], last=False),), "reset")
    return RawAnswer((http_head(200, [("Content-Type", JSON_10)], length=100) + b'{"pro',), "close")


def corrupt_crc(_target: Target) -> RawAnswer:
    chunks = event_chunks()
    chunks[1] = chunks[1][:-1] + bytes([chunks[1][-1] ^ 0xFF])
    return stream_answer(chunks)


STALL = {"read_timeout": 0.5, "idle_timeout": 0.5}
CELLS = [
    Cell(
        "body trickles past the deadline",
        times(trickle_body, 1),
        1,
        CallTimeoutError,
        within=DEADLINE,
        call_timeout=DEADLINE,
        delivered=0,
    ),
    Cell(
        "headers trickle past the deadline",
        times(trickle_headers, 1),
        1,
        CallTimeoutError,
        within=DEADLINE,
        call_timeout=DEADLINE,
        delivered=0,
    ),
    Cell(
        "stream trickles past the deadline after its first event",
        times(trickle_after_first_event, 1),
        1,
        CallTimeoutError,
        within=DEADLINE,
        call_timeout=DEADLINE,
        delivered=1,
        kinds=("stream",),
    ),
    Cell(
        "slow but steady stream is not idle",
        times(slow_but_steady, 1),
        1,
        within=2.5 * 3,
        transport={"idle_timeout": 1.0},
        delivered=2,
        kinds=("stream",),
    ),
    Cell(
        "stream idle after its first event",
        times(idle_after_first_event, 1),
        1,
        IdleTimeoutError,
        within=0.5,
        transport=STALL,
        delivered=1,
        kinds=("stream",),
    ),
    Cell(
        "stall before the headers on every attempt",
        times(lambda _t: silence(), 3),
        3,
        ReadTimeoutError,
        within=3 * 0.5,
        then_ok=False,
        transport=STALL,
        delivered=0,
    ),
    Cell(
        "stall before the headers, cut by the deadline",
        times(lambda _t: silence(), 3),
        1,
        CallTimeoutError,
        within=DEADLINE,
        then_ok=False,
        transport={"read_timeout": 30.0, "idle_timeout": 30.0},
        call_timeout=DEADLINE,
        delivered=0,
    ),
    Cell(
        "throttled twice, then answered",
        times(lambda _t: error_answer(429, "ThrottlingException"), 2),
        3,
    ),
    Cell(
        "throttled on every attempt",
        times(lambda _t: error_answer(429, "ThrottlingException"), 3),
        3,
        "ThrottlingException",
        then_ok=False,
    ),
    Cell(
        "drained retry quota stops retries",
        times(lambda _t: error_answer(429, "ThrottlingException"), 3),
        2,
        "ThrottlingException",
        then_ok=False,
        quota=5,
    ),
    Cell(
        "500 twice, then answered",
        times(lambda _t: error_answer(500, "InternalServerException"), 2),
        3,
    ),
    Cell("reset before the headers, then answered", times(lambda _t: reset_before_headers(), 1), 2),
    Cell(
        "reset before the headers on every attempt",
        times(lambda _t: reset_before_headers(), 3),
        3,
        ConnectionDroppedError,
        then_ok=False,
        delivered=0,
    ),
    Cell(
        "reset after the headers, then answered",
        lambda t: [
            reset_after_headers(
                200, [("Content-Type", EVENT_STREAM if t is STREAMING else JSON_10)]
            )
        ],
        2,
    ),
    Cell("body cut short, then answered", times(cut_body, 1), 2),
    Cell(
        "stream stopped after its first event",
        times(cut_after_first_event, 1),
        1,
        ConnectionDroppedError,
        delivered=1,
        kinds=("stream",),
    ),
    Cell(
        "corrupt CRC in the first event",
        times(corrupt_crc, 1),
        1,
        EventStreamError,
        delivered=0,
        kinds=("stream",),
    ),
]

MATRIX = matrix(CELLS)


@pytest.mark.parametrize(("cell", "kind", "mode"), MATRIX, ids=matrix_ids(MATRIX))
def test_wire_fault(
    cell: Cell, kind: str, mode: str, server: RawSocketServer, sleeps: list[float]
) -> None:
    play(cell, kind, mode, server, sleeps)


@pytest.mark.parametrize("kind", ["unary", "stream"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_connection_refused(kind: str, mode: str, sleeps: list[float]) -> None:
    with RawSocketServer() as closed:
        url = closed.url  # nothing listens there once the server has stopped
    started = time.monotonic()
    run = run_call(TARGETS[kind], url, mode)
    assert isinstance(run.outcome, ConnectionFailedError), repr(run.outcome)
    assert len(run.strategy.seen) == 3 and len(sleeps) == 3
    assert time.monotonic() - started <= SLACK
    assert run.busy_connections == 0

"""Shared by the wire fault matrices: scripted raw answers, the ``Cell`` and how one is played.

``play`` makes one call of a ``Cell`` against a ``RawSocketServer`` and asserts what every
cell asserts: the outcome (value, or exact error class and where it came from), the
attempts the server saw, the events delivered, an upper bound on the elapsed time, no
pooled connection left in use and every server-side connection closed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from qsmith.runtime.errors import ServiceError
from qsmith.runtime.transport import TransportConfig
from qsmith.testing.raw_server import RawAnswer, RawSocketServer, chunked, http_head
from tests.runtime.resilience.clients import CONSOLAS, EVENTS, STREAMING, Target, run_call
from tests.runtime.resilience.clients import stream_chunks as event_chunks

# What a call may take beyond its deadline or its timeouts here: the documented bound
# (docs/design/retries-and-transport.md, "Deadlines") plus room for a loaded machine.
SLACK = 1.5
DEADLINE = 1.0
JSON_10 = "application/x-amz-json-1.0"
EVENT_STREAM = "application/vnd.amazon.eventstream"
TARGETS = {"unary": CONSOLAS, "stream": STREAMING}


def json_answer(status: int, document: object) -> RawAnswer:
    return body_answer(status, json.dumps(document).encode())


def body_answer(status: int, body: bytes, content_type: str = JSON_10) -> RawAnswer:
    head = http_head(status, [("Content-Type", content_type)], length=len(body))
    return RawAnswer((head + body,))


def error_answer(status: int, code: str, message: str = "no") -> RawAnswer:
    return json_answer(status, {"__type": f"com.amazonaws#{code}", "message": message})


def stream_head(headers: list[tuple[str, str]] | None = None) -> bytes:
    return http_head(200, [("Content-Type", EVENT_STREAM), *(headers or [])])


def stream_answer(messages: list[bytes]) -> RawAnswer:
    return RawAnswer((stream_head() + chunked(messages),))


def ok(target: Target) -> RawAnswer:
    if target is STREAMING:
        return stream_answer(event_chunks())
    return json_answer(200, {"profiles": []})


def times(make: Callable[[Target], RawAnswer], count: int) -> Callable[[Target], list[RawAnswer]]:
    return lambda target: [make(target)] * count


@dataclass(frozen=True)
class Cell:
    """``answers`` are played in order, then ``ok`` for any later request (when ``then_ok``)."""

    name: str
    answers: Callable[[Target], list[RawAnswer]]
    attempts: int
    error: type[Exception] | str | None = None  # a code names the generated class
    within: float = 0.0  # the elapsed bound, before SLACK
    then_ok: bool = True
    delivered: int | None = None  # events that reached the caller (streams)
    transport: dict[str, float] = field(default_factory=dict)
    call_timeout: float | None = None
    quota: int = 500
    kinds: tuple[str, ...] = ("unary", "stream")
    exact: bool = False  # the error's class is exactly ``error``, not a subclass of it
    http_status: int | None = None  # the ServiceError's status, when given
    from_event: bool | None = None  # whether a stream message carried the ServiceError
    protocol: str | None = None  # the client's protocol, when not the service's default
    says: str = ""  # what the error's message must contain (where it happened)


def matrix(cells: list[Cell]) -> list[tuple[Cell, str, str]]:
    return [
        (cell, kind, mode) for cell in cells for kind in cell.kinds for mode in ("sync", "async")
    ]


def matrix_ids(rows: list[tuple[Cell, str, str]]) -> list[str]:
    return [f"{cell.name}-{kind}-{mode}" for cell, kind, mode in rows]


def wait_until_closed(server: RawSocketServer) -> int:
    """The connections the server still holds open, after giving it time to notice."""
    give_up = time.monotonic() + 10.0
    while server.connections_open and time.monotonic() < give_up:
        time.sleep(0.02)
    return server.connections_open


def expected_error(target: Target, error: type[Exception] | str | None) -> type[Exception] | None:
    return target.error_type(error) if isinstance(error, str) else error


def play(cell: Cell, kind: str, mode: str, server: RawSocketServer, sleeps: list[float]) -> None:
    """Make the cell's call against ``server`` and assert everything a cell promises."""
    target = TARGETS[kind]
    server.reset()
    server.enqueue(*cell.answers(target))
    server.set_default(ok(target) if cell.then_ok else None)
    transport = TransportConfig(trust_env=False, **cell.transport)  # type: ignore[arg-type]
    started = time.monotonic()
    run = run_call(
        target,
        server.url,
        mode,
        quota=cell.quota,
        transport=transport,
        call_timeout=cell.call_timeout,
        protocol=cell.protocol,
    )
    elapsed = time.monotonic() - started
    expected = expected_error(target, cell.error)
    if expected is None:
        assert not isinstance(run.outcome, Exception), repr(run.outcome)
        if target is STREAMING:
            assert run.outcome == EVENTS
    else:
        assert isinstance(run.outcome, expected), repr(run.outcome)
        if isinstance(cell.error, str) or cell.exact:
            assert type(run.outcome) is expected, repr(run.outcome)
        assert cell.says in str(run.outcome), repr(run.outcome)
        check_service_error(cell, run.outcome)
    assert len(server.requests) == cell.attempts
    assert len(sleeps) == cell.attempts
    if target is STREAMING and cell.delivered is not None:
        assert run.delivered == EVENTS[: cell.delivered]
    assert elapsed <= cell.within + SLACK, f"{elapsed:.2f} s"
    assert run.busy_connections == 0
    assert wait_until_closed(server) == 0


def check_service_error(cell: Cell, error: Exception) -> None:
    if cell.http_status is None and cell.from_event is None:
        return
    assert isinstance(error, ServiceError), repr(error)
    if cell.http_status is not None:
        assert error.http_status == cell.http_status, repr(error)
    if cell.from_event is not None:
        assert error.from_event is cell.from_event, repr(error)

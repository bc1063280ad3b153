"""Every fault the fake service injects, against the real generated clients, sync and async.

Targets: consolas ``ListProfiles`` (awsJson1_0, SigV4), toolkit telemetry ``PostMetrics``
(restJson1, SigV4) and codewhisperer-streaming ``GenerateAssistantResponse`` (awsJson1_0
event stream, bearer token). Each case asserts the exact number of attempts and
``amz-sdk-request`` headers, the outcome (value or exact error type), the backoff the
shell slept (jitter fixed at 0.5) within its bounds, how the strategy classified each
failure, what the interceptors saw, one DEBUG record per attempt, that no pooled
connection is left in use, and that no canary secret (secret key, session token, bearer
token, request signatures) reaches any log record (httpx and httpcore included) or the
error's text.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from qsmith.runtime.client.core import raw_response
from qsmith.runtime.errors import EventStreamError, ServiceError
from qsmith.runtime.eventstream.errors import UnmodeledStreamError
from qsmith.runtime.eventstream.headers import HeaderValue
from qsmith.runtime.eventstream.message import Message, encode_message
from qsmith.runtime.retry import ErrorKind
from qsmith.runtime.transport import (
    ConnectionDroppedError,
    IdleTimeoutError,
    ReadTimeoutError,
    TransportConfig,
)
from qsmith.testing import (
    FakeService,
    corrupt_crc,
    event_stream_response,
    reset_connection,
    server_error,
    slow_bytes,
    stall,
    stop_mid_stream,
    throttle,
)
from qsmith.testing.event_streams import event_stream_encoder
from qsmith.testing.fake_service import Step
from tests.runtime.resilience.clients import (
    CANARIES,
    CONSOLAS,
    EVENTS,
    STREAMING,
    TARGETS,
    Run,
    Target,
    attempt_records,
    run_call,
    stream_chunks,
)

HIGH_LOAD = "Encountered unexpectedly high load when processing the request, please try again."
T, R, X = ErrorKind.THROTTLING, ErrorKind.TRANSIENT, ErrorKind.TIMEOUT
N = ErrorKind.NOT_RETRYABLE


@dataclass(frozen=True)
class Case:
    """``faults`` are queued in order, then the target's good answer (when ``then_ok``)."""

    name: str
    faults: Callable[[Target], list[Step]]
    attempts: int
    error: str | type[Exception] | None = None  # a code names the generated class
    then_ok: bool = True
    kinds: list[ErrorKind] = field(default_factory=list)  # per failed attempt
    delays: list[float] | None = None
    quota: int = 500
    transport: dict[str, float] = field(default_factory=dict)
    delivered: int | None = None  # events that reached the caller, for streams
    only: tuple[str, ...] = ()  # target packages the case applies to (empty: all)


def times(step: Step, count: int) -> Callable[[Target], list[Step]]:
    return lambda _target: [step] * count


def error_chunks(position: int, code: str = "ThrottlingException") -> list[bytes]:
    """The stream with an error message in place of the event at ``position``."""
    encoder = event_stream_encoder(STREAMING.schema, "aws.protocols#awsJson1_0")
    chunks = stream_chunks()
    return [*chunks[: position + 1], encoder.encode_unmodeled_error(code, "slow down")]


def exception_chunks(reason: str) -> list[bytes]:
    """The stream with a ThrottlingException message (carrying ``reason``) first."""
    payload = json.dumps({"message": "Rate exceeded", "reason": reason}).encode()
    headers: dict[str, HeaderValue] = {
        ":message-type": "exception",
        ":exception-type": "ThrottlingException",
        ":content-type": "application/json",
    }
    return [stream_chunks()[0], encode_message(Message(headers, payload))]


Q = ("consolas", "codewhisperer_streaming")
STREAM_ONLY = ("codewhisperer_streaming",)
PLAIN_ONLY = ("consolas", "toolkit_telemetry")

CASES = [
    Case("throttle twice then succeed", times(throttle(), 2), 3, kinds=[T, T], delays=[0.5, 1.0]),
    Case(
        "throttle on every attempt",
        times(throttle(), 3),
        3,
        "ThrottlingException",
        then_ok=False,
        kinds=[T, T, T],
    ),
    Case("429 without a known code", times(throttle(code="Whatever"), 1), 2, kinds=[T]),
    Case(
        "503 on every attempt",
        times(server_error(503, "Unavailable"), 3),
        3,
        "Unavailable",
        then_ok=False,
        kinds=[R, R, R],
    ),
    Case("unmodeled 501 is not retried", times(server_error(501, "NotImpl"), 1), 1, "NotImpl"),
    Case("reset once then succeed", times(reset_connection(), 1), 2, kinds=[R]),
    Case(
        "reset on every attempt",
        times(reset_connection(), 3),
        3,
        ConnectionDroppedError,
        then_ok=False,
        kinds=[R, R, R],
    ),
    Case(
        "stall past the read timeout",
        times(stall(3.0), 3),
        3,
        ReadTimeoutError,
        then_ok=False,
        kinds=[X, X, X],
        transport={"read_timeout": 0.2, "idle_timeout": 0.2},
    ),
    Case(
        "stall once then succeed",
        times(stall(3.0), 1),
        2,
        kinds=[X],
        transport={"read_timeout": 0.2, "idle_timeout": 0.2},
    ),
    Case(
        "drained retry quota stops retries",
        times(throttle(), 3),
        2,
        "ThrottlingException",
        then_ok=False,
        kinds=[T, T],
        quota=5,
    ),
    Case(
        "x-amz-retry-after is honoured within bounds",
        times(throttle(retry_after_ms=1500), 1),
        2,
        kinds=[T],
        delays=[1.5],
    ),
    Case(
        "x-amz-retry-after beyond the bound is capped",
        times(throttle(retry_after_ms=60_000), 1),
        2,
        kinds=[T],
        delays=[5.5],
    ),
    # The Amazon Q rules, end to end through the generated clients.
    Case(
        "Q monthly quota is raised after one attempt",
        times(throttle(reason="MONTHLY_REQUEST_COUNT"), 1),
        1,
        "ThrottlingException",
        kinds=[N],
        only=Q,
    ),
    Case(
        "Q model capacity is retried as throttling",
        times(throttle(status=400, reason="INSUFFICIENT_MODEL_CAPACITY"), 1),
        2,
        kinds=[T],
        only=Q,
    ),
    Case(
        "Q ServiceUnavailableException is retried as throttling",
        times(server_error(503, "ServiceUnavailableException", "busy"), 1),
        2,
        kinds=[T],
        only=Q,
    ),
    Case(
        "Q high load 500 is retried as throttling",
        times(server_error(500, "InternalServerException", HIGH_LOAD), 1),
        2,
        kinds=[T],
        only=Q,
    ),
    Case(
        "other services: ServiceUnavailableException is only transient",
        times(server_error(503, "ServiceUnavailableException", "busy"), 1),
        2,
        kinds=[R],
        only=("toolkit_telemetry",),
    ),
    # Bodies that trickle in.
    Case(
        "slow body bytes within the timeouts",
        lambda t: [
            slow_bytes(b'{"profiles": [] }' if t.package == "consolas" else b"{ }", delay=0.002)
        ],
        1,
        only=PLAIN_ONLY,
    ),
    Case(
        "slow stream within the idle timeout",
        times(event_stream_response(stream_chunks(), chunk_delay=0.02), 1),
        1,
        delivered=2,
        only=STREAM_ONLY,
    ),
    # Streams: retried before the first event reaches the caller, never after.
    Case(
        "stream dropped before its first event is retried",
        times(stop_mid_stream(stream_chunks(), after=1), 1),
        2,
        kinds=[R],
        delivered=2,
        only=STREAM_ONLY,
    ),
    Case(
        "stream dropped after its first event is not retried",
        times(stop_mid_stream(stream_chunks(), after=2), 1),
        1,
        ConnectionDroppedError,
        delivered=1,
        only=STREAM_ONLY,
    ),
    Case(
        "error message before the first event is retried",
        times(event_stream_response(error_chunks(0)), 1),
        2,
        kinds=[T],
        delivered=2,
        only=STREAM_ONLY,
    ),
    Case(
        "error message after the first event is not retried",
        times(event_stream_response(error_chunks(1)), 1),
        1,
        UnmodeledStreamError,
        delivered=1,
        only=STREAM_ONLY,
    ),
    Case(
        "Q monthly quota inside the stream is raised after one attempt",
        times(event_stream_response(exception_chunks("MONTHLY_REQUEST_COUNT")), 1),
        1,
        UnmodeledStreamError,
        kinds=[N],
        delivered=0,
        only=STREAM_ONLY,
    ),
    Case(
        "Q model capacity inside the stream is retried as throttling",
        times(event_stream_response(exception_chunks("INSUFFICIENT_MODEL_CAPACITY")), 1),
        2,
        kinds=[T],
        delivered=2,
        only=STREAM_ONLY,
    ),
    Case(
        "corrupt CRC before the first event is not retried",
        times(corrupt_crc(stream_chunks(), message=0), 1),
        1,
        EventStreamError,
        kinds=[N],
        delivered=0,
        only=STREAM_ONLY,
    ),
    Case(
        "corrupt CRC after the first event",
        times(corrupt_crc(stream_chunks(), message=2), 1),
        1,
        EventStreamError,
        delivered=1,
        only=STREAM_ONLY,
    ),
    Case(
        "stream idle past the idle timeout",
        # 20x the idle timeout: a loaded machine delays the reads, never the server less.
        times(event_stream_response(stream_chunks(), chunk_delay=3.0), 3),
        3,
        IdleTimeoutError,
        then_ok=False,
        kinds=[X, X, X],
        transport={"idle_timeout": 0.15},
        delivered=0,
        only=STREAM_ONLY,
    ),
]

MATRIX = [
    (target, case, mode)
    for target in TARGETS
    for case in CASES
    if not case.only or target.package in case.only
    for mode in ("sync", "async")
]


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, FakeService]]:
    # One server per target for the module (starting one costs about half a second).
    services = {t.package: t.fake() for t in TARGETS}
    for service in services.values():
        service.__enter__()
    yield services
    for service in services.values():
        service.__exit__(None, None, None)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What the shells would sleep; recorded instead of slept, so the matrix stays quick."""
    slept: list[float] = []

    def record(seconds: float, deadline: object) -> None:
        slept.append(seconds)

    async def arecord(seconds: float, deadline: object) -> None:
        slept.append(seconds)

    monkeypatch.setattr("qsmith.runtime.client.sync._sleep", record)
    monkeypatch.setattr("qsmith.runtime.client.aio._sleep", arecord)
    return slept


def _script(fake: FakeService, target: Target, case: Case) -> None:
    fake.reset()
    for step in case.faults(target):
        fake.inject(target.operation, step)
    if case.then_ok:
        fake.set_default(target.operation, target.ok())


def _expected_error(target: Target, case: Case) -> type[Exception] | None:
    if isinstance(case.error, str):
        return target.error_type(case.error)
    return case.error


def _check_outcome(target: Target, case: Case, run: Run) -> None:
    expected = _expected_error(target, case)
    if expected is None:
        assert not isinstance(run.outcome, Exception), repr(run.outcome)
        if target.streaming:
            assert run.outcome == EVENTS
        return
    assert isinstance(run.outcome, expected), repr(run.outcome)
    if isinstance(case.error, str):
        assert type(run.outcome) is expected
    response = raw_response(run.outcome)
    if isinstance(run.outcome, ServiceError):
        assert isinstance(response, httpx.Response)
        assert run.outcome.request_id and run.outcome.request_id.startswith("fake-")
    if "MONTHLY" in case.name and case.error == "ThrottlingException":
        assert run.outcome.reason == "MONTHLY_REQUEST_COUNT"  # type: ignore[attr-defined]


def _check_attempts(fake: FakeService, target: Target, case: Case, run: Run) -> None:
    calls = fake.calls(target.operation)
    assert len(calls) == case.attempts
    assert [c.header("amz-sdk-request") for c in calls] == [
        f"attempt={n}; max=3" for n in range(1, case.attempts + 1)
    ]
    assert len({c.header("amz-sdk-invocation-id") for c in calls}) == 1
    assert [info.kind for info in run.strategy.seen][: len(case.kinds)] == case.kinds
    interceptor = run.interceptor
    assert [c.attempt for c in interceptor.contexts] == list(range(1, case.attempts + 1))
    retried = [o.will_retry for o in interceptor.outcomes]
    assert retried == [True] * (case.attempts - 1) + [False]
    if case.delivered is not None:
        assert run.delivered == EVENTS[: case.delivered]


def _check_backoff(case: Case, slept: list[float]) -> None:
    assert len(slept) == case.attempts  # the first attempt's zero wait, then one per retry
    assert slept[0] == 0.0
    retry_waits = slept[1:]
    if case.delays is not None:
        assert retry_waits == pytest.approx(case.delays)
    for number, wait in enumerate(retry_waits, start=1):
        assert 0 <= wait <= min(2 ** (number - 1), 20) + 5


def _signatures(fake: FakeService, target: Target) -> list[str]:
    found = []
    for call in fake.calls(target.operation):
        match = re.search(r"Signature=([0-9a-f]{64})", call.header("Authorization") or "")
        if match:
            found.append(match.group(1))
    return found


def _check_secrets(
    fake: FakeService, target: Target, run: Run, logs: pytest.LogCaptureFixture
) -> None:
    secrets = [*CANARIES, *_signatures(fake, target)]
    if not target.bearer:
        assert _signatures(fake, target), "SigV4 requests carry a signature"
    # The careless interceptor did format secrets: the filter is what kept them out.
    assert any(s in text for text in run.interceptor.raw_texts for s in secrets)
    names = {r.name for r in logs.records}
    assert "qsmith.tests.careless_interceptor" in names
    assert any(name.startswith("httpcore") for name in names)
    for record in logs.records:
        text = record.getMessage()
        for secret in secrets:
            assert secret not in text, (record.name, text)
    if isinstance(run.outcome, Exception):
        for secret in secrets:
            assert secret not in str(run.outcome) and secret not in repr(run.outcome)


@pytest.mark.parametrize(
    ("target", "case", "mode"),
    MATRIX,
    ids=[f"{t.package}-{c.name}-{m}" for t, c, m in MATRIX],
)
def test_fault(
    target: Target,
    case: Case,
    mode: str,
    fakes: dict[str, FakeService],
    sleeps: list[float],
    redacted_logs: pytest.LogCaptureFixture,
) -> None:
    fake = fakes[target.package]
    _script(fake, target, case)
    transport = TransportConfig(trust_env=False, **case.transport)  # type: ignore[arg-type]
    run = run_call(target, fake.url, mode, quota=case.quota, transport=transport)
    _check_outcome(target, case, run)
    _check_attempts(fake, target, case, run)
    _check_backoff(case, sleeps)
    assert run.busy_connections == 0
    records = attempt_records(redacted_logs.records)
    assert [m.split(": ")[0] for m in records] == [
        f"{target.service.sdk_id}.{target.operation} attempt {n}/3"
        for n in range(1, case.attempts + 1)
    ]
    _check_secrets(fake, target, run, redacted_logs)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_connection_refused_is_retried_then_raised(
    mode: str, sleeps: list[float], redacted_logs: pytest.LogCaptureFixture
) -> None:
    from qsmith.runtime.transport import ConnectionFailedError
    from qsmith.testing import LoopbackServer

    with LoopbackServer() as server:
        url = server.url  # the port is closed once the server stops
    run = run_call(CONSOLAS, url, mode)
    assert isinstance(run.outcome, ConnectionFailedError), run.outcome
    assert CONSOLAS.operation in str(run.outcome)
    assert [i.kind for i in run.strategy.seen] == [R, R, R]
    assert sleeps == [0.0, 0.5, 1.0]
    for record in redacted_logs.records:
        assert all(c not in record.getMessage() for c in CANARIES)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_adaptive_mode_waits_at_least_the_backoff(
    mode: str, fakes: dict[str, FakeService], sleeps: list[float]
) -> None:
    from qsmith.runtime.retry import AdaptiveRetryStrategy
    from tests.runtime.resilience.clients import client_config

    fake = fakes[CONSOLAS.package]
    _script(fake, CONSOLAS, Case("adaptive", times(throttle(), 2), 3))
    strategy = AdaptiveRetryStrategy(max_attempts=3, random=lambda: 0.5)
    config = client_config(CONSOLAS, fake.url, strategy=strategy)
    module = CONSOLAS.module("client")
    if mode == "sync":
        with module.Client(config=config) as client:
            assert client.list_profiles().profiles == []
    else:

        async def call() -> None:
            async with module.AsyncClient(config=config) as client:
                assert (await client.list_profiles()).profiles == []

        asyncio.run(call())
    assert fake.attempts(CONSOLAS.operation) == 3
    assert strategy.limiter.enabled
    # Each retry waits its backoff plus the rate limiter's queue (0.5 tokens/s floor).
    assert sleeps[0] == 0.0 and sleeps[1] >= 0.5 and sleeps[2] >= 1.0


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_whole_call_deadline_cuts_retries_short(
    mode: str, fakes: dict[str, FakeService]
) -> None:
    from qsmith.runtime.transport import CallTimeoutError

    fake = fakes[CONSOLAS.package]
    _script(fake, CONSOLAS, Case("deadline", times(stall(3.0), 3), 3))
    transport = TransportConfig(trust_env=False, read_timeout=0.3)
    run = run_call(CONSOLAS, fake.url, mode, transport=transport, call_timeout=0.5)
    assert isinstance(run.outcome, CallTimeoutError), run.outcome
    assert CONSOLAS.operation in str(run.outcome)
    # The first attempt times out after 0.3 s; the backoff (0.5 s at this jitter) is cut to
    # the 0.2 s left, after which the deadline has passed: no second attempt is sent.
    assert fake.attempts(CONSOLAS.operation) == 1

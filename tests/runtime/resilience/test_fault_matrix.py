"""Every fault the fake service can inject, against a sync and an async call loop.

Each case asserts the exact number of attempts, the outcome (result or error type),
the backoff delays for an injected random source, that no pooled connection is left
in use, and that no canary secret reaches a log record (httpx and httpcore included)
or an error message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from qsmith.runtime.errors import EventStreamError, QsmithError, ServiceError
from qsmith.runtime.retry import RetryQuota, StandardRetryStrategy
from qsmith.runtime.transport import (
    ConnectionDroppedError,
    IdleTimeoutError,
    ReadTimeoutError,
    TransportConfig,
    build_async_client,
    build_sync_client,
)
from qsmith.testing import (
    FakeService,
    corrupt_crc,
    event_stream_response,
    json_response,
    reset_connection,
    server_error,
    slow_bytes,
    stall,
    stop_mid_stream,
    throttle,
)
from tests.runtime.resilience.events import encode_event
from tests.runtime.resilience.loop import CANARIES, Call, CallResult, call_async, call_sync
from tests.runtime.resilience.pool import busy_connections

OPERATION = "GenerateThing"
EVENTS = [encode_event("chunk", b'{"text":"one"}'), encode_event("chunk", b'{"text":"two"}')]
PAYLOADS = [b'{"text":"one"}', b'{"text":"two"}']
HIGH_LOAD = "Encountered unexpectedly high load when processing the request, please try again."


@dataclass(frozen=True)
class Case:
    name: str
    script: Callable[[FakeService], None]
    attempts: int
    error: type[QsmithError] | None = None  # None: the call succeeds
    streaming: bool = False
    service: str = "fake"
    quota: int = 500
    config: dict[str, float] = field(default_factory=dict)
    delivered: int | None = None  # events handed to the caller, for streams
    delays: list[float] | None = None  # expected backoff before each retry


def faults(step: object, times: int, then: object | None = None) -> Callable[[FakeService], None]:
    def script(fake: FakeService) -> None:
        fake.inject(OPERATION, step, times=times)  # type: ignore[arg-type]
        if then is not None:
            fake.set_default(OPERATION, then)  # type: ignore[arg-type]

    return script


OK = json_response({"ok": True})
STREAM = event_stream_response(EVENTS)

CASES = [
    Case("throttle twice then succeed", faults(throttle(), 2, OK), 3, delays=[0.5, 1.0]),
    Case("throttle on every attempt", faults(throttle(), 3), 3, ServiceError),
    Case("429 without a code", faults(throttle(code="Whatever"), 1, OK), 2),
    Case(
        "Q monthly quota is never retried",
        faults(throttle(reason="MONTHLY_REQUEST_COUNT"), 1, OK),
        1,
        ServiceError,
        service="codewhisperer",
    ),
    Case(
        "Q model capacity is retried",
        faults(throttle(status=400, code="Foo", reason="INSUFFICIENT_MODEL_CAPACITY"), 1, OK),
        2,
        service="codewhisperer",
    ),
    Case(
        "Q high load 500 is retried as throttling",
        faults(server_error(500, "InternalServerException", HIGH_LOAD), 1, OK),
        2,
        service="codewhisperer",
    ),
    Case("503 on every attempt", faults(server_error(503), 3), 3, ServiceError),
    Case("501 is not retried", faults(server_error(501), 1, OK), 1, ServiceError),
    Case("reset once then succeed", faults(reset_connection(), 1, OK), 2),
    Case("reset on every attempt", faults(reset_connection(), 3), 3, ConnectionDroppedError),
    Case(
        "stall past the read timeout",
        faults(stall(3.0), 3),
        3,
        ReadTimeoutError,
        config={"read_timeout": 0.2},
    ),
    Case("stall once then succeed", faults(stall(3.0), 1, OK), 2, config={"read_timeout": 0.2}),
    Case(
        "slow bytes within the timeouts",
        faults(slow_bytes(b'{"ok": true, "padding": "xxxxxxxx"}', chunk_size=4, delay=0.002), 1),
        1,
    ),
    Case(
        "stream dropped before its first event is retried",
        faults(stop_mid_stream(EVENTS, after=0), 1, STREAM),
        2,
        streaming=True,
        delivered=2,
    ),
    Case(
        "stream dropped after its first event is not retried",
        faults(stop_mid_stream(EVENTS, after=1), 1, STREAM),
        1,
        ConnectionDroppedError,
        streaming=True,
        delivered=1,
    ),
    Case(
        "corrupt CRC in the first message",
        faults(corrupt_crc(EVENTS, message=0), 1, STREAM),
        1,
        EventStreamError,
        streaming=True,
        delivered=0,
    ),
    Case(
        "corrupt CRC in the second message",
        faults(corrupt_crc(EVENTS, message=1), 1, STREAM),
        1,
        EventStreamError,
        streaming=True,
        delivered=1,
    ),
    Case(
        "slow stream past the idle timeout",
        faults(event_stream_response(EVENTS, chunk_delay=1.0), 3),
        3,
        IdleTimeoutError,
        streaming=True,
        config={"idle_timeout": 0.15},
        delivered=0,
    ),
    Case("drained retry quota stops retries", faults(throttle(), 3), 2, ServiceError, quota=5),
    Case(
        "x-amz-retry-after is honoured within bounds",
        faults(throttle(retry_after_ms=1500), 1, OK),
        2,
        delays=[1.5],
    ),
    Case(
        "x-amz-retry-after beyond the bound is capped",
        faults(throttle(retry_after_ms=60_000), 1, OK),
        2,
        delays=[5.5],
    ),
]


def _make_call(fake: FakeService, case: Case) -> Call:
    strategy = StandardRetryStrategy(
        max_attempts=3, quota=RetryQuota(case.quota), random=lambda: 0.5
    )
    config = TransportConfig(trust_env=False, **case.config)  # type: ignore[arg-type]
    return Call(
        url=fake.url,
        operation=OPERATION,
        strategy=strategy,
        config=config,
        service=case.service,
        streaming=case.streaming,
    )


def _check(
    case: Case,
    fake: FakeService,
    call: Call,
    outcome: CallResult | BaseException,
    logs: pytest.LogCaptureFixture,
) -> None:
    assert fake.attempts(OPERATION) == case.attempts
    headers = [r.header("amz-sdk-request") for r in fake.calls(OPERATION)]
    assert headers == [f"attempt={n}; max=3" for n in range(1, case.attempts + 1)]
    if case.error is None:
        assert isinstance(outcome, CallResult), outcome
        if case.streaming:
            assert outcome.events == PAYLOADS
    else:
        assert isinstance(outcome, case.error), repr(outcome)
        assert not isinstance(outcome, ServiceError) or outcome.request_id
        for canary in CANARIES:
            assert canary not in str(outcome)
    if case.delivered is not None:
        assert call.delivered == PAYLOADS[: case.delivered]
    retry_delays = call.sleeps[1:]
    assert len(retry_delays) == case.attempts - 1
    if case.delays is not None:
        assert retry_delays == pytest.approx(case.delays)
    for number, delay in enumerate(retry_delays, start=1):
        assert 0 <= delay <= min(2 ** (number - 1), 20) + 5
    assert logs.records, "httpx should have logged the requests"
    for record in logs.records:
        text = record.getMessage()
        for canary in CANARIES:
            assert canary not in text, (record.name, text)


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[FakeService]:
    # One server for the module (starting and stopping one costs about half a second).
    with FakeService("awsJson1_0", target_prefix="FakeService") as fake:
        yield fake


@pytest.fixture
def fake(shared_fake: FakeService) -> Iterator[FakeService]:
    shared_fake.reset()
    yield shared_fake
    shared_fake.reset()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_sync(case: Case, fake: FakeService, redacted_logs: pytest.LogCaptureFixture) -> None:
    case.script(fake)
    call = _make_call(fake, case)
    with build_sync_client(call.config) as client:
        outcome: CallResult | BaseException
        try:
            outcome = call_sync(client, call)
        except QsmithError as error:
            outcome = error
        assert busy_connections(client) == 0
    _check(case, fake, call, outcome, redacted_logs)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fault_async(
    case: Case, fake: FakeService, redacted_logs: pytest.LogCaptureFixture
) -> None:
    case.script(fake)
    call = _make_call(fake, case)
    async with build_async_client(call.config) as client:
        outcome: CallResult | BaseException
        try:
            outcome = await call_async(client, call)
        except QsmithError as error:
            outcome = error
        assert busy_connections(client) == 0
    _check(case, fake, call, outcome, redacted_logs)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_connection_refused_is_retried_then_raised(
    mode: str, redacted_logs: pytest.LogCaptureFixture
) -> None:
    from qsmith.runtime.transport import ConnectionFailedError
    from qsmith.testing import LoopbackServer

    with LoopbackServer() as server:
        url = server.url  # the port is closed once the server stops
    strategy = StandardRetryStrategy(max_attempts=3, random=lambda: 0.0)
    config = TransportConfig(trust_env=False)
    call = Call(url=url, operation=OPERATION, strategy=strategy, config=config)
    with pytest.raises(ConnectionFailedError) as caught:
        if mode == "sync":
            with build_sync_client(call.config) as client:
                call_sync(client, call)
        else:
            async with build_async_client(call.config) as aclient:
                await call_async(aclient, call)
    assert len(call.sleeps) == 3  # the initial token and two retries
    assert OPERATION in str(caught.value)
    for canary in CANARIES:
        assert canary not in str(caught.value)
        assert all(canary not in r.getMessage() for r in redacted_logs.records)


def test_without_redaction_the_canaries_do_reach_httpx_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The guard above can fail: unfiltered, httpx logs the presigned URL's signature."""
    caplog.set_level("DEBUG")
    with FakeService("awsJson1_0") as fake:
        fake.set_default(OPERATION, OK)
        call = Call(
            url=fake.url,
            operation=OPERATION,
            strategy=StandardRetryStrategy(),
            config=TransportConfig(trust_env=False),
        )
        with httpx.Client(trust_env=False) as client:
            call_sync(client, call)
    assert any(CANARIES[0] in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_adaptive_mode_through_the_loop_waits_at_least_the_backoff(
    mode: str, fake: FakeService, redacted_logs: pytest.LogCaptureFixture
) -> None:
    from qsmith.runtime.retry import AdaptiveRetryStrategy

    fake.inject(OPERATION, throttle(), times=2)
    fake.set_default(OPERATION, OK)
    strategy = AdaptiveRetryStrategy(max_attempts=3, random=lambda: 0.5)
    call = Call(
        url=fake.url,
        operation=OPERATION,
        strategy=strategy,
        config=TransportConfig(trust_env=False),
    )
    if mode == "sync":
        with build_sync_client(call.config) as client:
            result = call_sync(client, call)
            assert busy_connections(client) == 0
    else:
        async with build_async_client(call.config) as aclient:
            result = await call_async(aclient, call)
            assert busy_connections(aclient) == 0
    assert result.status == 200 and fake.attempts(OPERATION) == 3
    assert strategy.limiter.enabled
    # Each retry waits its backoff plus the rate limiter's queue (0.5 tokens/s floor).
    assert call.sleeps[0] == 0.0
    assert call.sleeps[1] >= 0.5 and call.sleeps[2] >= 1.0
    assert call.sleeps[2] > call.sleeps[1]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_whole_call_deadline_cuts_retries_short(
    mode: str, fake: FakeService, redacted_logs: pytest.LogCaptureFixture
) -> None:
    import time

    from qsmith.runtime.transport import CallTimeoutError, Deadline

    fake.inject(OPERATION, stall(3.0), times=3)
    config = TransportConfig(trust_env=False, read_timeout=0.3)
    call = Call(
        url=fake.url,
        operation=OPERATION,
        strategy=StandardRetryStrategy(max_attempts=3, random=lambda: 0.0),
        config=config,
        deadline=Deadline(0.5),
    )
    started = time.monotonic()
    with pytest.raises(CallTimeoutError, match=OPERATION):
        if mode == "sync":
            with build_sync_client(config) as client:
                call_sync(client, call)
        else:
            async with build_async_client(config) as aclient:
                await call_async(aclient, call)
    # Three full read timeouts would take 0.9 s; the deadline stops the call before that.
    assert fake.attempts(OPERATION) < 3
    assert time.monotonic() - started < 0.85

"""The pool's choice of login, its cool-downs, and when it may retry on another login."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from qsmith.gateway.backend import (
    BackendEvent,
    Message,
    TextDelta,
    TextPart,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.errors import (
    BadRequestError,
    LoginRequiredError,
    OverloadedError,
    ThrottledError,
)
from qsmith.pool.pooled import NoLoginAvailableError, PooledBackend
from qsmith.pool.sqlite_store import SqliteStateStore
from qsmith.pool.state import CooldownPolicy, StateStore
from qsmith.pool.usage import CURRENT_KEY, utc_day
from tests.pool.scripted import FakeClock, ScriptedBackend, answer, fail, login

REQUEST = TurnRequest("claude-sonnet-4", (Message("user", (TextPart("hi"),)),))
POLICY = CooldownPolicy(base=10.0, ceiling=40.0)


def pool(
    tmp_path: Path, *backends: ScriptedBackend, strategy: str = "priority"
) -> tuple[PooledBackend, FakeClock]:
    clock = FakeClock()
    logins = [login(f"login-{i}", b, priority=i) for i, b in enumerate(backends)]
    store = SqliteStateStore(tmp_path / "state.sqlite3")
    return PooledBackend(logins, store, strategy=strategy, cooldown=POLICY, clock=clock), clock


async def run(backend: PooledBackend) -> list[BackendEvent]:
    async with contextlib.aclosing(backend.stream_turn(REQUEST)) as events:
        return [event async for event in events]


async def test_priority_uses_the_first_login_while_it_answers(tmp_path: Path) -> None:
    first, second = ScriptedBackend(), ScriptedBackend()
    backend, _ = pool(tmp_path, first, second)
    for _ in range(3):
        assert isinstance((await run(backend))[-1], TurnEnd)
    assert (first.calls, second.calls) == (3, 0)


async def test_round_robin_alternates(tmp_path: Path) -> None:
    first, second = ScriptedBackend(), ScriptedBackend()
    backend, _ = pool(tmp_path, first, second, strategy="round-robin")
    for _ in range(4):
        await run(backend)
    assert (first.calls, second.calls) == (2, 2)


@pytest.mark.parametrize(
    "error",
    [
        ThrottledError("Amazon Q is throttling requests (MONTHLY_REQUEST_COUNT: quota)"),
        OverloadedError("the model is overloaded (INSUFFICIENT_MODEL_CAPACITY)"),
    ],
)
async def test_throttled_before_any_byte_fails_over_and_cools_down(
    tmp_path: Path, error: ThrottledError
) -> None:
    first, second = ScriptedBackend(scripts=[fail(error)]), ScriptedBackend()
    backend, clock = pool(tmp_path, first, second)
    events = await run(backend)
    assert events[0] == TextDelta("hello") and (first.calls, second.calls) == (1, 1)
    health = backend.state.health("login-0")
    assert (health.strikes, health.cooldown_until) == (1, clock.now + 10.0)
    failure = backend.state.failures()[0]
    assert (failure.login, failure.kind) == ("login-0", type(error).__name__)


async def test_cooldown_grows_with_repeats_and_recovery_resets_it(tmp_path: Path) -> None:
    throttled = fail(ThrottledError("throttled"))
    first = ScriptedBackend(scripts=[throttled, throttled])
    second = ScriptedBackend()
    backend, clock = pool(tmp_path, first, second)

    await run(backend)  # strike 1: 10 s
    clock.advance(9.9)
    await run(backend)
    assert first.calls == 1  # still resting: not even tried
    clock.advance(0.1)
    await run(backend)  # tried again, strike 2: 20 s
    assert first.calls == 2 and backend.state.health("login-0").strikes == 2
    clock.advance(19.0)
    await run(backend)
    assert first.calls == 2
    clock.advance(1.0)
    await run(backend)  # answers: recovered
    assert first.calls == 3 and second.calls == 4
    assert backend.state.health("login-0").strikes == 0
    assert [v.state for v in backend.views()] == ["ready", "ready"]


async def test_a_failure_after_the_first_byte_is_not_retried(tmp_path: Path) -> None:
    first = ScriptedBackend(scripts=[fail(ThrottledError("late"), TextDelta("par"))])
    second = ScriptedBackend()
    backend, _ = pool(tmp_path, first, second)
    received: list[BackendEvent] = []
    with pytest.raises(ThrottledError, match="late"):
        async with contextlib.aclosing(backend.stream_turn(REQUEST)) as events:
            async for event in events:
                received.append(event)
    assert received == [TextDelta("par")] and second.calls == 0


async def test_a_login_whose_identity_is_gone_is_disabled(tmp_path: Path) -> None:
    gone = LoginRequiredError("TokenRefreshError invalid_grant")
    first, second = ScriptedBackend(scripts=[fail(gone)]), ScriptedBackend()
    backend, clock = pool(tmp_path, first, second)
    await run(backend)
    clock.advance(1e6)
    await run(backend)
    assert (first.calls, second.calls) == (1, 2)
    health = backend.state.health("login-0")
    assert health.disabled and "invalid_grant" in (health.reason or "")
    assert [v.state for v in backend.views()] == ["disabled", "ready"]


async def test_errors_that_any_login_would_get_are_not_retried(tmp_path: Path) -> None:
    first = ScriptedBackend(scripts=[fail(BadRequestError("bad", param="messages"))])
    second = ScriptedBackend()
    backend, _ = pool(tmp_path, first, second)
    with pytest.raises(BadRequestError):
        await run(backend)
    assert second.calls == 0


async def test_every_login_resting_is_a_429_with_the_wait(tmp_path: Path) -> None:
    throttled = fail(ThrottledError("throttled"))
    first, second = ScriptedBackend(default=throttled), ScriptedBackend(default=throttled)
    backend, clock = pool(tmp_path, first, second)
    with pytest.raises(ThrottledError):
        await run(backend)
    clock.advance(4.0)
    with pytest.raises(NoLoginAvailableError) as caught:
        await run(backend)
    assert caught.value.retry_after == pytest.approx(6.0)
    assert (first.calls, second.calls) == (1, 1)


async def test_usage_is_recorded_per_login_and_per_key(tmp_path: Path) -> None:
    backend, clock = pool(
        tmp_path, ScriptedBackend(default=answer(usage=Usage(10, 4, cache_read_input_tokens=3)))
    )
    token = CURRENT_KEY.set("k1")
    try:
        await run(backend)
        await run(backend)
    finally:
        CURRENT_KEY.reset(token)
    day = utc_day(clock.now)
    for scope in ("login:login-0", "key:k1"):
        assert backend.state.usage(scope, day) == {
            "requests": 2,
            "input_tokens": 20,
            "output_tokens": 8,
            "cached_tokens": 6,
        }


async def test_two_replicas_on_one_store_share_cooldowns(store: StateStore) -> None:
    clock = FakeClock()
    throttled = fail(ThrottledError("throttled"))
    a_first, a_second = ScriptedBackend(scripts=[throttled]), ScriptedBackend()
    b_first, b_second = ScriptedBackend(), ScriptedBackend()

    def replica(first: ScriptedBackend, second: ScriptedBackend) -> PooledBackend:
        logins = [login("login-0", first, 0), login("login-1", second, 1)]
        return PooledBackend(logins, store, cooldown=POLICY, clock=clock)

    await run(replica(a_first, a_second))
    await run(replica(b_first, b_second))  # the other replica sees login-0 resting
    assert (b_first.calls, b_second.calls) == (0, 1)

"""Adaptive mode: the CUBIC curve, the measured send rate and the client-side bucket."""

from __future__ import annotations

import pytest

from qsmith.runtime.retry import (
    AdaptiveRetryStrategy,
    ClientRateLimiter,
    ErrorKind,
    NoRetryError,
    RetryErrorInfo,
)
from qsmith.runtime.retry.adaptive import CubicRate, SendRateMeter

THROTTLE = RetryErrorInfo(kind=ErrorKind.THROTTLING, code="ThrottlingException")
TRANSIENT = RetryErrorInfo(kind=ErrorKind.TRANSIENT, http_status=503)


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_cubic_cuts_to_beta_and_recovers_to_the_old_maximum_after_k() -> None:
    cubic = CubicRate(start_time=0.0)
    assert cubic.after_throttle(10.0, now=0.0) == pytest.approx(7.0)
    k = (10.0 * 0.3 / 0.4) ** (1 / 3)
    assert cubic.after_success(k) == pytest.approx(10.0)
    assert cubic.after_success(k / 2) < 10.0 < cubic.after_success(k + 1)
    assert cubic.after_success(0.0) == pytest.approx(7.0)


def test_meter_converges_on_the_real_sending_rate() -> None:
    meter = SendRateMeter()
    for i in range(100):  # 10 requests per second for 10 seconds
        meter.record(1000.0 + i * 0.1)
    assert meter.rate == pytest.approx(10.0, rel=0.05)


def test_nothing_is_limited_before_the_first_throttle() -> None:
    clock = FakeClock()
    strategy = AdaptiveRetryStrategy(clock=clock, random=lambda: 0.0)
    for _ in range(20):
        token = strategy.acquire_initial_token()
        assert token.delay == 0.0
        strategy.record_success(token)
    assert not strategy.limiter.enabled


def test_after_a_throttle_sends_are_spaced_by_the_fill_rate() -> None:
    clock = FakeClock()
    strategy = AdaptiveRetryStrategy(clock=clock, random=lambda: 0.0)
    token = strategy.acquire_initial_token()
    with pytest.raises(NoRetryError):
        strategy.refresh_token_for_retry(token, RetryErrorInfo(kind=ErrorKind.NOT_RETRYABLE))
    strategy.refresh_token_for_retry(strategy.acquire_initial_token(), THROTTLE)
    assert strategy.limiter.enabled
    assert strategy.limiter.fill_rate == 0.5  # the floor: nothing measured yet
    # The retry took the first token; each further send at the same instant waits 2 s more.
    delays = [strategy.acquire_initial_token().delay for _ in range(3)]
    assert delays == pytest.approx([4.0, 6.0, 8.0])


def test_throttling_cuts_the_rate_to_beta_times_the_measured_rate() -> None:
    clock = FakeClock()
    limiter = ClientRateLimiter(now=clock())
    for _ in range(50):  # 10 requests per second for 5 seconds
        clock.now += 0.1
        limiter.on_response(throttled=False, now=clock())
    measured = limiter.meter.rate
    assert measured == pytest.approx(10.0, rel=0.1)
    clock.now += 0.1
    limiter.on_response(throttled=True, now=clock())
    assert limiter.enabled
    assert limiter.fill_rate == pytest.approx(0.7 * limiter.cubic.last_max_rate)
    assert limiter.cubic.last_max_rate == pytest.approx(measured, rel=0.1)


def test_the_rate_grows_back_after_throttling_but_not_above_twice_the_measured_rate() -> None:
    clock = FakeClock()
    limiter = ClientRateLimiter(now=clock())
    for _ in range(50):
        clock.now += 0.1
        limiter.on_response(throttled=False, now=clock())
    limiter.on_response(throttled=True, now=clock())
    after_throttle = limiter.fill_rate
    rates = []
    for _ in range(40):  # keep sending at 10 per second while recovering
        clock.now += 0.1
        limiter.on_response(throttled=False, now=clock())
        rates.append(limiter.fill_rate)
        assert limiter.fill_rate <= 2 * limiter.meter.rate + 1e-9
    assert rates[-1] > after_throttle


def test_adaptive_retries_wait_for_backoff_then_a_token() -> None:
    clock = FakeClock()
    strategy = AdaptiveRetryStrategy(max_attempts=3, clock=clock, random=lambda: 1.0)
    token = strategy.refresh_token_for_retry(strategy.acquire_initial_token(), THROTTLE)
    # Backoff 1 s; the bucket (0.5 tokens/s, empty) has half a token by then: wait 1 s more.
    assert token.delay == pytest.approx(2.0)
    token = strategy.refresh_token_for_retry(token, TRANSIENT)
    assert token.delay > 2.0  # backoff 2 s plus the queue behind the previous reservation

"""The standard retry mode, driven directly with an injected random source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry import (
    ErrorKind,
    NoRetryError,
    NoRetryReason,
    RetryErrorInfo,
    RetryQuota,
    StandardRetryStrategy,
)

THROTTLE = RetryErrorInfo(kind=ErrorKind.THROTTLING, code="ThrottlingException")
TRANSIENT = RetryErrorInfo(kind=ErrorKind.TRANSIENT, http_status=503)
TIMEOUT = RetryErrorInfo(kind=ErrorKind.TIMEOUT)
FINAL = RetryErrorInfo(kind=ErrorKind.NOT_RETRYABLE, http_status=400)


def attempts_until_refused(strategy: StandardRetryStrategy, info: RetryErrorInfo) -> int:
    token = strategy.acquire_initial_token()
    while True:
        try:
            token = strategy.refresh_token_for_retry(token, info)
        except NoRetryError:
            return token.attempt


@pytest.mark.parametrize("max_attempts", [1, 2, 3, 5, 10])
def test_attempt_count_is_max_attempts(max_attempts: int) -> None:
    strategy = StandardRetryStrategy(max_attempts=max_attempts, random=lambda: 0.0)
    assert attempts_until_refused(strategy, TRANSIENT) == max_attempts


def test_default_is_three_attempts_and_the_refusal_says_why() -> None:
    strategy = StandardRetryStrategy(random=lambda: 0.0)
    token = strategy.acquire_initial_token()
    token = strategy.refresh_token_for_retry(token, THROTTLE)
    token = strategy.refresh_token_for_retry(token, THROTTLE)
    with pytest.raises(NoRetryError) as caught:
        strategy.refresh_token_for_retry(token, THROTTLE)
    assert caught.value.reason is NoRetryReason.MAX_ATTEMPTS
    assert caught.value.attempts == 3
    assert "ThrottlingException" in str(caught.value)


def test_a_non_retryable_error_is_refused_at_once() -> None:
    strategy = StandardRetryStrategy()
    with pytest.raises(NoRetryError) as caught:
        strategy.refresh_token_for_retry(strategy.acquire_initial_token(), FINAL)
    assert caught.value.reason is NoRetryReason.NOT_RETRYABLE
    assert strategy.quota.available == 500


def test_backoff_doubles_from_one_second_and_caps_at_twenty() -> None:
    strategy = StandardRetryStrategy(max_attempts=10, random=lambda: 1.0)
    token = strategy.acquire_initial_token()
    delays = []
    for _ in range(9):
        token = strategy.refresh_token_for_retry(token, TRANSIENT)
        delays.append(token.delay)
    assert delays == [1, 2, 4, 8, 16, 20, 20, 20, 20]


@settings(max_examples=50)
@given(st.floats(min_value=0.0, max_value=0.999999), st.integers(min_value=1, max_value=12))
def test_backoff_is_full_jitter_within_its_bounds(jitter: float, retry: int) -> None:
    strategy = StandardRetryStrategy(random=lambda: jitter)
    ceiling = min(2.0 ** (retry - 1), 20.0)
    assert strategy.backoff(retry) == pytest.approx(jitter * ceiling)
    assert 0.0 <= strategy.backoff(retry) < ceiling


def test_quota_costs_five_per_retry_and_ten_per_timeout() -> None:
    strategy = StandardRetryStrategy(max_attempts=5)
    token = strategy.refresh_token_for_retry(strategy.acquire_initial_token(), TRANSIENT)
    assert strategy.quota.available == 495 and token.retry_cost == 5
    token = strategy.refresh_token_for_retry(token, TIMEOUT)
    assert strategy.quota.available == 485 and token.retry_cost == 10


def test_success_refunds_the_last_retry_cost_or_adds_one_capped_at_capacity() -> None:
    strategy = StandardRetryStrategy(quota=RetryQuota(500))
    token = strategy.refresh_token_for_retry(strategy.acquire_initial_token(), TIMEOUT)
    assert strategy.quota.available == 490
    strategy.record_success(token)
    assert strategy.quota.available == 500
    strategy.record_success(strategy.acquire_initial_token())
    assert strategy.quota.available == 500  # never above capacity
    strategy.quota.acquire(7)
    strategy.record_success(strategy.acquire_initial_token())
    assert strategy.quota.available == 494


def test_a_drained_quota_stops_retries() -> None:
    quota = RetryQuota(500)
    strategy = StandardRetryStrategy(max_attempts=1000, quota=quota, random=lambda: 0.0)
    attempts = attempts_until_refused(strategy, TRANSIENT)
    assert attempts == 101  # 100 retries of cost 5 drain 500 tokens
    assert quota.available == 0
    with pytest.raises(NoRetryError) as caught:
        strategy.refresh_token_for_retry(strategy.acquire_initial_token(), TRANSIENT)
    assert caught.value.reason is NoRetryReason.QUOTA_EXHAUSTED


def test_timeouts_drain_the_quota_twice_as_fast() -> None:
    strategy = StandardRetryStrategy(max_attempts=1000, random=lambda: 0.0)
    assert attempts_until_refused(strategy, TIMEOUT) == 51


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(None, 0.5), (0.0, 0.5), (0.2, 0.5), (1.5, 1.5), (5.5, 5.5), (60.0, 5.5)],
)
def test_retry_after_is_honoured_between_backoff_and_backoff_plus_five(
    retry_after: float | None, expected: float
) -> None:
    strategy = StandardRetryStrategy(random=lambda: 0.5)
    info = RetryErrorInfo(kind=ErrorKind.THROTTLING, retry_after=retry_after)
    token = strategy.refresh_token_for_retry(strategy.acquire_initial_token(), info)
    assert token.delay == pytest.approx(expected)


def test_sdk_request_header_counts_attempts() -> None:
    strategy = StandardRetryStrategy(max_attempts=4, random=lambda: 0.0)
    token = strategy.acquire_initial_token()
    seen = [token.sdk_request_header]
    for _ in range(3):
        token = strategy.refresh_token_for_retry(token, TRANSIENT)
        seen.append(token.sdk_request_header)
    assert seen == [f"attempt={n}; max=4" for n in (1, 2, 3, 4)]


def test_no_retry_once_the_first_event_reached_the_caller() -> None:
    strategy = StandardRetryStrategy()
    token = strategy.acquire_initial_token()
    token.mark_first_event_delivered()
    with pytest.raises(NoRetryError) as caught:
        strategy.refresh_token_for_retry(token, TRANSIENT)
    assert caught.value.reason is NoRetryReason.STREAM_STARTED
    assert strategy.quota.available == 500


def test_max_attempts_below_one_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        StandardRetryStrategy(max_attempts=0)

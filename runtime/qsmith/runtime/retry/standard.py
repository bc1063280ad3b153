"""The AWS "standard" retry mode as a sans-I/O policy object.

The caller drives it:

    token = strategy.acquire_initial_token()       # sleep token.delay, then send
    ... on a retryable failure:
    token = strategy.refresh_token_for_retry(token, info)  # raises NoRetryError
    ... sleep token.delay, send again; on success:
    strategy.record_success(token)

Delays are in seconds. The strategy never sleeps and never reads the wall clock
except through the injected ``clock``; ``random`` supplies the jitter in [0, 1).
"""

from __future__ import annotations

import enum
import random as _random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from qsmith.runtime.errors import ConfigError, QsmithError
from qsmith.runtime.retry.classify import ErrorKind, RetryErrorInfo

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "NoRetryError",
    "NoRetryReason",
    "RetryQuota",
    "RetryToken",
    "StandardRetryStrategy",
]

DEFAULT_MAX_ATTEMPTS = 3
BACKOFF_BASE = 1.0  # seconds; the first retry waits up to this long
MAX_BACKOFF = 20.0  # seconds; no computed backoff exceeds this
INITIAL_QUOTA = 500
RETRY_COST = 5
TIMEOUT_RETRY_COST = 10
NO_RETRY_INCREMENT = 1  # a first-try success refills the quota a little
# A service's x-amz-retry-after is honoured only within [backoff, backoff + this].
MAX_RETRY_AFTER_EXTRA = 5.0

Clock = Callable[[], float]
RandomSource = Callable[[], float]


class NoRetryReason(enum.Enum):
    NOT_RETRYABLE = "the error is not retryable"
    MAX_ATTEMPTS = "the maximum number of attempts was reached"
    QUOTA_EXHAUSTED = "the retry quota is exhausted"
    STREAM_STARTED = "events of the stream already reached the caller"


class NoRetryError(QsmithError):
    """The strategy refuses another attempt; the caller raises the attempt's own error."""

    def __init__(self, reason: NoRetryReason, info: RetryErrorInfo, attempts: int) -> None:
        self.reason = reason
        self.info = info
        self.attempts = attempts
        what = info.description or info.code or f"the {info.kind.value} error"
        super().__init__(f"not retrying {what} after {attempts} attempt(s): {reason.value}")


@dataclass(slots=True)
class RetryToken:
    """One call's retry state: which attempt comes next and how long to wait first."""

    attempt: int  # 1 for the first attempt
    max_attempts: int
    delay: float = 0.0
    retry_cost: int = 0  # quota held by the latest retry, refunded on success
    first_event_delivered: bool = False

    def mark_first_event_delivered(self) -> None:
        """A streaming call handed an event to the caller: from now on, never retry."""
        self.first_event_delivered = True

    @property
    def sdk_request_header(self) -> str:
        """The value of the ``amz-sdk-request`` header for this attempt."""
        return f"attempt={self.attempt}; max={self.max_attempts}"


class RetryQuota:
    """The token bucket that stops retry storms: retries spend, successes refund."""

    def __init__(self, capacity: int = INITIAL_QUOTA) -> None:
        self.capacity = capacity
        self._available = capacity
        self._lock = threading.Lock()

    @property
    def available(self) -> int:
        return self._available

    def acquire(self, cost: int) -> bool:
        with self._lock:
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def release(self, amount: int) -> None:
        with self._lock:
            self._available = min(self.capacity, self._available + amount)


class StandardRetryStrategy:
    """Standard mode: capped exponential backoff with full jitter and a retry quota."""

    mode = "standard"

    def __init__(
        self,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        quota: RetryQuota | None = None,
        backoff_base: float = BACKOFF_BASE,
        max_backoff: float = MAX_BACKOFF,
        clock: Clock = time.monotonic,
        random: RandomSource = _random.random,
    ) -> None:
        if max_attempts < 1:
            raise ConfigError(f"max_attempts must be at least 1, got {max_attempts}")
        self.max_attempts = max_attempts
        self.quota = quota if quota is not None else RetryQuota()
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.clock = clock
        self.random = random

    def acquire_initial_token(self) -> RetryToken:
        return RetryToken(attempt=1, max_attempts=self.max_attempts)

    def refresh_token_for_retry(self, token: RetryToken, info: RetryErrorInfo) -> RetryToken:
        """The token for the next attempt, or NoRetryError saying why there is none."""
        self._observe_failure(info)
        reason = self._refusal(token, info)
        if reason is not None:
            raise NoRetryError(reason, info, token.attempt)
        cost = TIMEOUT_RETRY_COST if info.kind is ErrorKind.TIMEOUT else RETRY_COST
        if not self.quota.acquire(cost):
            raise NoRetryError(NoRetryReason.QUOTA_EXHAUSTED, info, token.attempt)
        delay = self._delay(token.attempt, info)
        return RetryToken(
            attempt=token.attempt + 1,
            max_attempts=token.max_attempts,
            delay=delay + self._send_delay(delay),
            retry_cost=cost,
        )

    def record_success(self, token: RetryToken) -> None:
        self.quota.release(token.retry_cost if token.retry_cost else NO_RETRY_INCREMENT)
        self._observe_success()

    def backoff(self, retry_number: int) -> float:
        """Full-jitter backoff before retry number ``retry_number`` (1 = first retry)."""
        ceiling = min(self.backoff_base * 2.0 ** (retry_number - 1), self.max_backoff)
        return self.random() * ceiling

    def _refusal(self, token: RetryToken, info: RetryErrorInfo) -> NoRetryReason | None:
        if token.first_event_delivered:
            return NoRetryReason.STREAM_STARTED
        if not info.is_retryable:
            return NoRetryReason.NOT_RETRYABLE
        if token.attempt >= token.max_attempts:
            return NoRetryReason.MAX_ATTEMPTS
        return None

    def _delay(self, attempt: int, info: RetryErrorInfo) -> float:
        computed = self.backoff(attempt)
        if info.retry_after is None:
            return computed
        return min(max(info.retry_after, computed), computed + MAX_RETRY_AFTER_EXTRA)

    # Hooks for the adaptive mode's client-side rate limiter.
    def _observe_failure(self, info: RetryErrorInfo) -> None:
        return None

    def _observe_success(self) -> None:
        return None

    def _send_delay(self, backoff: float) -> float:
        return 0.0

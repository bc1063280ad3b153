"""The AWS "adaptive" retry mode: standard mode plus client-side rate limiting.

After the first throttling response, every attempt must take a token from a bucket
whose fill rate follows a CUBIC curve: cut to ``BETA`` times the measured sending rate
on throttling, then grown back as a cubic function of the time since that throttle
(and never above twice the measured rate). The bucket is sans-I/O: taking a token
returns how long the caller must wait, letting the balance go negative so concurrent
callers queue behind each other instead of racing.
"""

from __future__ import annotations

import math
import random as _random
import threading
import time

from qsmith.runtime.retry.classify import RetryErrorInfo
from qsmith.runtime.retry.standard import (
    DEFAULT_MAX_ATTEMPTS,
    Clock,
    RandomSource,
    RetryQuota,
    RetryToken,
    StandardRetryStrategy,
)

__all__ = ["AdaptiveRetryStrategy", "ClientRateLimiter", "CubicRate", "SendRateMeter"]

BETA = 0.7  # multiplicative decrease on throttling
SCALE = 0.4  # the cubic's scale constant
MIN_FILL_RATE = 0.5  # requests per second; the bucket never fills slower
MIN_CAPACITY = 1.0
SMOOTHING = 0.8  # weight of the newest sample in the measured send rate
METER_BUCKET = 0.5  # seconds per measurement bucket


class CubicRate:
    """The CUBIC rate curve: where the fill rate should be at a time since the last throttle."""

    def __init__(self, *, start_time: float, starting_max_rate: float = MIN_FILL_RATE) -> None:
        self.last_max_rate = starting_max_rate
        self.last_throttle_time = start_time
        self._k = self._time_to_recover()

    def _time_to_recover(self) -> float:
        return math.pow(self.last_max_rate * (1 - BETA) / SCALE, 1 / 3)

    def after_success(self, now: float) -> float:
        elapsed = now - self.last_throttle_time
        return SCALE * math.pow(elapsed - self._k, 3) + self.last_max_rate

    def after_throttle(self, rate: float, now: float) -> float:
        self.last_max_rate = rate
        self.last_throttle_time = now
        self._k = self._time_to_recover()
        return rate * BETA


class SendRateMeter:
    """A smoothed measure of how many requests per second this client completes."""

    def __init__(self) -> None:
        self.rate = 0.0
        self._count = 0
        self._last_bucket: float | None = None

    def record(self, now: float) -> float:
        bucket = math.floor(now / METER_BUCKET) * METER_BUCKET
        self._count += 1
        if self._last_bucket is None:
            self._last_bucket = bucket
        elif bucket > self._last_bucket:
            sample = self._count / (bucket - self._last_bucket)
            self.rate = sample * SMOOTHING + self.rate * (1 - SMOOTHING)
            self._count = 0
            self._last_bucket = bucket
        return self.rate


class ClientRateLimiter:
    """The token bucket plus the curve that sets its fill rate."""

    def __init__(self, *, now: float) -> None:
        self.enabled = False  # nothing is limited until the first throttle
        self.fill_rate = MIN_FILL_RATE
        self.tokens = 0.0
        self._last_refill = now
        self.meter = SendRateMeter()
        self.cubic = CubicRate(start_time=now)
        self._lock = threading.Lock()

    @property
    def capacity(self) -> float:
        return max(self.fill_rate, MIN_CAPACITY)

    def reserve(self, now: float) -> float:
        """Take one token; the seconds to wait before sending (0 when not limiting)."""
        with self._lock:
            if not self.enabled:
                return 0.0
            self._refill(now)
            self.tokens -= 1.0
            return 0.0 if self.tokens >= 0 else -self.tokens / self.fill_rate

    def on_response(self, *, throttled: bool, now: float) -> None:
        with self._lock:
            measured = self.meter.record(now)
            if throttled:
                current = min(measured, self.fill_rate) if self.enabled else measured
                new_rate = self.cubic.after_throttle(current, now)
                self.enabled = True
            else:
                new_rate = self.cubic.after_success(now)
            self._refill(now)
            self.fill_rate = max(min(new_rate, 2 * measured), MIN_FILL_RATE)
            self.tokens = min(self.tokens, self.capacity)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._last_refill)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.fill_rate)
        self._last_refill = now


class AdaptiveRetryStrategy(StandardRetryStrategy):
    """Standard retries whose every attempt also waits for the client-side rate limiter."""

    mode = "adaptive"

    def __init__(
        self,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        quota: RetryQuota | None = None,
        clock: Clock = time.monotonic,
        random: RandomSource = _random.random,
        limiter: ClientRateLimiter | None = None,
    ) -> None:
        super().__init__(max_attempts=max_attempts, quota=quota, clock=clock, random=random)
        self.limiter = limiter if limiter is not None else ClientRateLimiter(now=self.clock())

    def acquire_initial_token(self) -> RetryToken:
        token = super().acquire_initial_token()
        token.delay = self.limiter.reserve(self.clock())
        return token

    def _observe_failure(self, info: RetryErrorInfo) -> None:
        self.limiter.on_response(throttled=info.is_throttling, now=self.clock())

    def _observe_success(self) -> None:
        self.limiter.on_response(throttled=False, now=self.clock())

    def _send_delay(self, backoff: float) -> float:
        return self.limiter.reserve(self.clock() + backoff)

"""Gateway API keys from the state store: who may call, which models, and how often.

A key's secret is shown once when it is made and stored only as its SHA-256 digest, so
finding it is a lookup of the digest (no secret-dependent comparison); keys given on the
command line (``--api-key``) are compared in constant time and have no limits. A key may
list the models it may use and carry two limits: requests per minute (a sliding window,
counted atomically in the store, so it holds across replicas) and credits per day (UTC).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from qsmith.gateway.errors import ApiKeyError, ForbiddenError, ThrottledError
from qsmith.pool.state import ApiKey, StateStore
from qsmith.pool.usage import utc_day

__all__ = ["KeyGate", "KeyLimitError", "key_digest", "new_key"]

SECRET_PREFIX = "qsk-"
# How long "does the store hold any key?" is remembered (keys then become required).
ANY_KEY_TTL = 2.0


class KeyLimitError(ThrottledError):
    """The key is over one of its limits; ``retry_after`` seconds until it is not."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key(
    name: str | None = None,
    *,
    models: Iterable[str] = (),
    requests_per_minute: int | None = None,
    credits_per_day: float | None = None,
) -> tuple[str, ApiKey]:
    """A fresh secret and the record to store (the secret itself is never stored)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        f"key_{secrets.token_hex(6)}",
        key_digest(secret),
        name=name,
        models=tuple(models),
        requests_per_minute=requests_per_minute,
        credits_per_day=credits_per_day,
    )
    return secret, key


class KeyGate:
    """Checks a request's key and limits; ``static`` are the ``--api-key`` secrets."""

    def __init__(
        self,
        state: StateStore,
        static: Iterable[str] = (),
        *,
        clock: Callable[[], float] = time.time,
        remember: float = ANY_KEY_TTL,
    ) -> None:
        self.state = state
        self._remember = remember
        self._static = tuple(s.encode("utf-8") for s in static)
        self._clock = clock
        self._any_key: tuple[float, bool] = (float("-inf"), False)

    def required(self) -> bool:
        if self._static:
            return True
        checked_at, found = self._any_key
        now = time.monotonic()
        if now - checked_at >= self._remember:
            found = bool(self.state.keys())
            self._any_key = (now, found)
        return found

    def authenticate(self, presented: str | None) -> ApiKey | None:
        """The stored key presented, None for a ``--api-key`` one or when keys are off."""
        if not self.required():
            return None
        if presented is None:
            raise ApiKeyError("an API key is required (Authorization: Bearer or x-api-key)")
        given = presented.encode("utf-8")
        if any(hmac.compare_digest(given, s) for s in self._static):
            return None
        key = self.state.key_by_digest(key_digest(presented))
        if key is None or key.disabled:
            raise ApiKeyError("the API key is not valid")
        return key

    def admit(self, key: ApiKey, model: str | None) -> None:
        """Raise unless ``key`` may send one more request for ``model`` now."""
        label = key.name or key.id
        if model is not None and key.models and model not in key.models:
            raise ForbiddenError(f"the API key {label!r} may not use the model {model!r}")
        now = self._clock()
        if key.credits_per_day is not None:
            spent = self.state.usage(f"key:{key.id}", utc_day(now)).get("credits", 0.0)
            if spent >= key.credits_per_day:
                raise KeyLimitError(
                    f"the API key {label!r} has used its {key.credits_per_day:g} credits "
                    "for today (UTC)",
                    _until_midnight(now),
                )
        if key.requests_per_minute is not None:
            admission = self.state.admit(key.id, key.requests_per_minute, now)
            if not admission.allowed:
                raise KeyLimitError(
                    f"the API key {label!r} is limited to {key.requests_per_minute} requests "
                    f"per minute; retry in {admission.retry_after:.0f} s",
                    admission.retry_after,
                )


def _until_midnight(now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - moment).total_seconds()

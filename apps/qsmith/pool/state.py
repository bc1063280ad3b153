"""The team gateway's state store: one interface, what it holds, and how to open one.

Everything several ``qsmith serve`` replicas must agree on goes through ``StateStore``:
each login's health (disabled, cool-down, consecutive throttles), the API keys and their
limits, usage counters per key and per login, a lock with a lease and a fencing number
(single-flight token refresh), small shared values (the newest refreshed token), and the
recent failures. Every method is atomic on its own; times are wall-clock seconds passed in
by the caller, so tests drive them with a fake clock.

``SqliteStateStore`` (``qsmith.pool.sqlite_store``) is the default, on one host;
``RedisStateStore`` (``qsmith.pool.redis_store``) shares state between hosts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from qsmith.runtime.errors import ConfigError, QsmithError

__all__ = [
    "DEFAULT_COOLDOWN",
    "USAGE_FIELDS",
    "Admission",
    "ApiKey",
    "CooldownPolicy",
    "Failure",
    "LoginHealth",
    "StateStore",
    "StateUnavailableError",
    "default_state_path",
    "key_from_json",
    "key_to_json",
    "open_state_store",
]

# The counters kept per key and per login, per day and in total.
USAGE_FIELDS = ("requests", "input_tokens", "output_tokens", "cached_tokens", "credits", "errors")
# How many recent failures the store keeps.
FAILURES_KEPT = 200
TOTAL = "total"


class StateUnavailableError(QsmithError):
    """The shared store could not be reached (the caller falls back to local state)."""


@dataclass(frozen=True, slots=True)
class LoginHealth:
    """``strikes``: throttles in a row; ``cooldown_until``: not used before this time."""

    name: str
    disabled: bool = False
    reason: str | None = None
    cooldown_until: float = 0.0
    strikes: int = 0

    def available(self, now: float) -> bool:
        return not self.disabled and now >= self.cooldown_until


@dataclass(frozen=True, slots=True)
class CooldownPolicy:
    """A throttled login rests ``base * 2**(strikes-1)`` seconds, at most ``ceiling``."""

    base: float = 30.0
    ceiling: float = 1800.0

    def duration(self, strikes: int) -> float:
        return float(min(self.ceiling, self.base * 2 ** max(0, strikes - 1)))


DEFAULT_COOLDOWN = CooldownPolicy()


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A gateway key: only ``digest`` (SHA-256 of the secret) is stored, never the secret.

    ``models`` empty means every model; a limit of None means no limit.
    """

    id: str
    digest: str = field(repr=False)
    name: str | None = None
    models: tuple[str, ...] = ()
    requests_per_minute: int | None = None
    credits_per_day: float | None = None
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a request may go ahead; if not, how many seconds until it may."""

    allowed: bool
    retry_after: float = 0.0


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed upstream call, as the admin page lists it (no secret in any field)."""

    at: float
    login: str
    kind: str
    message: str
    request_id: str | None = None


class StateStore(Protocol):
    """The shared state; ``SqliteStateStore`` and ``RedisStateStore`` implement it."""

    # Login health -------------------------------------------------------------------
    def health(self, login: str) -> LoginHealth: ...

    def set_disabled(self, login: str, reason: str | None) -> None:
        """Disable ``login`` saying why, or enable it again (``reason`` None)."""
        ...

    def note_throttled(self, login: str, now: float, policy: CooldownPolicy) -> LoginHealth:
        """One more strike; the cool-down grows with the strikes in a row."""
        ...

    def note_recovered(self, login: str) -> None:
        """An answer succeeded: strikes back to zero, no cool-down."""
        ...

    # API keys -------------------------------------------------------------------------
    def save_key(self, key: ApiKey) -> None: ...

    def key_by_digest(self, digest: str) -> ApiKey | None: ...

    def keys(self) -> list[ApiKey]: ...

    def delete_key(self, key_id: str) -> bool: ...

    def admit(self, key_id: str, limit: int, now: float, window: float = 60.0) -> Admission:
        """Count one request against ``limit`` per sliding ``window`` (atomic, exact)."""
        ...

    # Usage ----------------------------------------------------------------------------
    def add_usage(self, scopes: Sequence[str], day: str, counts: Mapping[str, float]) -> None:
        """Add ``counts`` to each scope's counters of ``day`` and of all time (one write)."""
        ...

    def usage(self, scope: str, day: str = TOTAL) -> dict[str, float]: ...

    def usage_scopes(self) -> list[str]: ...

    # Single-flight lock and shared values -----------------------------------------------
    def acquire(self, name: str, holder: str, lease: float, now: float) -> int | None:
        """Take the lock for ``lease`` seconds; its fencing number, or None when held."""
        ...

    def release(self, name: str, holder: str) -> None: ...

    def shared_value(self, name: str) -> str | None: ...

    def put_shared_value(self, name: str, value: str, fence: int) -> bool:
        """Store ``value`` unless a holder with a newer fence already wrote one."""
        ...

    # Failures -------------------------------------------------------------------------
    def add_failure(self, failure: Failure) -> None: ...

    def failures(self, limit: int = 50) -> list[Failure]:
        """The newest first."""
        ...

    def close(self) -> None: ...


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``gateway-state.sqlite3`` in qsmith's folder of the user's local data directory."""
    from qsmith.login.paths import local_data_dir

    environ = os.environ if environ is None else environ
    home = Path(os.path.expanduser("~"))
    return local_data_dir(environ, home) / "qsmith" / "gateway-state.sqlite3"


def open_state_store(location: str | None) -> StateStore:
    """A store from ``--state``: None (the default SQLite file), a path, or ``redis://``."""
    if location and location.startswith(("redis://", "rediss://", "unix://")):
        from qsmith.pool.redis_store import RedisStateStore, ResilientStateStore
        from qsmith.pool.sqlite_store import SqliteStateStore

        return ResilientStateStore(RedisStateStore(location), SqliteStateStore(":memory:"))
    if location and "://" in location:
        raise ConfigError(
            f"--state {location.split('://')[0]}://...: expected a file path or redis://HOST:PORT/DB"
        )
    from qsmith.pool.sqlite_store import SqliteStateStore

    return SqliteStateStore(Path(location) if location else default_state_path())


def key_to_json(key: ApiKey) -> str:
    """The stored form of a key's settings (its id and digest are stored beside it)."""
    record = {
        "name": key.name,
        "models": list(key.models),
        "requests_per_minute": key.requests_per_minute,
        "credits_per_day": key.credits_per_day,
        "disabled": key.disabled,
    }
    return json.dumps(record)


def key_from_json(key_id: str, digest: str, record: str) -> ApiKey:
    data = json.loads(record)
    return ApiKey(
        key_id,
        digest,
        name=data.get("name"),
        models=tuple(data.get("models") or ()),
        requests_per_minute=data.get("requests_per_minute"),
        credits_per_day=data.get("credits_per_day"),
        disabled=bool(data.get("disabled")),
    )

"""The shared state store on Redis, and the wrapper that survives Redis going away.

``RedisStateStore`` keeps every piece of state under ``qsmith:``; each check-then-update
is one Lua script (Redis runs a script alone), counters are ``HINCRBYFLOAT``, and the lock
is ``SET NX PX`` (the lease) plus an ``INCR``ed fencing number. The ``redis`` package (the
``qsmith[redis]`` extra) is imported when a store is built, never before.

``ResilientStateStore`` sends each call to Redis; when Redis cannot be reached it logs one
warning and serves from a local store, trying Redis again every ``retry_interval``
seconds. Usage counted and logins disabled meanwhile are replayed into Redis once it
answers again, so nothing counted while degraded is lost.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from qsmith.pool.state import (
    FAILURES_KEPT,
    TOTAL,
    Admission,
    ApiKey,
    CooldownPolicy,
    Failure,
    LoginHealth,
    StateStore,
    StateUnavailableError,
    key_from_json,
    key_to_json,
)
from qsmith.runtime.errors import ConfigError

__all__ = ["PREFIX", "RedisStateStore", "ResilientStateStore"]

PREFIX = "qsmith:"
INSTALL_HINT = "--state redis://... needs the optional extra: pip install 'qsmith[redis]'"
_log = logging.getLogger("qsmith.pool")
T = TypeVar("T")

THROTTLED = """
local strikes = redis.call('HINCRBY', KEYS[1], 'strikes', 1)
local rest = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (strikes - 1))
redis.call('HSET', KEYS[1], 'until', tostring(tonumber(ARGV[1]) + rest))
redis.call('SADD', KEYS[2], ARGV[4])
return strikes
"""
ADMIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return {1, '0'}
"""
ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return redis.call('INCR', KEYS[2])
end
return false
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
PUT_FENCED = """
local stored = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if stored > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'fence', ARGV[2])
return 1
"""


class RedisStateStore:
    """``StateStore`` on Redis (``redis://HOST:PORT/DB``); raises ``StateUnavailableError``."""

    def __init__(self, url: str, *, timeout: float = 0.5) -> None:
        try:
            import redis
        except ModuleNotFoundError:
            raise ConfigError(INSTALL_HINT) from None
        self.url = url
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.ConnectionError,)
        self._errors += (redis.exceptions.TimeoutError,)
        self._redis: Any = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
        )
        self._scripts = {
            name: self._redis.register_script(text)
            for name, text in (
                ("throttled", THROTTLED),
                ("admit", ADMIT),
                ("acquire", ACQUIRE),
                ("release", RELEASE),
                ("put_fenced", PUT_FENCED),
            )
        }

    def __repr__(self) -> str:
        return f"RedisStateStore({_without_password(self.url)!r})"

    def _call(self, work: Callable[[], T]) -> T:
        try:
            return work()
        except self._errors as error:
            where = _without_password(self.url)
            raise StateUnavailableError(f"Redis at {where}: {type(error).__name__}") from None

    def ping(self) -> None:
        self._call(self._redis.ping)

    # Login health -------------------------------------------------------------------
    def health(self, login: str) -> LoginHealth:
        data = self._call(lambda: self._redis.hgetall(f"{PREFIX}login:{login}"))
        return LoginHealth(
            login,
            disabled=data.get("disabled") == "1",
            reason=data.get("reason") or None,
            cooldown_until=float(data.get("until", 0)),
            strikes=int(data.get("strikes", 0)),
        )

    def set_disabled(self, login: str, reason: str | None) -> None:
        fields = {"disabled": "1" if reason is not None else "0", "reason": reason or ""}
        self._call(lambda: self._redis.hset(f"{PREFIX}login:{login}", mapping=fields))

    def note_throttled(self, login: str, now: float, policy: CooldownPolicy) -> LoginHealth:
        keys = [f"{PREFIX}login:{login}", f"{PREFIX}logins"]
        args = [repr(now), repr(policy.base), repr(policy.ceiling), login]
        self._call(lambda: self._scripts["throttled"](keys=keys, args=args))
        return self.health(login)

    def note_recovered(self, login: str) -> None:
        mapping = {"strikes": 0, "until": 0}
        self._call(lambda: self._redis.hset(f"{PREFIX}login:{login}", mapping=mapping))

    # API keys -------------------------------------------------------------------------
    def save_key(self, key: ApiKey) -> None:
        def write() -> None:
            old = self._redis.hget(f"{PREFIX}keys", key.id)
            pipe = self._redis.pipeline(transaction=True)
            if old:
                pipe.hdel(f"{PREFIX}key-digests", json.loads(old)["digest"])
            pipe.hset(f"{PREFIX}keys", key.id, _key_entry(key))
            pipe.hset(f"{PREFIX}key-digests", key.digest, _key_by_digest_entry(key))
            pipe.execute()

        self._call(write)

    def key_by_digest(self, digest: str) -> ApiKey | None:
        entry = self._call(lambda: self._redis.hget(f"{PREFIX}key-digests", digest))
        if not entry:
            return None
        data = json.loads(entry)
        return key_from_json(data["id"], digest, data["record"])

    def keys(self) -> list[ApiKey]:
        entries = self._call(lambda: self._redis.hgetall(f"{PREFIX}keys"))
        return [_key_from_entry(k, v) for k, v in sorted(entries.items())]

    def delete_key(self, key_id: str) -> bool:
        def delete() -> bool:
            entry = self._redis.hget(f"{PREFIX}keys", key_id)
            if not entry:
                return False
            pipe = self._redis.pipeline(transaction=True)
            pipe.hdel(f"{PREFIX}key-digests", json.loads(entry)["digest"])
            pipe.hdel(f"{PREFIX}keys", key_id)
            pipe.execute()
            return True

        return self._call(delete)

    def admit(self, key_id: str, limit: int, now: float, window: float = 60.0) -> Admission:
        keys = [f"{PREFIX}admissions:{key_id}"]
        args = [repr(now), repr(window), str(limit), uuid.uuid4().hex]
        allowed, retry = self._call(lambda: self._scripts["admit"](keys=keys, args=args))
        return Admission(bool(allowed), max(0.0, float(retry)))

    # Usage ----------------------------------------------------------------------------
    def add_usage(self, scopes: Sequence[str], day: str, counts: Mapping[str, float]) -> None:
        def write() -> None:
            pipe = self._redis.pipeline(transaction=True)
            for scope in scopes:
                for period in (day, TOTAL):
                    for name, value in counts.items():
                        if value:
                            pipe.hincrbyfloat(f"{PREFIX}usage:{scope}:{period}", name, value)
                pipe.sadd(f"{PREFIX}usage-scopes", scope)
            pipe.execute()

        self._call(write)

    def usage(self, scope: str, day: str = TOTAL) -> dict[str, float]:
        data = self._call(lambda: self._redis.hgetall(f"{PREFIX}usage:{scope}:{day}"))
        return {name: float(value) for name, value in data.items()}

    def usage_scopes(self) -> list[str]:
        return sorted(self._call(lambda: self._redis.smembers(f"{PREFIX}usage-scopes")))

    # Lock and shared values -------------------------------------------------------------
    def acquire(self, name: str, holder: str, lease: float, now: float) -> int | None:
        keys = [f"{PREFIX}lock:{name}", f"{PREFIX}fence:{name}"]
        args = [holder, str(max(1, int(lease * 1000)))]
        fence = self._call(lambda: self._scripts["acquire"](keys=keys, args=args))
        return int(fence) if fence else None

    def release(self, name: str, holder: str) -> None:
        keys = [f"{PREFIX}lock:{name}"]
        self._call(lambda: self._scripts["release"](keys=keys, args=[holder]))

    def shared_value(self, name: str) -> str | None:
        value = self._call(lambda: self._redis.hget(f"{PREFIX}value:{name}", "value"))
        return str(value) if value is not None else None

    def put_shared_value(self, name: str, value: str, fence: int) -> bool:
        keys = [f"{PREFIX}value:{name}"]
        done = self._call(lambda: self._scripts["put_fenced"](keys=keys, args=[value, fence]))
        return bool(done)

    # Failures -------------------------------------------------------------------------
    def add_failure(self, failure: Failure) -> None:
        entry = json.dumps(
            [failure.at, failure.login, failure.kind, failure.message, failure.request_id]
        )

        def write() -> None:
            pipe = self._redis.pipeline(transaction=True)
            pipe.lpush(f"{PREFIX}failures", entry)
            pipe.ltrim(f"{PREFIX}failures", 0, FAILURES_KEPT - 1)
            pipe.execute()

        self._call(write)

    def failures(self, limit: int = 50) -> list[Failure]:
        entries = self._call(lambda: self._redis.lrange(f"{PREFIX}failures", 0, limit - 1))
        return [Failure(*json.loads(entry)) for entry in entries]

    def close(self) -> None:
        self._redis.close()


def _key_entry(key: ApiKey) -> str:
    return json.dumps({"digest": key.digest, "record": key_to_json(key)})


def _key_by_digest_entry(key: ApiKey) -> str:
    """What a digest leads to: the whole key, so a request's key is found in one read."""
    return json.dumps({"id": key.id, "record": key_to_json(key)})


def _key_from_entry(key_id: str, entry: str) -> ApiKey:
    data = json.loads(entry)
    return key_from_json(key_id, data["digest"], data["record"])


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}{sep}***@{host}" if at and credentials else url


class ResilientStateStore:
    """Redis first; local state (with a warning) while Redis is away; replay when back."""

    def __init__(
        self,
        shared: RedisStateStore,
        local: StateStore,
        *,
        retry_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shared = shared
        self.local = local
        self._retry_interval = retry_interval
        self._clock = clock
        self._down_since: float | None = None
        self._next_try = 0.0
        self._pending: list[Callable[[StateStore], object]] = []
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"ResilientStateStore({self.shared!r})"

    @property
    def degraded(self) -> bool:
        return self._down_since is not None

    def _run(
        self, work: Callable[[StateStore], T], *, replay: bool = False, mirror: bool = False
    ) -> T:
        """``work`` on Redis, else on local state. ``replay``: a change made locally is
        applied to Redis when it is back; ``mirror``: a change made on Redis is made
        locally too, so the local copy can stand in during an outage."""
        if self._down_since is None or self._clock() >= self._next_try:
            try:
                if self._down_since is not None:
                    self._reconnect()
                result = work(self.shared)
            except StateUnavailableError as error:
                self._went_down(error)
            else:
                if mirror:
                    work(self.local)
                return result
        result = work(self.local)
        if replay:
            with self._guard:
                self._pending.append(work)
        return result

    def _went_down(self, error: StateUnavailableError) -> None:
        with self._guard:
            if self._down_since is None:
                _log.warning("shared state unavailable (%s); serving from local state", error)
                self._down_since = self._clock()
            self._next_try = self._clock() + self._retry_interval

    def _reconnect(self) -> None:
        self.shared.ping()
        with self._guard:
            pending, self._pending = self._pending, []
        for index, work in enumerate(pending):
            try:
                work(self.shared)
            except StateUnavailableError:
                with self._guard:
                    self._pending[:0] = pending[index:]
                raise
        _log.warning("shared state is back; %d local change(s) replayed", len(pending))
        self._down_since = None

    # The interface, each call routed through _run ----------------------------------------
    def health(self, login: str) -> LoginHealth:
        return self._run(lambda s: s.health(login))

    def set_disabled(self, login: str, reason: str | None) -> None:
        self._run(lambda s: s.set_disabled(login, reason), replay=True, mirror=True)

    def note_throttled(self, login: str, now: float, policy: CooldownPolicy) -> LoginHealth:
        return self._run(lambda s: s.note_throttled(login, now, policy))

    def note_recovered(self, login: str) -> None:
        self._run(lambda s: s.note_recovered(login))

    def save_key(self, key: ApiKey) -> None:
        self._run(lambda s: s.save_key(key), replay=True, mirror=True)

    def key_by_digest(self, digest: str) -> ApiKey | None:
        found = self._run(lambda s: s.key_by_digest(digest))
        if found is not None and not self.degraded:
            self.local.save_key(found)  # so the key still works while Redis is away
        return found

    def keys(self) -> list[ApiKey]:
        return self._run(lambda s: s.keys())

    def delete_key(self, key_id: str) -> bool:
        return self._run(lambda s: s.delete_key(key_id), replay=True, mirror=True)

    def admit(self, key_id: str, limit: int, now: float, window: float = 60.0) -> Admission:
        return self._run(lambda s: s.admit(key_id, limit, now, window))

    def add_usage(self, scopes: Sequence[str], day: str, counts: Mapping[str, float]) -> None:
        scopes, counts = list(scopes), dict(counts)
        self._run(lambda s: s.add_usage(scopes, day, counts), replay=True)

    def usage(self, scope: str, day: str = TOTAL) -> dict[str, float]:
        return self._run(lambda s: s.usage(scope, day))

    def usage_scopes(self) -> list[str]:
        return self._run(lambda s: s.usage_scopes())

    def acquire(self, name: str, holder: str, lease: float, now: float) -> int | None:
        return self._run(lambda s: s.acquire(name, holder, lease, now))

    def release(self, name: str, holder: str) -> None:
        self._run(lambda s: s.release(name, holder))

    def shared_value(self, name: str) -> str | None:
        return self._run(lambda s: s.shared_value(name))

    def put_shared_value(self, name: str, value: str, fence: int) -> bool:
        return self._run(lambda s: s.put_shared_value(name, value, fence))

    def add_failure(self, failure: Failure) -> None:
        self._run(lambda s: s.add_failure(failure))

    def failures(self, limit: int = 50) -> list[Failure]:
        return self._run(lambda s: s.failures(limit))

    def close(self) -> None:
        self.shared.close()
        self.local.close()

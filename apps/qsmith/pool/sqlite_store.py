"""The default state store: one SQLite file in WAL mode, shared by the processes of a host.

Each operation that reads and then writes runs in a ``BEGIN IMMEDIATE`` transaction, which
takes SQLite's write lock at once, so two processes never interleave a check and its update
(the sliding-window admission, the lock, the fenced write). ``":memory:"`` gives a private
store: the Redis store's local fallback, and tests.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qsmith.pool.state import (
    FAILURES_KEPT,
    TOTAL,
    Admission,
    ApiKey,
    CooldownPolicy,
    Failure,
    LoginHealth,
    key_from_json,
    key_to_json,
)
from qsmith.runtime.errors import ConfigError

__all__ = ["SqliteStateStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS login_health (
    name TEXT PRIMARY KEY, disabled INTEGER NOT NULL DEFAULT 0, reason TEXT,
    cooldown_until REAL NOT NULL DEFAULT 0, strikes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, digest TEXT UNIQUE NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS admissions (key_id TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS admissions_by_key ON admissions (key_id, at);
CREATE TABLE IF NOT EXISTS usage (
    scope TEXT NOT NULL, day TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (scope, day, field));
CREATE TABLE IF NOT EXISTS locks (
    name TEXT PRIMARY KEY, holder TEXT, expires REAL NOT NULL, fence INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shared_values (
    name TEXT PRIMARY KEY, value TEXT NOT NULL, fence INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, login TEXT NOT NULL,
    kind TEXT NOT NULL, message TEXT NOT NULL, request_id TEXT);
"""


class SqliteStateStore:
    """``StateStore`` on SQLite; safe to share between threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.location = str(path)
        if self.location != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                self.location, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            if self.location != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                # In WAL mode this cannot corrupt the file; a power cut may lose the last
                # counters, which is worth not syncing the disk on every request.
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise ConfigError(f"the state file {self.location} cannot be used: {error}") from None
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"SqliteStateStore({self.location!r})"

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self._guard:
            return list(self._db.execute(sql, args))

    # Login health -------------------------------------------------------------------
    def health(self, login: str) -> LoginHealth:
        rows = self._query(
            "SELECT disabled, reason, cooldown_until, strikes FROM login_health WHERE name = ?",
            login,
        )
        if not rows:
            return LoginHealth(login)
        disabled, reason, until, strikes = rows[0]
        return LoginHealth(login, bool(disabled), _str(reason), float(until), int(strikes))

    def set_disabled(self, login: str, reason: str | None) -> None:
        with self._transaction() as db:
            _ensure_login(db, login)
            db.execute(
                "UPDATE login_health SET disabled = ?, reason = ? WHERE name = ?",
                (int(reason is not None), reason, login),
            )

    def note_throttled(self, login: str, now: float, policy: CooldownPolicy) -> LoginHealth:
        with self._transaction() as db:
            _ensure_login(db, login)
            (strikes,) = db.execute(
                "UPDATE login_health SET strikes = strikes + 1 WHERE name = ? RETURNING strikes",
                (login,),
            ).fetchone()
            db.execute(
                "UPDATE login_health SET cooldown_until = ? WHERE name = ?",
                (now + policy.duration(strikes), login),
            )
        return self.health(login)

    def note_recovered(self, login: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE login_health SET strikes = 0, cooldown_until = 0 WHERE name = ?", (login,)
            )

    # API keys -------------------------------------------------------------------------
    def save_key(self, key: ApiKey) -> None:
        record = key_to_json(key)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO api_keys (id, digest, record) VALUES (?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET digest = excluded.digest, record = excluded.record",
                (key.id, key.digest, record),
            )

    def key_by_digest(self, digest: str) -> ApiKey | None:
        rows = self._query("SELECT id, digest, record FROM api_keys WHERE digest = ?", digest)
        return key_from_json(*rows[0]) if rows else None

    def keys(self) -> list[ApiKey]:
        rows = self._query("SELECT id, digest, record FROM api_keys ORDER BY id")
        return [key_from_json(*row) for row in rows]

    def delete_key(self, key_id: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)).rowcount > 0

    def admit(self, key_id: str, limit: int, now: float, window: float = 60.0) -> Admission:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM admissions WHERE key_id = ? AND at <= ?", (key_id, now - window)
            )
            count, oldest = db.execute(
                "SELECT COUNT(*), MIN(at) FROM admissions WHERE key_id = ?", (key_id,)
            ).fetchone()
            if count >= limit:
                return Admission(False, max(0.0, float(oldest) + window - now))
            db.execute("INSERT INTO admissions (key_id, at) VALUES (?, ?)", (key_id, now))
            return Admission(True)

    # Usage ----------------------------------------------------------------------------
    def add_usage(self, scopes: Sequence[str], day: str, counts: Mapping[str, float]) -> None:
        rows = [
            (scope, period, name, value)
            for scope in scopes
            for period in (day, TOTAL)
            for name, value in counts.items()
            if value
        ]
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO usage (scope, day, field, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (scope, day, field) DO UPDATE SET value = value + excluded.value",
                rows,
            )

    def usage(self, scope: str, day: str = TOTAL) -> dict[str, float]:
        rows = self._query("SELECT field, value FROM usage WHERE scope = ? AND day = ?", scope, day)
        return {str(name): float(value) for name, value in rows}

    def usage_scopes(self) -> list[str]:
        return [str(s) for (s,) in self._query("SELECT DISTINCT scope FROM usage ORDER BY scope")]

    # Lock and shared values -------------------------------------------------------------
    def acquire(self, name: str, holder: str, lease: float, now: float) -> int | None:
        with self._transaction() as db:
            row = db.execute("SELECT holder, expires, fence FROM locks WHERE name = ?", (name,))
            found = row.fetchone()
            if found is None:
                db.execute(
                    "INSERT INTO locks (name, holder, expires, fence) VALUES (?, ?, ?, 1)",
                    (name, holder, now + lease),
                )
                return 1
            current, expires, fence = found
            if current is not None and current != holder and expires > now:
                return None
            db.execute(
                "UPDATE locks SET holder = ?, expires = ?, fence = ? WHERE name = ?",
                (holder, now + lease, fence + 1, name),
            )
            return int(fence) + 1

    def release(self, name: str, holder: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE locks SET holder = NULL WHERE name = ? AND holder = ?", (name, holder)
            )

    def shared_value(self, name: str) -> str | None:
        rows = self._query("SELECT value FROM shared_values WHERE name = ?", name)
        return str(rows[0][0]) if rows else None

    def put_shared_value(self, name: str, value: str, fence: int) -> bool:
        with self._transaction() as db:
            found = db.execute("SELECT fence FROM shared_values WHERE name = ?", (name,)).fetchone()
            if found is not None and found[0] > fence:
                return False
            db.execute(
                "INSERT INTO shared_values (name, value, fence) VALUES (?, ?, ?) ON CONFLICT "
                "(name) DO UPDATE SET value = excluded.value, fence = excluded.fence",
                (name, value, fence),
            )
            return True

    # Failures -------------------------------------------------------------------------
    def add_failure(self, failure: Failure) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO failures (at, login, kind, message, request_id) VALUES (?,?,?,?,?)",
                (failure.at, failure.login, failure.kind, failure.message, failure.request_id),
            )
            db.execute(
                "DELETE FROM failures WHERE id <= (SELECT MAX(id) FROM failures) - ?",
                (FAILURES_KEPT,),
            )

    def failures(self, limit: int = 50) -> list[Failure]:
        rows = self._query(
            "SELECT at, login, kind, message, request_id FROM failures ORDER BY id DESC LIMIT ?",
            limit,
        )
        return [Failure(*row) for row in rows]

    def close(self) -> None:
        with self._guard:
            self._db.close()


def _ensure_login(db: sqlite3.Connection, login: str) -> None:
    db.execute("INSERT OR IGNORE INTO login_health (name) VALUES (?)", (login,))


def _str(value: object) -> str | None:
    return None if value is None else str(value)

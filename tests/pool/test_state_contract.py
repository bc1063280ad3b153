"""The state store's contract, run against SQLite and against a real Redis."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qsmith.pool.state import ApiKey, CooldownPolicy, Failure, LoginHealth, StateStore

POLICY = CooldownPolicy(base=10.0, ceiling=35.0)


def test_an_unknown_login_is_healthy(store: StateStore) -> None:
    assert store.health("alice") == LoginHealth("alice")
    assert store.health("alice").available(now=0.0)


def test_cooldown_grows_with_strikes_up_to_the_ceiling(store: StateStore) -> None:
    first = store.note_throttled("alice", 1000.0, POLICY)
    assert (first.strikes, first.cooldown_until) == (1, 1010.0)
    assert not first.available(1009.0) and first.available(1010.0)
    assert store.note_throttled("alice", 1000.0, POLICY).cooldown_until == 1020.0
    assert store.note_throttled("alice", 1000.0, POLICY).cooldown_until == 1035.0  # ceiling


def test_recovery_clears_strikes_and_cooldown(store: StateStore) -> None:
    store.note_throttled("alice", 1000.0, POLICY)
    store.note_recovered("alice")
    assert store.health("alice") == LoginHealth("alice")
    assert store.note_throttled("alice", 2000.0, POLICY).cooldown_until == 2010.0


def test_disable_says_why_and_enable_clears_it(store: StateStore) -> None:
    store.set_disabled("bob", "invalid_grant: log in again")
    health = store.health("bob")
    assert health.disabled and health.reason == "invalid_grant: log in again"
    assert not health.available(now=1e12)
    store.set_disabled("bob", None)
    assert store.health("bob").available(now=0.0)


def test_keys_are_found_by_digest_updated_and_deleted(store: StateStore) -> None:
    key = ApiKey("k1", "d" * 64, name="ci", models=("claude-sonnet-4",), requests_per_minute=5)
    store.save_key(key)
    assert store.key_by_digest("d" * 64) == key
    moved = ApiKey("k1", "e" * 64, name="ci", credits_per_day=2.5)
    store.save_key(moved)
    assert store.key_by_digest("d" * 64) is None
    assert store.keys() == [moved]
    assert store.delete_key("k1") and not store.delete_key("k1")
    assert store.key_by_digest("e" * 64) is None and store.keys() == []


def test_admission_is_a_sliding_window(store: StateStore) -> None:
    for second in range(3):
        assert store.admit("k1", 3, now=100.0 + second).allowed
    refused = store.admit("k1", 3, now=130.0)
    assert not refused.allowed and refused.retry_after == pytest.approx(30.0)
    assert store.admit("k2", 3, now=130.0).allowed  # another key has its own window
    assert store.admit("k1", 3, now=160.5).allowed  # the first one left the window


def test_admission_is_exact_under_concurrency(store: StateStore) -> None:
    results: list[bool] = []

    def ask() -> None:
        results.append(store.admit("k1", 10, now=500.0).allowed)

    threads = [threading.Thread(target=ask) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 10


def test_usage_adds_per_day_and_in_total(store: StateStore) -> None:
    store.add_usage(["key:k1"], "2026-12-07", {"requests": 1, "input_tokens": 10, "credits": 0.5})
    store.add_usage(["key:k1"], "2026-12-08", {"requests": 1, "output_tokens": 4, "credits": 0.25})
    assert store.usage("key:k1", "2026-12-07") == {
        "requests": 1,
        "input_tokens": 10,
        "credits": 0.5,
    }
    total = store.usage("key:k1")
    assert total["requests"] == 2 and total["credits"] == 0.75 and total["output_tokens"] == 4
    store.add_usage(["login:alice", "key:k1"], "2026-12-08", {"errors": 1})
    assert store.usage_scopes() == ["key:k1", "login:alice"]
    assert store.usage("key:k1")["errors"] == store.usage("login:alice")["errors"] == 1
    assert store.usage("login:nobody") == {}


def test_lock_is_exclusive_until_its_lease_ends_and_fences_grow(store: StateStore) -> None:
    first = store.acquire("refresh:alice", "p1", lease=5.0, now=100.0)
    assert first is not None
    assert store.acquire("refresh:alice", "p2", lease=5.0, now=101.0) is None
    store.release("refresh:alice", "p2")  # not the holder: no effect
    assert store.acquire("refresh:alice", "p2", lease=5.0, now=101.0) is None
    store.release("refresh:alice", "p1")
    second = store.acquire("refresh:alice", "p2", lease=5.0, now=102.0)
    assert second is not None and second > first


def test_a_write_with_an_older_fence_is_refused(store: StateStore) -> None:
    assert store.shared_value("token:alice") is None
    assert store.put_shared_value("token:alice", "new", fence=7)
    assert not store.put_shared_value("token:alice", "stale", fence=6)
    assert store.shared_value("token:alice") == "new"
    assert store.put_shared_value("token:alice", "newer", fence=8)
    assert store.shared_value("token:alice") == "newer"


def test_failures_come_newest_first(store: StateStore) -> None:
    for n in range(3):
        store.add_failure(Failure(float(n), "alice", "ThrottledError", f"throttled {n}", f"r{n}"))
    newest = store.failures(limit=2)
    assert [f.request_id for f in newest] == ["r2", "r1"]
    assert newest[0] == Failure(2.0, "alice", "ThrottledError", "throttled 2", "r2")


def test_sqlite_state_uses_wal_and_is_shared_between_connections(tmp_path: Path) -> None:
    from qsmith.pool.sqlite_store import SqliteStateStore

    path = tmp_path / "state.sqlite3"
    one, two = SqliteStateStore(path), SqliteStateStore(path)
    try:
        one.set_disabled("alice", "off")
        assert two.health("alice").disabled
        (mode,) = one._db.execute("PRAGMA journal_mode").fetchone()
        assert mode == "wal"
    finally:
        one.close()
        two.close()


def test_the_default_state_file_is_in_the_users_data_folder(tmp_path: Path) -> None:
    from qsmith.pool.state import default_state_path

    path = default_state_path({"XDG_DATA_HOME": str(tmp_path)})
    assert path == tmp_path / "qsmith" / "gateway-state.sqlite3"


def test_an_unknown_state_url_is_refused_by_name() -> None:
    from qsmith.pool.state import open_state_store
    from qsmith.runtime.errors import ConfigError

    with pytest.raises(
        ConfigError, match=r"--state mysql://\.\.\.: expected a file path or redis://"
    ):
        open_state_store("mysql://db/q")

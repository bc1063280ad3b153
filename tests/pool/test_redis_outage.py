"""Losing Redis: local state with one warning, never an error; Redis back: shared again."""

from __future__ import annotations

import logging

import pytest

from qsmith.pool.state import ApiKey
from tests.pool.redis_server import RedisServer

pytest.importorskip("redis", reason="the redis extra is not installed: qsmith[redis]")

from qsmith.pool.redis_store import RedisStateStore, ResilientStateStore
from qsmith.pool.sqlite_store import SqliteStateStore

KEY = ApiKey("k1", "d" * 64, name="team", requests_per_minute=100)


def resilient(server: RedisServer) -> ResilientStateStore:
    return ResilientStateStore(
        RedisStateStore(server.url), SqliteStateStore(":memory:"), retry_interval=0.0
    )


def test_redis_down_serves_locally_with_one_warning_then_replays(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = resilient(redis_server)
    store.save_key(KEY)
    assert store.key_by_digest(KEY.digest) == KEY
    store.add_usage(["key:k1"], "2026-12-07", {"requests": 1})

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="qsmith.pool"):
        assert store.key_by_digest(KEY.digest) == KEY  # the local copy stands in
        assert store.admit("k1", 100, now=10.0).allowed
        store.add_usage(["key:k1"], "2026-12-07", {"requests": 1, "input_tokens": 7})
        store.add_usage(["key:k1"], "2026-12-07", {"requests": 1})
        store.set_disabled("alice", "invalid_grant")
        assert store.degraded
    unavailable = [r for r in caplog.records if "shared state unavailable" in r.getMessage()]
    assert len(unavailable) == 1

    redis_server.restart()  # empty, as after a crash without persistence
    with caplog.at_level(logging.WARNING, logger="qsmith.pool"):
        assert store.health("alice").disabled  # replayed into the new Redis
    assert not store.degraded
    assert any("shared state is back" in r.getMessage() for r in caplog.records)
    shared = RedisStateStore(redis_server.url)
    assert shared.usage("key:k1", "2026-12-07") == {"requests": 2, "input_tokens": 7}
    assert shared.health("alice").reason == "invalid_grant"
    shared.close()
    store.close()


def test_the_redis_url_password_never_shows(redis_server: RedisServer) -> None:
    store = RedisStateStore(f"redis://user:s3cret@127.0.0.1:{redis_server.port}/0")
    assert "s3cret" not in repr(store)
    store.close()

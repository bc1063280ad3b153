"""Stores for the contract tests: each test runs against SQLite and against a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qsmith.pool.state import StateStore
from tests.pool.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    opened: StateStore
    if request.param == "sqlite":
        from qsmith.pool.sqlite_store import SqliteStateStore

        opened = SqliteStateStore(tmp_path / "state.sqlite3")
    else:
        pytest.importorskip("redis", reason="the redis extra is not installed: qsmith[redis]")
        from qsmith.pool.redis_store import RedisStateStore

        server: RedisServer = request.getfixturevalue("redis_server")
        opened = RedisStateStore(server.url)
    try:
        yield opened
    finally:
        opened.close()

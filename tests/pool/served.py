"""Serving a pool in this process (uvicorn in a thread on 127.0.0.1:<ephemeral>)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the gateway extra is not installed: qsmith[gateway]")
pytest.importorskip("uvicorn", reason="the gateway extra is not installed: qsmith[gateway]")

import uvicorn
from starlette.types import ASGIApp

from qsmith.gateway.app import GatewayConfig, create_app
from qsmith.pool.admin import admin_app
from qsmith.pool.keys import KeyGate
from qsmith.pool.logins import PoolLogin
from qsmith.pool.passthrough import CopilotPassthrough
from qsmith.pool.pooled import PooledBackend
from qsmith.pool.serving import TeamApp
from qsmith.pool.sqlite_store import SqliteStateStore
from qsmith.pool.state import DEFAULT_COOLDOWN, CooldownPolicy, StateStore

ADMIN_KEY = "admin-CANARY-0123456789"


class ServedApp:
    def __init__(self, app: ASGIApp) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="pool", daemon=True)

    def __enter__(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the pool gateway did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        (server,) = self.server.servers
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def pool_app(
    logins: list[PoolLogin],
    state: StateStore,
    *,
    admin_key: str | None = ADMIN_KEY,
    static_keys: tuple[str, ...] = (),
    cooldown: CooldownPolicy = DEFAULT_COOLDOWN,
) -> tuple[TeamApp, PooledBackend]:
    pool = PooledBackend(logins, state, cooldown=cooldown)
    gateway = CopilotPassthrough(
        create_app(pool, GatewayConfig(keepalive_interval=5.0, models_ttl=0.0)), pool
    )
    admin = admin_app(pool, admin_key) if admin_key else None
    return TeamApp(gateway, KeyGate(state, static_keys, remember=0.0), admin), pool


def sqlite_state(tmp_path: Path) -> SqliteStateStore:
    return SqliteStateStore(tmp_path / "state.sqlite3")

"""The team layer's cost per request: the pool on SQLite and on Redis vs one login.

Every variant answers the same non-streamed OpenAI chat request through the gateway's
ASGI app in this process (``httpx.ASGITransport``, no sockets), with an instant scripted
backend, so the difference is the team layer alone: the key check and its per-minute
admission, the login choice (health reads), and the usage records. Baseline:
``create_app`` over that one backend with one ``--api-key``. Measured: ``TeamApp`` over a
one-login ``PooledBackend``, a stored key limited to a large requests-per-minute (so each
request is admitted, and counted, in the store), state in SQLite (WAL, a temporary
file) and in a real ``redis-server`` on loopback (skipped when it is not installed).
Figures: median per-request time of ``ROUNDS`` runs of ``REQUESTS`` sequential requests.
Run: ``.venv/bin/python benchmarks/gateway_pool.py``.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncGenerator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qsmith.gateway.app import GatewayConfig, create_app  # noqa: E402
from qsmith.gateway.backend import (  # noqa: E402
    BackendEvent,
    HealthStatus,
    ModelInfo,
    TextDelta,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.pool.keys import KeyGate, new_key  # noqa: E402
from qsmith.pool.logins import PoolLogin  # noqa: E402
from qsmith.pool.pooled import PooledBackend  # noqa: E402
from qsmith.pool.serving import TeamApp  # noqa: E402
from qsmith.pool.state import StateStore  # noqa: E402

REQUESTS = 300
ROUNDS = 5
BODY = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}


class InstantBackend:
    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo("claude-sonnet-4")]

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        yield TextDelta("hello")
        yield TurnEnd("end_turn", Usage(10, 2))

    def count_tokens(self, request: TurnRequest) -> int:
        return 1

    async def health(self) -> HealthStatus:
        return HealthStatus(True, "bearer", "instant")


async def per_request(app: object, secret: str) -> float:
    """Median seconds per request over ROUNDS runs (after one warm-up run)."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    headers = {"authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        runs = []
        for _ in range(ROUNDS + 1):
            start = time.perf_counter()
            for _ in range(REQUESTS):
                response = await client.post("/v1/chat/completions", json=BODY, headers=headers)
                assert response.status_code == 200, response.text
            runs.append((time.perf_counter() - start) / REQUESTS)
    return statistics.median(runs[1:])


def team_app(state: StateStore) -> tuple[TeamApp, str]:
    login = PoolLogin("bench", 0, InstantBackend(), (), "us-east-1", None, "instant")
    pool = PooledBackend([login], state)
    gateway = create_app(pool, GatewayConfig(models_ttl=300.0))
    secret, key = new_key("bench", requests_per_minute=10**9)
    state.save_key(key)
    return TeamApp(gateway, KeyGate(state), None), secret


def redis_variant(folder: Path) -> tuple[StateStore, object] | None:
    if shutil.which("redis-server") is None:
        print("redis: skipped (redis-server is not installed)")
        return None
    from qsmith.pool.redis_store import RedisStateStore, ResilientStateStore
    from qsmith.pool.sqlite_store import SqliteStateStore
    from tests.pool.redis_server import RedisServer

    server = RedisServer(folder).start()
    store = ResilientStateStore(RedisStateStore(server.url), SqliteStateStore(":memory:"))
    return store, server


async def main() -> None:
    from qsmith.pool.sqlite_store import SqliteStateStore

    baseline = create_app(InstantBackend(), GatewayConfig(api_keys=frozenset({"k"})))
    single = await per_request(baseline, "k")
    print(f"single login, one --api-key: {single * 1e6:8.0f} us/request (baseline)")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteStateStore(Path(folder) / "state.sqlite3")
        app, secret = team_app(sqlite)
        pooled = await per_request(app, secret)
        print(
            f"pool, SQLite state:          {pooled * 1e6:8.0f} us/request "
            f"({pooled / single:.2f}x baseline, +{(pooled - single) * 1e6:.0f} us)"
        )
        found = redis_variant(Path(folder))
        if found is not None:
            store, server = found
            try:
                app, secret = team_app(store)
                shared = await per_request(app, secret)
                print(
                    f"pool, Redis state:           {shared * 1e6:8.0f} us/request "
                    f"({shared / single:.2f}x baseline, +{(shared - single) * 1e6:.0f} us)"
                )
            finally:
                store.close()
                server.stop()  # type: ignore[attr-defined]


if __name__ == "__main__":
    asyncio.run(main())

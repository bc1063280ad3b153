"""Two real gateway processes on one real Redis: one refresh, limits and health shared."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.gateway.harness import GENERATE, FakeQ, answer, text
from tests.login.fake_oidc import FakeOidc
from tests.pool.gateways import CANARY, ServeProcess, accounts_file, token_file
from tests.pool.redis_server import RedisServer

pytest.importorskip("redis", reason="the redis extra is not installed: qsmith[redis]")

from qsmith.pool.keys import new_key
from qsmith.pool.redis_store import RedisStateStore
from qsmith.testing import LoopbackServer

BODY = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        service.set_default(GENERATE, answer(text("hello")))
        yield service


@pytest.fixture
def oidc() -> Iterator[tuple[FakeOidc, str]]:
    fake = FakeOidc()
    fake.refresh_delay = 0.5  # every request arrives while the one refresh runs
    with LoopbackServer(fake.handle) as server:
        yield fake, server.url


def two_gateways(
    tmp_path: Path, redis: RedisServer, fake_q: FakeQ, oidc_url: str, *, expired: bool
) -> list[ServeProcess]:
    """Two "hosts", each with its own copy of the login's token file."""
    gateways = []
    for host in ("host-a", "host-b"):
        folder = tmp_path / host
        folder.mkdir()
        token = token_file(folder / "alice.json", expired=expired)
        accounts = accounts_file(folder / "accounts.toml", {"alice": token})
        gateways.append(ServeProcess(folder, accounts, redis.url, fake_q.url, oidc_url))
    return gateways


def post_all(urls: list[str], headers: dict[str, str] | None = None) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(len(urls))

    def post(url: str) -> None:
        barrier.wait()
        response = httpx.post(f"{url}/v1/chat/completions", json=BODY, headers=headers, timeout=60)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_eight_requests_on_two_processes_needing_a_refresh_make_one_refresh_call(
    tmp_path: Path, redis_server: RedisServer, fake_q: FakeQ, oidc: tuple[FakeOidc, str]
) -> None:
    fake_oidc, oidc_url = oidc
    gateways = two_gateways(tmp_path, redis_server, fake_q, oidc_url, expired=True)
    try:
        statuses = post_all([gateways[i % 2].url for i in range(8)])
        assert statuses == [200] * 8, [g.output() for g in gateways]
        assert fake_oidc.calls["/token"] == 1
        sent = {r.header("Authorization") for r in fake_q.calls(GENERATE)}
        assert sent == {f"Bearer access-1-{CANARY}"}
        assert all(CANARY not in g.output() for g in gateways)
    finally:
        for gateway in gateways:
            gateway.stop()


def test_a_ten_per_minute_key_gets_ten_of_thirty_across_both_processes(
    tmp_path: Path, redis_server: RedisServer, fake_q: FakeQ, oidc: tuple[FakeOidc, str]
) -> None:
    secret, key = new_key("team", requests_per_minute=10)
    shared = RedisStateStore(redis_server.url)
    shared.save_key(key)
    gateways = two_gateways(tmp_path, redis_server, fake_q, oidc[1], expired=False)
    try:
        headers = {"authorization": f"Bearer {secret}"}
        statuses = post_all([gateways[i % 2].url for i in range(30)], headers)
        assert statuses.count(200) == 10 and statuses.count(429) == 20
        assert shared.usage(f"key:{key.id}")["requests"] == 10
    finally:
        for gateway in gateways:
            gateway.stop()
        shared.close()


def test_killing_redis_mid_run_keeps_serving_and_shares_again_when_back(
    tmp_path: Path, redis_server: RedisServer, fake_q: FakeQ, oidc: tuple[FakeOidc, str]
) -> None:
    gateways = two_gateways(tmp_path, redis_server, fake_q, oidc[1], expired=False)
    slow = answer(*[text(f"part {n} ") for n in range(30)], chunk_delay=0.1)
    try:
        assert post_all([g.url for g in gateways]) == [200, 200]
        fake_q.respond(GENERATE, slow)
        with httpx.stream(
            "POST", f"{gateways[0].url}/v1/chat/completions", json={**BODY, "stream": True}
        ) as stream:
            chunks = stream.iter_text()
            first = next(chunks)
            redis_server.stop()  # mid-stream
            rest = "".join(chunks)
        assert "part 0" in first + rest and "part 29" in rest and "[DONE]" in rest
        assert post_all([g.url for g in gateways] * 2) == [200] * 4
        assert all("shared state unavailable" in g.output() for g in gateways)

        redis_server.restart()  # empty: what was counted before the outage is gone
        time.sleep(1.1)  # a process tries Redis again one second after it last failed
        assert post_all([g.url for g in gateways] * 2) == [200] * 4
        shared = RedisStateStore(redis_server.url)
        # Replayed: the stream that ended during the outage and the 4 requests served
        # meanwhile; then the 4 requests made with Redis back.
        assert shared.usage("login:alice")["requests"] == 1 + 4 + 4
        shared.close()
        assert all("shared state is back" in g.output() for g in gateways)
    finally:
        for gateway in gateways:
            gateway.stop()

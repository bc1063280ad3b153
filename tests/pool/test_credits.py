"""Credits from Amazon Q's metering events: recorded per key and login, limited per day."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.gateway.chat_backend import ChatBackend
from qsmith.pool.keys import new_key
from qsmith.pool.logins import PoolLogin
from qsmith.pool.usage import utc_day
from tests.gateway.harness import GENERATE, FakeQ, answer, text
from tests.pool.served import ServedApp, pool_app, sqlite_state

BODY = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}


def metering(credits: float) -> object:
    event = cw.MeteringEvent(usage=credits, unit="credit", unit_plural="credits")
    return cw.ChatResponseStreamMeteringEvent(event)


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        service.set_default(GENERATE, answer(text("hello"), metering(0.25)))
        yield service


def test_a_key_spends_its_daily_credits_then_gets_429(fake_q: FakeQ, tmp_path: Path) -> None:
    backend = ChatBackend(token="t", endpoint_url=fake_q.url, max_attempts=1)
    state = sqlite_state(tmp_path)
    app, _ = pool_app([PoolLogin("q", 0, backend, (), "us-east-1", None, "token")], state)
    secret, key = new_key("budget", credits_per_day=0.5)
    state.save_key(key)
    headers = {"authorization": f"Bearer {secret}"}
    with ServedApp(app) as served:
        statuses = [
            httpx.post(f"{served.url}/v1/chat/completions", json={**BODY, "stream": n == 1},
                       headers=headers).status_code
            for n in range(3)
        ]  # fmt: skip
    assert statuses == [200, 200, 429]
    today = utc_day(time.time())
    assert state.usage(f"key:{key.id}", today)["credits"] == 0.5
    assert state.usage("login:q", today)["credits"] == 0.5

"""Each login's usage limits from GetUsageLimits: stored for every replica, shown on /admin."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.clients.codewhisperer import _schema as cw_schema
from qsmith.clients.codewhisperer import models as cwm
from qsmith.gateway.app import GatewayConfig, create_app
from qsmith.pool.admin import admin_app
from qsmith.pool.keys import KeyGate
from qsmith.pool.logins import PoolLogin
from qsmith.pool.pooled import PooledBackend
from qsmith.pool.quota import QuotaReader
from qsmith.pool.serving import TeamApp
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider
from qsmith.runtime.serde.json import JsonCodec
from qsmith.testing import error_response
from qsmith.testing.loopback import ScriptedResponse
from tests.gateway.harness import FakeQ
from tests.pool.scripted import ScriptedBackend
from tests.pool.served import ADMIN_KEY, ServedApp, sqlite_state

OPERATION = "GetUsageLimits"
ARN = "arn:aws:codewhisperer:us-east-1:111122223333:profile/ALICE"


def limits_response(used: int) -> ScriptedResponse:
    operation = cw_schema.SERVICE.operations[OPERATION]
    output = cwm.GetUsageLimitsResponse(
        limits=[
            cwm.UsageLimitList(type="AGENTIC_REQUEST", current_usage=used, total_usage_limit=50)
        ],
        days_until_reset=12,
    )
    codec = JsonCodec(use_json_name=False)
    body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
    return ScriptedResponse(
        status=200, headers=[("Content-Type", "application/x-amz-json-1.0")], body=body
    )


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        yield service


def logins() -> list[PoolLogin]:
    alice = PoolLogin(
        "alice", 0, ScriptedBackend(), (), "us-east-1", ARN, "token", StaticTokenProvider("t-a")
    )
    signer = PoolLogin("sigv4", 1, ScriptedBackend(), (), "us-east-1", None, "AWS profile")
    return [alice, signer]


async def test_limits_are_fetched_with_the_logins_profile_and_stored(
    fake_q: FakeQ, tmp_path: Path
) -> None:
    fake_q.set_default(OPERATION, limits_response(used=7))
    reader = QuotaReader(logins(), sqlite_state(tmp_path), endpoint_url=fake_q.url)
    assert [login.name for login in reader.logins] == ["alice"]  # SigV4 logins are not asked
    await reader.fetch_all()
    quota = reader.quota("alice")
    assert quota is not None and quota["days_until_reset"] == 12
    assert quota["limits"] == [
        {"type": "AGENTIC_REQUEST", "used": 7, "limit": 50, "percent_used": None}
    ]
    (call,) = fake_q.calls(OPERATION)
    assert call.header("Authorization") == "Bearer t-a" and ARN in call.body.decode()


async def test_a_failure_is_kept_with_its_kind(fake_q: FakeQ, tmp_path: Path) -> None:
    fake_q.set_default(OPERATION, error_response("AccessDeniedException", "no", status=403))
    reader = QuotaReader(logins(), sqlite_state(tmp_path), endpoint_url=fake_q.url)
    await reader.fetch_all()
    quota = reader.quota("alice")
    assert quota is not None and "AccessDenied" in quota["error"]


async def test_the_timer_fetches_again_every_interval(fake_q: FakeQ, tmp_path: Path) -> None:
    fake_q.set_default(OPERATION, limits_response(used=1))
    reader = QuotaReader(logins(), sqlite_state(tmp_path), endpoint_url=fake_q.url, interval=0.05)
    reader.start()
    for _ in range(200):
        if fake_q.attempts(OPERATION) >= 2:
            break
        await asyncio.sleep(0.05)
    await reader.stop()
    assert fake_q.attempts(OPERATION) >= 2


def test_the_admin_page_shows_the_quota_and_refreshes_it_on_demand(
    fake_q: FakeQ, tmp_path: Path
) -> None:
    state = sqlite_state(tmp_path)
    pool = PooledBackend(logins(), state)
    reader = QuotaReader(pool.logins, state, endpoint_url=fake_q.url, interval=3600)
    gateway = create_app(pool, GatewayConfig())
    app = TeamApp(gateway, KeyGate(state), admin_app(pool, ADMIN_KEY, reader), reader)
    fake_q.respond(OPERATION, limits_response(used=3), limits_response(used=4))
    headers = {"authorization": f"Bearer {ADMIN_KEY}"}
    with ServedApp(app) as served:  # the server's start fetches once
        for _ in range(400):  # up to 20 s on a loaded machine
            if reader.quota("alice"):
                break
            time.sleep(0.05)
        entry = httpx.get(f"{served.url}/admin/api/logins", headers=headers).json()["logins"][0]
        assert entry["quota"]["limits"][0]["used"] == 3
        url = f"{served.url}/admin/api/logins/alice/quota"
        fresh = httpx.post(url, headers={**headers, "x-qsmith-admin": "1"}).json()["quota"]
        assert fresh["limits"][0]["used"] == 4
        page = httpx.get(f"{served.url}/admin", headers=headers).text
        assert "AGENTIC_REQUEST 4/50" in page

"""Acceptance: two logins on a stand-in Amazon Q, the first throttled on every call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.gateway.chat_backend import ChatBackend
from qsmith.pool.logins import PoolLogin
from qsmith.pool.pooled import PooledBackend
from qsmith.pool.state import CooldownPolicy
from qsmith.testing import stop_mid_stream, throttle
from qsmith.testing.fake_service import Step, StepContext
from qsmith.testing.loopback import ScriptedResponse
from tests.gateway.harness import GENERATE, FakeQ, answer, stream_body, text
from tests.pool.served import ServedApp, pool_app, sqlite_state

USER = [{"role": "user", "content": "hi"}]
MONTHLY = throttle(reason="MONTHLY_REQUEST_COUNT")


def by_token(steps: dict[str, Step]) -> Step:
    """Answer each call with the step of the login whose token it carries."""

    def step(context: StepContext) -> ScriptedResponse:
        token = (context.request.header("Authorization") or "").removeprefix("Bearer ")
        return steps[token](context)

    return step


def q_login(name: str, fake_q: FakeQ, priority: int) -> PoolLogin:
    backend = ChatBackend(token=f"token-{name}", endpoint_url=fake_q.url, max_attempts=1)
    return PoolLogin(name, priority, backend, (), "us-east-1", None, f"token {name}")


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        yield service


@pytest.fixture
def served(tmp_path: Path, fake_q: FakeQ) -> Iterator[tuple[ServedApp, PooledBackend]]:
    logins = [q_login("first", fake_q, 0), q_login("second", fake_q, 1)]
    # A rest shorter than the run, so the first login is tried again and again.
    policy = CooldownPolicy(base=0.01, ceiling=0.01)
    app, pool = pool_app(logins, sqlite_state(tmp_path), cooldown=policy)
    with ServedApp(app) as served:
        yield served, pool


def test_200_requests_half_streamed_all_succeed_through_the_second_login(
    served: tuple[ServedApp, PooledBackend], fake_q: FakeQ
) -> None:
    app, pool = served
    fake_q.set_default(
        GENERATE, by_token({"token-first": MONTHLY, "token-second": answer(text("from second"))})
    )
    with httpx.Client(base_url=app.url, timeout=30) as client:
        for n in range(200):
            body = {"model": "claude-sonnet-4", "messages": USER, "stream": n % 2 == 0}
            response = client.post("/v1/chat/completions", json=body)
            assert response.status_code == 200, response.text
            assert "from second" in response.text
    tokens = [r.header("Authorization") for r in fake_q.calls(GENERATE)]
    assert tokens.count("Bearer token-second") == 200
    assert tokens.count("Bearer token-first") >= 1  # it was tried, and failed over
    assert pool.state.usage("login:second")["requests"] == 200
    failure = pool.state.failures(limit=1)[0]
    assert failure.login == "first" and failure.kind == "ThrottledError"
    assert (failure.request_id or "").startswith("fake-")  # the upstream's request id


def test_a_failure_after_the_first_byte_is_not_retried_and_the_client_sees_it(
    served: tuple[ServedApp, PooledBackend], fake_q: FakeQ
) -> None:
    app, pool = served
    broken = stop_mid_stream(stream_body([text("partial"), text(" more"), text(" never")]), after=2)
    fake_q.set_default(
        GENERATE, by_token({"token-first": broken, "token-second": answer(text("second"))})
    )
    body = {"model": "claude-sonnet-4", "messages": USER, "stream": True}
    with httpx.stream("POST", f"{app.url}/v1/chat/completions", json=body) as response:
        assert response.status_code == 200
        received = response.read().decode()
    assert "partial" in received and '"error"' in received and "second" not in received
    tokens = [r.header("Authorization") for r in fake_q.calls(GENERATE)]
    assert tokens == ["Bearer token-first"]
    assert pool.state.usage("login:first")["errors"] == 1

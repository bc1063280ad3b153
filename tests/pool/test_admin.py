"""The admin page: its JSON twins directly, and the page itself in headless Chromium."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.pool.pooled import PooledBackend
from qsmith.pool.sqlite_store import SqliteStateStore
from qsmith.pool.state import Failure
from tests.pool.cdp import Browser
from tests.pool.scripted import ScriptedBackend, login
from tests.pool.served import ADMIN_KEY, ServedApp, pool_app, sqlite_state

BEARER = {"authorization": f"Bearer {ADMIN_KEY}"}
CHANGE = {**BEARER, "x-qsmith-admin": "1"}
BODY = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def backends() -> tuple[ScriptedBackend, ScriptedBackend]:
    return ScriptedBackend(), ScriptedBackend()


@pytest.fixture
def served(
    tmp_path: Path, backends: tuple[ScriptedBackend, ScriptedBackend]
) -> Iterator[tuple[ServedApp, PooledBackend]]:
    state: SqliteStateStore = sqlite_state(tmp_path)
    logins = [login("alice", backends[0], 0), login("bob", backends[1], 1)]
    app, pool = pool_app(logins, state)
    with ServedApp(app) as served:
        yield served, pool


def test_the_json_twins_need_the_admin_key(served: tuple[ServedApp, PooledBackend]) -> None:
    app, _ = served
    for path in ("/admin/api/logins", "/admin/api/keys", "/admin/api/failures"):
        assert httpx.get(app.url + path).status_code == 401
        assert httpx.get(app.url + path, headers={"authorization": "Bearer no"}).status_code == 401
        assert httpx.get(app.url + path, headers=BEARER).status_code == 200
    assert httpx.get(app.url + "/admin", follow_redirects=False).status_code == 303


def test_logins_failures_and_disabling_through_the_json_twins(
    served: tuple[ServedApp, PooledBackend], backends: tuple[ScriptedBackend, ScriptedBackend]
) -> None:
    app, pool = served
    pool.state.add_failure(Failure(1.0, "alice", "ThrottledError", "throttled", "req-42"))
    logins = httpx.get(app.url + "/admin/api/logins", headers=BEARER).json()["logins"]
    assert [(e["name"], e["state"]) for e in logins] == [("alice", "ready"), ("bob", "ready")]
    failures = httpx.get(app.url + "/admin/api/failures", headers=BEARER).json()["failures"]
    assert failures[0]["request_id"] == "req-42" and failures[0]["login"] == "alice"

    url = app.url + "/admin/api/logins/alice/disable"
    assert httpx.post(url, headers=BEARER).status_code == 403  # no change header
    changed = httpx.post(url, headers=CHANGE).json()["login"]
    assert changed["state"] == "disabled" and "by an admin" in changed["reason"]
    assert httpx.post(app.url + "/v1/chat/completions", json=BODY).status_code == 200
    assert (backends[0].calls, backends[1].calls) == (0, 1)
    httpx.post(app.url + "/admin/api/logins/alice/enable", headers=CHANGE)
    assert pool.state.health("alice").available(now=0.0)
    assert httpx.post(app.url + "/admin/api/logins/zed/disable", headers=CHANGE).status_code == 404


def test_the_admin_page_is_off_without_an_admin_key(tmp_path: Path) -> None:
    app, _ = pool_app([login("alice", ScriptedBackend())], sqlite_state(tmp_path), admin_key=None)
    with ServedApp(app) as served:
        assert httpx.get(served.url + "/admin/api/logins", headers=BEARER).status_code == 404


def test_the_admin_key_never_reaches_the_logs(
    served: tuple[ServedApp, PooledBackend], caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = served
    with caplog.at_level(logging.DEBUG):
        httpx.get(app.url + "/admin/api/logins", headers=BEARER)
        httpx.post(app.url + "/admin/login", content=f"key={ADMIN_KEY}".encode())
    assert ADMIN_KEY not in caplog.text


def test_in_chromium_sign_in_see_both_logins_disable_one(
    served: tuple[ServedApp, PooledBackend],
    backends: tuple[ScriptedBackend, ScriptedBackend],
    tmp_path: Path,
) -> None:
    app, pool = served
    browser = Browser(tmp_path / "chromium-profile")
    try:
        browser.navigate(app.url + "/admin/login")
        browser.evaluate(
            f"document.querySelector('input[name=key]').value = '{ADMIN_KEY}';"
            "document.querySelector('form').submit()"
        )
        browser.wait_for(
            f"location.href === '{app.url}/admin' && document.querySelector('#logins')"
        )
        rows = browser.evaluate(
            "[...document.querySelectorAll('#logins tbody tr')]"
            ".map(r => [r.cells[0].textContent, r.cells[1].textContent])"
        )
        assert rows == [["alice", "ready"], ["bob", "ready"]]

        browser.evaluate("document.querySelector(\"button[data-login='alice']\").click()")
        browser.wait_for(
            "document.querySelector('#logins tbody tr').cells[1].textContent === 'disabled'"
        )
        assert pool.state.health("alice").disabled
        assert httpx.post(app.url + "/v1/chat/completions", json=BODY).status_code == 200
        assert (backends[0].calls, backends[1].calls) == (0, 1)
    finally:
        browser.close()

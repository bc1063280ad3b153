"""Bearer token providers: static, environment, token files, SSO cache, refreshing, OIDC."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import stat
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from qsmith.runtime.auth.errors import NoTokenError, TokenExpiredError, TokenRefreshError
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.timestamps import format_timestamp
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.provider import EnvTokenProvider, StaticTokenProvider
from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
from qsmith.runtime.auth.tokens.token_file import (
    JsonTokenFile,
    SsoCacheTokenProvider,
    TokenFileProvider,
    sso_cache_path,
)
from qsmith.runtime.errors import ConfigError
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.support.shared import REPO_ROOT

CANARY_ACCESS = "CANARY-ACCESS-TOKEN-7f3a"
CANARY_REFRESH = "CANARY-REFRESH-TOKEN-91bc"
CANARY_SECRET = "CANARY-CLIENT-SECRET-55de"
CANARY_NEW = "CANARY-NEW-ACCESS-TOKEN-0d0d"


def _write_token(path: Path, expires_in: timedelta, **extra: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "accessToken": CANARY_ACCESS,
        "expiresAt": format_timestamp(utc_now() + expires_in),
        "refreshToken": CANARY_REFRESH,
        "clientId": "client-id-1",
        "clientSecret": CANARY_SECRET,
        "region": "us-east-1",
        "startUrl": "https://view.awsapps.com/start",
        **extra,
    }
    path.write_text(json.dumps(data))


class CountingRefresher:
    """Returns a new token after ``delay`` seconds; counts calls; can be told to fail."""

    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.calls = 0
        self.delay = delay
        self.error = error
        self._lock = threading.Lock()

    def refresh(self, token: BearerToken) -> BearerToken:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return replace(
            token,
            token=CANARY_NEW,
            refresh_token="rotated",
            expiration=utc_now() + timedelta(hours=1),
        )


# --- static, environment, files ---------------------------------------------------------


def test_static_and_env_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert StaticTokenProvider("abc").resolve_token().token == "abc"
    provider = EnvTokenProvider("MY_TOKEN_VAR")
    with pytest.raises(NoTokenError, match="MY_TOKEN_VAR is not set"):
        provider.resolve_token()
    monkeypatch.setenv("MY_TOKEN_VAR", "tok-1")
    token = provider.resolve_token()
    assert token.token == "tok-1" and token.source == "environment variable MY_TOKEN_VAR"


def test_token_file_reads_every_field(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    _write_token(path, timedelta(hours=1), profileArn="arn:aws:x")
    token = TokenFileProvider(path).resolve_token()
    assert token.token == CANARY_ACCESS and token.refresh_token == CANARY_REFRESH
    assert token.region == "us-east-1" and token.client_id == "client-id-1"
    assert token.expiration is not None and token.expiration > utc_now()


def test_token_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with pytest.raises(NoTokenError, match="does not exist"):
        TokenFileProvider(path).resolve_token()
    path.write_text('{\n  "accessToken": "x",\n  oops\n}')
    with pytest.raises(ConfigError, match=r"token\.json, line 3"):
        TokenFileProvider(path).resolve_token()
    path.write_text('{"accessToken": "x", "expiresAt": "tomorrow"}')
    with pytest.raises(ConfigError, match="expiresAt"):
        TokenFileProvider(path).resolve_token()


def test_expired_token_file_says_how_to_log_in(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    _write_token(path, -timedelta(minutes=1))
    with pytest.raises(TokenExpiredError, match="qsmith login") as info:
        TokenFileProvider(path).resolve_token()
    assert CANARY_ACCESS not in str(info.value)


def test_sso_cache_file_named_by_sha1_and_never_globbed(isolated_home: Path) -> None:
    expected = hashlib.sha1(b"my-session").hexdigest() + ".json"
    assert sso_cache_path("my-session").name == expected
    assert sso_cache_path("my-session").parent == isolated_home / ".aws" / "sso" / "cache"
    # A client registration and another session's token share the folder: not ours.
    _write_token(sso_cache_path("other-session"), timedelta(hours=1))
    (sso_cache_path("x").parent / "botocore-client-id-us-east-1.json").write_text("{}")
    with pytest.raises(NoTokenError):
        SsoCacheTokenProvider("my-session").resolve_token()
    _write_token(sso_cache_path("my-session"), timedelta(hours=1))
    token = SsoCacheTokenProvider("my-session").resolve_token()
    assert token.token == CANARY_ACCESS and "my-session" in token.source
    start_url = "https://d-123.awsapps.com/start"
    _write_token(sso_cache_path(start_url), timedelta(hours=1))
    assert SsoCacheTokenProvider(start_url).resolve_token().start_url is not None


# --- refreshing provider ------------------------------------------------------------------


def test_fresh_token_is_not_refreshed(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(hours=1))
    refresher = CountingRefresher()
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher)
    assert provider.resolve_token().token == CANARY_ACCESS
    assert refresher.calls == 0


def test_renews_ahead_of_expiry_and_persists_0600_keeping_fields(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=4), profileArn="arn:aws:keep-me")  # inside 5 min
    refresher = CountingRefresher()
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher)
    assert provider.resolve_token().token == CANARY_NEW
    assert refresher.calls == 1
    saved = json.loads(path.read_text())
    assert saved["accessToken"] == CANARY_NEW and saved["refreshToken"] == "rotated"
    assert saved["profileArn"] == "arn:aws:keep-me"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".t.json.")]


def test_margin_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=20))
    refresher = CountingRefresher()
    RefreshingTokenProvider(JsonTokenFile(path), refresher).resolve_token()
    assert refresher.calls == 0  # 20 minutes left is outside the default 5-minute margin
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher, margin=timedelta(minutes=30))
    provider.resolve_token()
    assert refresher.calls == 1


def test_many_threads_one_refresh(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=1))
    refresher = CountingRefresher(delay=0.2)
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher)
    results: list[str] = []
    barrier = threading.Barrier(16)

    def worker() -> None:
        barrier.wait()
        results.append(provider.resolve_token().token)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refresher.calls == 1
    assert results == [CANARY_NEW] * 16


async def test_many_tasks_one_refresh(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=1))
    refresher = CountingRefresher(delay=0.2)
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher)
    tokens = await asyncio.gather(*(provider.resolve_token_async() for _ in range(12)))
    assert refresher.calls == 1
    assert {t.token for t in tokens} == {CANARY_NEW}


def test_processes_never_refresh_at_once(tmp_path: Path) -> None:
    path, log = tmp_path / "t.json", tmp_path / "refresh.log"
    _write_token(path, timedelta(minutes=1))
    command = [sys.executable, "-m", "tests.runtime.auth.token_worker", str(path), str(log)]
    children = [
        subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert all(child.returncode == 0 for child in children)
    assert outputs == ["renewed-access"] * 3
    # One refresh, with the original refresh token; the others re-read the file under the lock.
    assert log.read_text().splitlines() == [f"refresh {CANARY_REFRESH}"]


def test_failed_refresh_keeps_old_file_and_serves_valid_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=2))
    before = path.read_bytes()
    refresher = CountingRefresher(error=TokenRefreshError("HTTP 500 from the endpoint"))
    provider = RefreshingTokenProvider(JsonTokenFile(path), refresher)
    with caplog.at_level(logging.DEBUG, logger="qsmith"):
        assert provider.resolve_token().token == CANARY_ACCESS
        provider.resolve_token()  # within the quiet period: no second call
    assert refresher.calls == 1
    assert path.read_bytes() == before
    assert "refresh" in caplog.text and "CANARY" not in caplog.text


def test_expired_and_refresh_fails_raises_token_expired(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, -timedelta(minutes=1))
    before = path.read_bytes()
    provider = RefreshingTokenProvider(
        JsonTokenFile(path), CountingRefresher(error=TokenRefreshError("network down"))
    )
    with pytest.raises(TokenExpiredError, match="log in again") as info:
        provider.resolve_token()
    assert "CANARY" not in str(info.value)
    assert path.read_bytes() == before


def test_invalid_grant_requires_login_even_before_expiry(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=2))
    error = TokenRefreshError("invalid_grant", login_required=True)
    provider = RefreshingTokenProvider(JsonTokenFile(path), CountingRefresher(error=error))
    with pytest.raises(TokenExpiredError):
        provider.resolve_token()


def test_no_refresh_token_and_expired(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"accessToken": "a", "expiresAt": "2000-01-01T00:00:00Z"}))
    provider = RefreshingTokenProvider(JsonTokenFile(path), CountingRefresher())
    with pytest.raises(TokenExpiredError):
        provider.resolve_token()


# --- OIDC refresher against a loopback server --------------------------------------------


def _oidc_handler(seen: list[dict[str, Any]]) -> Any:
    def handle(request: RecordedRequest) -> ScriptedResponse:
        body = json.loads(request.body)
        seen.append({"path": request.path, **body})
        if body.get("refreshToken") != CANARY_REFRESH:
            return ScriptedResponse.json(400, '{"error": "invalid_grant"}')
        answer = {"accessToken": CANARY_NEW, "expiresIn": 3600, "refreshToken": "rotated-2"}
        return ScriptedResponse.json(200, json.dumps(answer))

    return handle


def test_oidc_refresh_grant_end_to_end(tmp_path: Path, loopback: LoopbackServer) -> None:
    seen: list[dict[str, Any]] = []
    loopback.set_handler(_oidc_handler(seen))
    path = tmp_path / "t.json"
    _write_token(path, timedelta(minutes=1))
    provider = RefreshingTokenProvider(JsonTokenFile(path), OidcRefresher(endpoint=loopback.url))
    token = provider.resolve_token()
    assert token.token == CANARY_NEW and token.refresh_token == "rotated-2"
    assert token.expiration is not None and token.expiration > utc_now() + timedelta(minutes=59)
    assert seen == [
        {
            "path": "/token",
            "clientId": "client-id-1",
            "clientSecret": CANARY_SECRET,
            "grantType": "refresh_token",
            "refreshToken": CANARY_REFRESH,
        }
    ]
    assert json.loads(path.read_text())["refreshToken"] == "rotated-2"


def test_oidc_invalid_grant_is_login_required(loopback: LoopbackServer) -> None:
    loopback.set_handler(_oidc_handler([]))
    token = BearerToken(
        CANARY_ACCESS, refresh_token="stale", client_id="c", client_secret=CANARY_SECRET
    )
    with pytest.raises(TokenRefreshError, match="invalid_grant") as info:
        OidcRefresher(endpoint=loopback.url).refresh(token)
    assert info.value.login_required
    assert "CANARY" not in str(info.value) and "stale" not in str(info.value)


def test_oidc_endpoint_from_region_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    token = BearerToken("a", region="eu-central-1")
    assert OidcRefresher().endpoint_for(token) == "https://oidc.eu-central-1.amazonaws.com"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9/")
    assert OidcRefresher().endpoint_for(token) == "http://127.0.0.1:9"


def test_oidc_server_error_and_bad_answer(loopback: LoopbackServer) -> None:
    token = BearerToken("a", refresh_token="r", client_id="c", client_secret="s")
    loopback.enqueue(ScriptedResponse(status=503, body=b"busy"), ScriptedResponse.json(200, "{}"))
    with pytest.raises(TokenRefreshError, match="HTTP 503") as info:
        OidcRefresher(endpoint=loopback.url).refresh(token)
    assert not info.value.login_required
    with pytest.raises(TokenRefreshError, match="without accessToken"):
        OidcRefresher(endpoint=loopback.url).refresh(token)


# --- secrets never leak -------------------------------------------------------------------


def test_token_reprs_hide_secrets(tmp_path: Path) -> None:
    token = BearerToken(
        CANARY_ACCESS,
        expiration=datetime(2030, 1, 1),
        refresh_token=CANARY_REFRESH,
        client_secret=CANARY_SECRET,
    )
    path = tmp_path / "t.json"
    _write_token(path, timedelta(hours=1))
    texts = [
        repr(token),
        str(token),
        repr(StaticTokenProvider(CANARY_ACCESS)),
        repr(TokenFileProvider(path)),
        repr(TokenFileProvider(path).resolve_token()),
    ]
    assert not any("CANARY" in text for text in texts)


# --- the default token chain ---------------------------------------------------------------


def test_token_chain_order_and_reasons(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qsmith.runtime.auth.tokens.chain import default_token_chain

    with pytest.raises(NoTokenError) as info:
        default_token_chain().resolve_token()
    assert "QSMITH_BEARER_TOKEN is not set" in str(info.value)
    assert "qsmith login" in str(info.value)
    _write_token(sso_cache_path("qsmith"), timedelta(hours=1), accessToken="from-login")
    token = default_token_chain().resolve_token()
    assert token.token == "from-login" and token.source == "qsmith login"
    (isolated_home / ".aws").mkdir(exist_ok=True)
    (isolated_home / ".aws" / "config").write_text("[default]\nsso_session = corp\n")
    _write_token(sso_cache_path("corp"), timedelta(hours=1))
    token = default_token_chain().resolve_token()
    assert token.token == CANARY_ACCESS and "corp" in token.source
    file_token = tmp_path / "q.json"
    _write_token(file_token, timedelta(hours=1), accessToken="from-file")
    monkeypatch.setenv("QSMITH_TOKEN_FILE", str(file_token))
    assert default_token_chain().resolve_token().token == "from-file"
    monkeypatch.setenv("QSMITH_BEARER_TOKEN", "from-env")
    assert default_token_chain().resolve_token().token == "from-env"

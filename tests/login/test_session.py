"""qsmith's own login: the saved token, refreshing it (race, failure, invalid_grant), logout."""

from __future__ import annotations

import hashlib
import json
import logging
import stat
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from qsmith.login.errors import NotLoggedInError
from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.session import login_token_provider, logout, save_own_login, whoami
from qsmith.login.state import BUILDER_ID, IDENTITY_CENTER, LoginState
from qsmith.runtime.auth.errors import LoginRequiredError
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.testing import LoopbackServer
from tests.login.fake_oidc import CANARY, FakeOidc

IDC_URL = "https://example-org.awsapps.com/start"


def old_token(minutes_left: float) -> BearerToken:
    return BearerToken(
        f"old-access-{CANARY}",
        expiration=utc_now() + timedelta(minutes=minutes_left),
        refresh_token=f"old-refresh-{CANARY}",
        region="eu-west-1",
        client_id="client-1",
        client_secret=f"client-secret-{CANARY}",
        start_url=IDC_URL,
    )


def log_in(paths: LoginPaths, minutes_left: float) -> None:
    state = LoginState(owner="qsmith", kind=IDENTITY_CENTER, region="eu-west-1", start_url=IDC_URL)
    save_own_login(paths, old_token(minutes_left), state)


def test_the_token_is_saved_in_the_sso_cache_layout_0600(paths: LoginPaths) -> None:
    log_in(paths, 60)
    path = own_token_path(paths)
    assert path.name == hashlib.sha1(b"qsmith").hexdigest() + ".json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {
        "accessToken",
        "expiresAt",
        "refreshToken",
        "region",
        "startUrl",
        "clientId",
        "clientSecret",
    }
    assert data["expiresAt"].endswith("Z")
    assert login_token_provider(paths).resolve_token().token == f"old-access-{CANARY}"


def test_refresh_race_many_callers_one_refresh(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    fake.refresh_delay = 0.2  # keep the refresh in flight while the others arrive
    log_in(paths, 1)  # inside the refresh margin
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    results: list[str] = []
    barrier = threading.Barrier(16)

    def call() -> None:
        barrier.wait()
        results.append(provider.resolve_token().token)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.calls["/token"] == 1
    assert results == [f"access-1-{CANARY}"] * 16
    body = fake.bodies[0][1]
    assert body["grantType"] == "refresh_token"
    assert body["refreshToken"] == f"old-refresh-{CANARY}"
    saved = json.loads(own_token_path(paths).read_text())
    assert saved["refreshToken"] == f"refresh-1-{CANARY}"  # the rotated one is kept


def test_a_refresh_cut_off_midway_leaves_the_old_token(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer], caplog: pytest.LogCaptureFixture
) -> None:
    fake, server = fake_oidc
    fake.refresh_script = ["drop"]
    log_in(paths, 2)
    before = own_token_path(paths).read_bytes()
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    caplog.set_level(logging.DEBUG)
    assert provider.resolve_token().token == f"old-access-{CANARY}"  # still valid: served
    assert fake.calls["/token"] == 1
    assert own_token_path(paths).read_bytes() == before
    assert CANARY not in caplog.text


def test_invalid_grant_says_the_login_is_gone_and_is_not_retried(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    fake.refresh_script = ["invalid_grant"]
    log_in(paths, -5)  # expired
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    for _ in range(3):
        with pytest.raises(LoginRequiredError) as info:
            provider.resolve_token()
        message = str(info.value)
        assert "no longer valid" in message
        assert f"qsmith login --start-url {IDC_URL} --region eu-west-1" in message
        assert CANARY not in message
    assert fake.calls["/token"] == 1  # refused once: never asked again


def test_a_new_login_after_invalid_grant_refreshes_again(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    fake.refresh_script = ["invalid_grant", "ok"]
    log_in(paths, -5)
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    with pytest.raises(LoginRequiredError):
        provider.resolve_token()
    save_own_login(
        paths,
        replace(old_token(-1), refresh_token=f"new-refresh-{CANARY}"),
        LoginState.load(paths.state_file),
    )
    assert provider.resolve_token().token == f"access-1-{CANARY}"


def test_builder_id_hint(paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]) -> None:
    fake, server = fake_oidc
    fake.refresh_script = ["invalid_grant"]
    save_own_login(paths, old_token(-1), LoginState(owner="qsmith", kind=BUILDER_ID))
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    with pytest.raises(LoginRequiredError, match=r"log in again with `qsmith login`$"):
        provider.resolve_token()


def test_whoami_and_logout(paths: LoginPaths) -> None:
    log_in(paths, 30)
    info = whoami(paths)
    assert (info.kind, info.owner, info.region) == (IDENTITY_CENTER, "qsmith", "eu-west-1")
    assert info.expiration is not None and info.profile_arn is None
    assert CANARY not in repr(info)
    message = logout(paths)
    assert "logged out" in message
    assert not own_token_path(paths).exists() and not paths.state_file.exists()
    with pytest.raises(NotLoggedInError, match="qsmith login"):
        login_token_provider(paths)


def test_a_broken_state_file_is_named(paths: LoginPaths) -> None:
    from qsmith.runtime.errors import ConfigError

    paths.state_file.parent.mkdir(parents=True)
    paths.state_file.write_text(json.dumps({"owner": "someone", "kind": "x"}))
    with pytest.raises(ConfigError, match=r"login\.json: 'owner' must be one of"):
        login_token_provider(paths)


def test_paths_default_per_platform(tmp_path: Path) -> None:
    from qsmith.login.paths import local_data_dir

    home = tmp_path
    assert local_data_dir({}, home, "linux") == home / ".local" / "share"
    assert local_data_dir({"XDG_DATA_HOME": "/x"}, home, "linux") == Path("/x")
    assert local_data_dir({}, home, "darwin") == home / "Library" / "Application Support"
    assert local_data_dir({"LOCALAPPDATA": "C:/L"}, home, "win32") == Path("C:/L")
    defaults = LoginPaths.from_environment({}, home=home)
    assert defaults.kiro_token_file == home / ".aws/sso/cache/kiro-auth-token.json"
    assert defaults.q_cli_db.parts[-2:] == ("amazon-q", "data.sqlite3")
    assert defaults.kiro_cli_db.parts[-2:] == ("kiro-cli", "data.sqlite3")

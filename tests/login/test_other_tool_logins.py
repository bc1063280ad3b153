"""Importing the Amazon Q CLI's, kiro-cli's and the Kiro IDE's logins (files built here)."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from qsmith.login.errors import ImportSourceError
from qsmith.login.kiro_refresher import KiroSocialRefresher
from qsmith.login.other_tool_logins import read_import
from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.session import login_token_provider, logout, take_over, whoami
from qsmith.login.state import BUILDER_ID, IDENTITY_CENTER, SOCIAL, LoginState
from qsmith.runtime.auth.errors import LoginRequiredError, TokenExpiredError
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.testing import LoopbackServer
from tests.login.fake_oidc import CANARY, FakeOidc

PROFILE_ARN = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/QCLI"


def stamp(minutes: float) -> str:
    moment = datetime.now(UTC) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_db(db: Path, auth: dict[str, Any], state: dict[str, Any] | None = None) -> None:
    """A store laid out as the Q CLI / kiro-cli lay theirs out (values as JSON text)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS auth_kv (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB)")
        for key, value in auth.items():
            connection.execute("REPLACE INTO auth_kv VALUES (?, ?)", (key, json.dumps(value)))
        for key, value in (state or {}).items():
            connection.execute(
                "REPLACE INTO state VALUES (?, ?)", (key, json.dumps(value).encode())
            )
    connection.close()


def q_cli_token(minutes: float, start_url: str | None = None) -> dict[str, Any]:
    token = {
        "access_token": f"q-access-{CANARY}",
        "expires_at": stamp(minutes)[:-1] + "123Z",  # nanoseconds, as the Q CLI writes them
        "refresh_token": f"q-refresh-{CANARY}",
        "region": "us-east-1",
        "oauth_flow": "DeviceCode",
        "scopes": ["codewhisperer:completions"],
    }
    if start_url:
        token["start_url"] = start_url
    return token


def q_cli_store(paths: LoginPaths, minutes: float = 30) -> None:
    write_db(
        paths.q_cli_db,
        {
            "codewhisperer:odic:token": q_cli_token(minutes, "https://corp.awsapps.com/start"),
            "codewhisperer:odic:device-registration": {
                "client_id": "q-client",
                "client_secret": f"q-client-secret-{CANARY}",
                "client_secret_expires_at": stamp(60 * 24),
                "region": "us-east-1",
            },
        },
        {"api.codewhisperer.profile": {"arn": PROFILE_ARN, "profile_name": "QCLI"}},
    )


def imported_state(paths: LoginPaths, owner: str) -> None:
    login = read_import(owner, paths)
    LoginState(owner=owner, kind=login.kind, region=login.token.region).save(paths.state_file)


def test_q_cli_store(paths: LoginPaths) -> None:
    q_cli_store(paths)
    login = read_import("q-cli", paths)
    assert (login.owner, login.kind, login.refresher) == ("q-cli", IDENTITY_CENTER, "oidc")
    assert login.token.token == f"q-access-{CANARY}"
    assert (login.token.client_id, login.token.region) == ("q-client", "us-east-1")
    assert (login.profile_arn, login.profile_name) == (PROFILE_ARN, "QCLI")
    assert CANARY not in repr(login)


def test_q_cli_builder_id_without_registration_or_profile(paths: LoginPaths) -> None:
    write_db(paths.q_cli_db, {"codewhisperer:odic:token": q_cli_token(30)})
    login = read_import("q-cli", paths)
    assert login.kind == BUILDER_ID and login.profile_arn is None
    assert login.token.client_id is None


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("missing", "does not exist"),
        ("no-key", "no Amazon Q CLI login"),
        ("not-json", "is not JSON"),
        ("no-table", "cannot read table 'auth_kv'"),
    ],
)
def test_q_cli_problems_name_the_file_and_key(paths: LoginPaths, setup: str, words: str) -> None:
    if setup == "no-key":
        write_db(paths.q_cli_db, {"other": 1})
    elif setup == "not-json":
        write_db(paths.q_cli_db, {})
        with sqlite3.connect(paths.q_cli_db) as connection:
            connection.execute("INSERT INTO auth_kv VALUES ('codewhisperer:odic:token', '{oops')")
        connection.close()
    elif setup == "no-table":
        paths.q_cli_db.parent.mkdir(parents=True)
        sqlite3.connect(paths.q_cli_db).close()
    with pytest.raises(ImportSourceError, match=words) as info:
        read_import("q-cli", paths)
    assert str(paths.q_cli_db) in str(info.value)


def test_kiro_cli_social_and_oidc(paths: LoginPaths) -> None:
    social = {
        "access_token": f"k-social-{CANARY}",
        "refresh_token": f"k-social-refresh-{CANARY}",
        "expires_at": stamp(50),
        "profile_arn": "arn:aws:codewhisperer:us-east-1:1:profile/K",
        "provider": "Github",
    }
    write_db(paths.kiro_cli_db, {"kirocli:social:token": social})
    login = read_import("kiro-cli", paths)
    assert (login.kind, login.refresher, login.social_provider) == (SOCIAL, "kiro-social", "Github")
    assert login.profile_arn == "arn:aws:codewhisperer:us-east-1:1:profile/K"
    # An OIDC login that expires later wins over the older social one.
    oidc = {**q_cli_token(55), "access_token": f"k-oidc-{CANARY}"}
    registration = {"client_id": "k-client", "client_secret": f"k-sec-{CANARY}"}
    write_db(
        paths.kiro_cli_db,
        {"kirocli:odic:token": oidc, "kirocli:odic:device-registration": registration},
    )
    login = read_import("kiro-cli", paths)
    assert (login.kind, login.token.token, login.token.client_id) == (
        BUILDER_ID,
        f"k-oidc-{CANARY}",
        "k-client",
    )


def kiro_file(paths: LoginPaths, minutes: float, **extra: Any) -> None:
    paths.kiro_token_file.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "accessToken": f"kiro-access-{CANARY}",
        "refreshToken": f"kiro-refresh-{CANARY}",
        "expiresAt": stamp(minutes),
        "profileArn": "arn:aws:codewhisperer:us-east-1:1:profile/KIRO",
        "authMethod": "social",
        "provider": "Google",
        **extra,
    }
    paths.kiro_token_file.write_text(json.dumps(data))


def test_kiro_ide_social_and_identity_center(paths: LoginPaths) -> None:
    kiro_file(paths, 30)
    login = read_import("kiro", paths)
    assert (login.kind, login.refresher, login.token.region) == (SOCIAL, "kiro-social", "us-east-1")
    client_file = paths.sso_cache_dir / "abc123.json"
    client_file.write_text(json.dumps({"clientId": "kc", "clientSecret": f"ks-{CANARY}"}))
    kiro_file(paths, 30, authMethod="IdC", provider="Enterprise", clientIdHash="abc123")
    login = read_import("kiro", paths)
    assert (login.kind, login.refresher, login.token.client_id) == (IDENTITY_CENTER, "oidc", "kc")
    kiro_file(paths, 30, authMethod="IdC", provider="BuilderId")
    assert read_import("kiro", paths).kind == BUILDER_ID


def test_kiro_ide_missing_file(paths: LoginPaths) -> None:
    with pytest.raises(ImportSourceError, match="sign in to the Kiro IDE"):
        read_import("kiro", paths)


def test_imported_login_is_read_afresh_and_never_refreshed(paths: LoginPaths) -> None:
    def store(access: str, minutes: float) -> None:
        token = {**q_cli_token(minutes, "https://corp.awsapps.com/start"), "access_token": access}
        write_db(paths.q_cli_db, {"codewhisperer:odic:token": token})

    q_cli_store(paths, minutes=0.5)
    imported_state(paths, "q-cli")
    provider = login_token_provider(paths)
    assert provider.resolve_token().token == f"q-access-{CANARY}"  # valid, about to expire
    store("q-new", 30)  # the Q CLI refreshed its login meanwhile
    assert provider.resolve_token().token == "q-new"  # read again, not refreshed by us
    store("q-newer", 30)
    assert provider.resolve_token().token == "q-new"  # still fresh: not read again
    store("q-old", -1)
    with pytest.raises(TokenExpiredError) as info:
        login_token_provider(paths).resolve_token()
    message = str(info.value)
    assert "`q login`" in message and "--take-over" in message and CANARY not in message
    assert not own_token_path(paths).exists()  # nothing copied without --take-over
    assert "untouched" in logout(paths)
    assert paths.q_cli_db.exists() and not paths.state_file.exists()


def test_take_over_copies_then_qsmith_refreshes_with_oidc(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    q_cli_store(paths, minutes=1)
    before = paths.q_cli_db.read_bytes()
    state = take_over(paths, read_import("q-cli", paths))
    assert (state.owner, state.profile_arn) == ("qsmith", PROFILE_ARN)
    assert stat.S_IMODE(own_token_path(paths).stat().st_mode) == 0o600
    provider = login_token_provider(paths, refresher=OidcRefresher(endpoint=server.url))
    assert provider.resolve_token().token == f"access-1-{CANARY}"
    body = fake.bodies[0][1]
    assert (body["clientId"], body["refreshToken"]) == ("q-client", f"q-refresh-{CANARY}")
    assert paths.q_cli_db.read_bytes() == before  # the other tool's store is never written
    assert whoami(paths).owner == "qsmith"


def test_take_over_kiro_social_refreshes_with_kiro(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, server = fake_oidc
    monkeypatch.setenv("QSMITH_KIRO_AUTH_ENDPOINT", server.url)
    kiro_file(paths, 2)
    take_over(paths, read_import("kiro", paths))
    provider = login_token_provider(paths)
    assert provider.resolve_token().token == f"access-1-{CANARY}"
    assert fake.bodies == [("/refreshToken", {"refreshToken": f"kiro-refresh-{CANARY}"})]
    saved = json.loads(own_token_path(paths).read_text())
    assert saved["refreshToken"] == f"refresh-1-{CANARY}"


def test_kiro_refresh_refused_means_login_again(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    fake.refresh_script = ["refused"]
    kiro_file(paths, -1)
    take_over(paths, read_import("kiro", paths))
    provider = login_token_provider(paths, refresher=KiroSocialRefresher(endpoint=server.url))
    with pytest.raises(LoginRequiredError, match="--import kiro --take-over"):
        provider.resolve_token()
    with pytest.raises(LoginRequiredError):
        provider.resolve_token()
    assert fake.calls["/refreshToken"] == 1


def test_kiro_refresher_endpoint_follows_the_region() -> None:
    from qsmith.runtime.auth.identity import BearerToken

    refresher = KiroSocialRefresher(environ={})
    token = BearerToken("t", region="eu-central-1")
    assert refresher.endpoint_for(token) == "https://prod.eu-central-1.auth.desktop.kiro.dev"

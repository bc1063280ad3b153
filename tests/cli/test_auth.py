"""``qsmith auth status``: sources, masked key, expiry, region; never a secret."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.runtime.auth.identity import utc_now
from qsmith.runtime.auth.timestamps import format_timestamp
from qsmith.runtime.auth.tokens.token_file import sso_cache_path

SECRET = "CANARY-STATUS-SECRET-1"
SESSION = "CANARY-STATUS-SESSION-2"
ACCESS = "CANARY-STATUS-ACCESS-3"
REFRESH = "CANARY-STATUS-REFRESH-4"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("AWS_", "QSMITH_")) and name not in (
            "QSMITH_SHARED",
            "QSMITH_REQUIRE_SHARED",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["auth", "status", *args])
    assert result.exit_code == 0, result.output
    for canary in (SECRET, SESSION, ACCESS, REFRESH):
        assert canary not in result.output
    return result.output


def test_nothing_configured_lists_sources() -> None:
    output = _run()
    assert "none found" in output and "environment: AWS_ACCESS_KEY_ID" in output
    assert "EC2 instance metadata (IMDSv2): AWS_EC2_METADATA_DISABLED is true" in output
    assert "environment variable QSMITH_BEARER_TOKEN" in output


def test_environment_credentials_and_token_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION)
    token = tmp_path / "token.json"
    token.write_text(
        json.dumps(
            {
                "accessToken": ACCESS,
                "refreshToken": REFRESH,
                "expiresAt": "2000-01-01T00:00:00Z",
                "region": "eu-central-1",
            }
        )
    )
    output = _run("--token-file", str(token))
    assert "source:        environment" in output
    assert "AKIA************MPLE" in output and "session token: yes" in output
    assert f"token file {token}" in output and "EXPIRED" in output
    assert "region:  eu-central-1" in output and "refresh: possible" in output
    assert json.loads(token.read_text())["accessToken"] == ACCESS  # status never refreshes


def test_profile_with_sso_session_token(isolated: Path) -> None:
    (isolated / ".aws").mkdir()
    (isolated / ".aws" / "credentials").write_text(
        f"[work]\naws_access_key_id = AKIAWORK12345678\naws_secret_access_key = {SECRET}\n"
    )
    (isolated / ".aws" / "config").write_text(
        "[profile work]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n"
    )
    path = sso_cache_path("corp")
    path.parent.mkdir(parents=True)
    expires = format_timestamp(utc_now() + timedelta(days=30))
    path.write_text(
        json.dumps({"accessToken": ACCESS, "expiresAt": expires, "region": "us-east-1"})
    )
    output = _run("--profile", "work", "--sso-session", "corp")
    assert "shared config profile work" in output and "AKIA********5678" in output
    assert "AWS SSO cache for session 'corp'" in output and "region:  us-east-1" in output
    assert "refresh: not possible" in output


def test_malformed_config_is_reported_with_file_and_line(isolated: Path) -> None:
    (isolated / ".aws").mkdir()
    (isolated / ".aws" / "config").write_text("[default]\nbroken line\n")
    output = _run()
    assert "config, line 2" in output

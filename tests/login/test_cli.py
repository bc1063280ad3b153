"""``qsmith login`` / ``whoami`` / ``logout`` end to end against the fake OIDC server."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.state import LoginState
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.login.fake_oidc import CANARY, FakeOidc
from tests.login.test_other_tool_logins import PROFILE_ARN, q_cli_store


def run_qsmith(*args: str, endpoint: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "AWS_ENDPOINT_URL_SSO_OIDC": endpoint}
    environ.pop("DISPLAY", None)
    environ.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "qsmith.cli.main", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )


def test_login_whoami_logout_end_to_end(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer]
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["authorization_pending", "ok"]
    result = run_qsmith("login", "--no-browser", endpoint=server.url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "https://device.sso.example/" in out and "ABCD-EFGH" in out
    assert "Logged in (AWS Builder ID, us-east-1)" in out
    token_file = own_token_path(paths)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert json.loads(token_file.read_text())["accessToken"] == f"access-1-{CANARY}"
    assert fake.bodies[1][1]["startUrl"] == "https://view.awsapps.com/start"

    whoami = run_qsmith("whoami", endpoint=server.url)
    assert whoami.returncode == 0, whoami.stderr
    assert "identity: AWS Builder ID" in whoami.stdout
    assert "region:   us-east-1" in whoami.stdout and "profile:  none" in whoami.stdout

    logout = run_qsmith("logout", endpoint=server.url)
    assert logout.returncode == 0 and "logged out" in logout.stdout
    assert not token_file.exists()
    gone = run_qsmith("whoami", endpoint=server.url)
    assert gone.returncode == 1 and "not logged in" in gone.stderr
    for text in (out, result.stderr, whoami.stdout, logout.stdout, gone.stderr):
        assert CANARY not in text


def test_identity_center_login_with_a_profile(
    paths: LoginPaths, fake_oidc: tuple[FakeOidc, LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server = fake_oidc
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
    args = ["login", "--no-browser", "--start-url", "https://corp.awsapps.com/start"]
    result = CliRunner().invoke(cli, [*args, "--region", "eu-west-1", "--profile-arn", PROFILE_ARN])
    assert result.exit_code == 0, result.output
    assert "Logged in (IAM Identity Center, eu-west-1)" in result.output
    whoami = CliRunner().invoke(cli, ["whoami"])
    assert "identity: IAM Identity Center" in whoami.output and PROFILE_ARN in whoami.output


def test_identity_center_login_lists_profiles_and_keeps_the_only_one(
    paths: LoginPaths,
    fake_oidc: tuple[FakeOidc, LoopbackServer],
    loopback: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, server = fake_oidc
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CODEWHISPERERRUNTIME", loopback.url)
    arn = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/EU"
    loopback.enqueue(
        ScriptedResponse.json(200, json.dumps({"profiles": []})),  # us-east-1
        ScriptedResponse.json(200, json.dumps({"profiles": [{"arn": arn, "profileName": "eu"}]})),
    )
    args = ["login", "--no-browser", "--start-url", "https://corp.awsapps.com/start"]
    result = CliRunner().invoke(cli, [*args, "--region", "eu-west-1"])
    assert result.exit_code == 0, result.output
    state = LoginState.load(paths.state_file)
    assert (state.profile_arn, state.profile_name) == (arn, "eu")
    assert len(loopback.requests) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start-url", "https://corp.awsapps.com/start"], "needs --region"),
        (["--region", "eu-west-1"], "goes with --start-url"),
        (["--take-over"], "go with --import"),
        (["--import", "q-cli", "--region", "x"], "cannot be combined"),
    ],
)
def test_bad_combinations(paths: LoginPaths, args: list[str], words: str) -> None:
    result = CliRunner().invoke(cli, ["login", *args])
    assert result.exit_code == 2 and words in result.output


def test_import_and_take_over(paths: LoginPaths) -> None:
    q_cli_store(paths)
    result = CliRunner().invoke(cli, ["login", "--import", "q-cli"])
    assert result.exit_code == 0, result.output
    assert "q-cli keeps refreshing it" in result.output
    assert not own_token_path(paths).exists()
    whoami = CliRunner().invoke(cli, ["whoami"])
    assert "imported from q-cli" in whoami.output and PROFILE_ARN in whoami.output

    result = CliRunner().invoke(cli, ["login", "--import", "q-cli", "--take-over"])
    assert result.exit_code == 0, result.output
    assert "q-cli will need to log in again" in result.output
    assert stat.S_IMODE(own_token_path(paths).stat().st_mode) == 0o600
    logout = CliRunner().invoke(cli, ["logout"])
    assert "logged out" in logout.output
    assert paths.q_cli_db.exists()  # never the other tool's store
    assert CANARY not in result.output + whoami.output + logout.output


def test_import_from_an_explicit_file(paths: LoginPaths) -> None:
    q_cli_store(paths)
    moved = paths.q_cli_db.with_name("elsewhere.sqlite3")
    paths.q_cli_db.rename(moved)
    result = CliRunner().invoke(cli, ["login", "--import", "q-cli", "--from", str(moved)])
    assert result.exit_code == 0, result.output
    whoami = CliRunner().invoke(cli, ["whoami"])  # later reads use the same file
    assert whoami.exit_code == 0, whoami.output
    assert "imported from q-cli" in whoami.output

"""GitHub's device flow for copilot logins, against a loopback stand-in of github.com."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.pool.github_login import GitHubDeviceFlow, GitHubLoginError
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse

TOKEN = "gho-CANARY-device"


class FakeGitHub:
    def __init__(self, answers: list[dict[str, str]], interval: int = 0) -> None:
        self.answers = answers
        self.interval = interval
        self.forms: list[dict[str, list[str]]] = []

    def handle(self, request: RecordedRequest) -> ScriptedResponse:
        self.forms.append(parse_qs(request.body.decode()))
        if request.path == "/login/device/code":
            body = {
                "device_code": "dev-1",
                "user_code": "ABCD-1234",
                "verification_uri": "https://github.com/login/device",
                "interval": self.interval,
                "expires_in": 900,
            }
            return ScriptedResponse.json(200, json.dumps(body))
        return ScriptedResponse.json(200, json.dumps(self.answers.pop(0)))


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, str]]:
    fake = FakeGitHub([{"error": "authorization_pending"}, {"error": "slow_down"}])
    fake.answers.append({"access_token": TOKEN, "token_type": "bearer"})
    with LoopbackServer(fake.handle) as server:
        yield fake, server.url


def test_polls_while_pending_slows_down_when_told_and_returns_the_token(
    github: tuple[FakeGitHub, str],
) -> None:
    fake, url = github
    fake.interval = 5
    waits: list[float] = []
    flow = GitHubDeviceFlow("client-9", github=url, sleep=waits.append)
    code = flow.start()
    assert code.user_code == "ABCD-1234" and "dev-1" not in repr(code)
    assert flow.wait_for_token(code) == TOKEN
    assert waits == [5, 5, 10]
    poll = fake.forms[-1]
    assert poll["grant_type"] == ["urn:ietf:params:oauth:grant-type:device_code"]
    assert poll["client_id"] == ["client-9"] and poll["device_code"] == ["dev-1"]


def test_a_denied_sign_in_is_an_error(github: tuple[FakeGitHub, str]) -> None:
    fake, url = github
    fake.answers[:] = [{"error": "access_denied"}]
    flow = GitHubDeviceFlow("client-9", github=url, sleep=lambda _: None)
    with pytest.raises(GitHubLoginError, match="access_denied"):
        flow.wait_for_token(flow.start())


def test_the_cli_saves_the_token_privately_and_never_prints_it(
    github: tuple[FakeGitHub, str], tmp_path: Path
) -> None:
    fake, url = github
    fake.answers[:] = [{"error": "authorization_pending"}, {"access_token": TOKEN}]
    path = tmp_path / "gh.json"
    command = ["accounts", "github-login", str(path), "--client-id", "c", "--github", url]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "ABCD-1234" in result.output and TOKEN not in result.output
    assert json.loads(path.read_text()) == {"github_token": TOKEN}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

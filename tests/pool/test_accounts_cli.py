"""``qsmith accounts``: editing the accounts file, testing logins, keys and usage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.pool.sqlite_store import SqliteStateStore
from tests.gateway.harness import MODEL_IDS, FakeQ
from tests.pool.gateways import token_file


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "accounts.toml", tmp_path / "state.sqlite3"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        yield service


def test_add_list_remove_keep_the_file_readable(files: tuple[Path, Path], tmp_path: Path) -> None:
    accounts, state = files
    accounts.write_text('# our team\nstrategy = "round-robin"\n', encoding="utf-8")
    for name in ("alice", "bob"):
        code, out = run(
            "accounts", "add", name, "--source", "token-file", "--path", f"{name}.json",
            "--profile-arn", "arn:aws:codewhisperer:eu-central-1:111122223333:profile/X",
            "--accounts", str(accounts),
        )  # fmt: skip
        assert code == 0, out
    SqliteStateStore(state).set_disabled("bob", "invalid_grant: log in again")
    code, out = run("accounts", "list", "--accounts", str(accounts), "--state", str(state))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("alice\ttoken-file\tready")
    assert lines[1].startswith("bob\ttoken-file\tdisabled") and "invalid_grant" in lines[2]

    assert run("accounts", "remove", "alice", "--accounts", str(accounts))[0] == 0
    text = accounts.read_text(encoding="utf-8")
    assert text.startswith("# our team\n") and "alice" not in text and 'name = "bob"' in text
    code, out = run("accounts", "remove", "zed", "--accounts", str(accounts))
    assert code == 1 and "no login named 'zed'" in out

    assert run("accounts", "enable", "bob", "--state", str(state))[0] == 0
    assert not SqliteStateStore(state).health("bob").disabled


def test_add_refuses_an_entry_serve_would_refuse(files: tuple[Path, Path]) -> None:
    accounts, _ = files
    result = CliRunner().invoke(
        cli, ["accounts", "add", "carol", "--source", "sigv4", "--accounts", str(accounts)]
    )
    assert result.exit_code == 1 and "needs 'models'" in str(result.exception)
    assert not accounts.exists()


def test_test_makes_one_call_per_login_and_reports_failures(
    files: tuple[Path, Path], tmp_path: Path, fake_q: FakeQ
) -> None:
    accounts, state = files
    token_file(tmp_path / "good.json", expired=False)
    accounts.write_text(
        '[[login]]\nname = "good"\nsource = "token-file"\npath = "good.json"\n\n'
        '[[login]]\nname = "gone"\nsource = "token-file"\npath = "missing.json"\n',
        encoding="utf-8",
    )
    code, out = run(
        "accounts", "test", "--accounts", str(accounts), "--state", str(state),
        "--endpoint-url", fake_q.url,
    )  # fmt: skip
    assert code == 1
    assert f"good\tok\t{len(MODEL_IDS)} model(s)" in out
    assert "gone\tfailed\t" in out and "missing.json" in out
    assert fake_q.attempts("ListAvailableModels") == 1


def test_keys_secret_is_shown_once_and_usage_is_reported(files: tuple[Path, Path]) -> None:
    _, state = files
    command = ["accounts", "keys", "add", "--name", "ci", "--requests-per-minute", "10"]
    result = CliRunner().invoke(cli, [*command, "--state", str(state)])
    assert result.exit_code == 0
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("qsk-")
    store = SqliteStateStore(state)
    (key,) = store.keys()
    assert (key.name, key.requests_per_minute) == ("ci", 10)
    _, out = run("accounts", "keys", "list", "--state", str(state))
    assert key.id in out and secret not in out and "rpm 10" in out

    store.add_usage([f"key:{key.id}"], "2026-12-07", {"requests": 2, "credits": 0.5})
    _, out = run("accounts", "usage", "--json", "--state", str(state))
    assert json.loads(out) == {f"key:{key.id}": {"requests": 2.0, "credits": 0.5}}
    assert run("accounts", "keys", "remove", key.id, "--state", str(state))[0] == 0
    assert store.keys() == []


def test_serve_with_accounts_refuses_single_login_options(files: tuple[Path, Path]) -> None:
    accounts, _ = files
    accounts.write_text('[[login]]\nname = "a"\nsource = "qsmith"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["serve", "--accounts", str(accounts), "--model", "claude-sonnet-4"]
    )
    assert result.exit_code == 2 and "per login" in result.output

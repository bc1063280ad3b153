"""Reading the --accounts file: what it accepts, and errors that name the file and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from qsmith.pool.accounts import AccountsFileError, read_accounts
from qsmith.pool.state import CooldownPolicy

GOOD = """
strategy = "round-robin"
cooldown_seconds = 5
max_cooldown_seconds = 60

[[login]]
name = "alice"
source = "qsmith"

[[login]]
name = "bob"
source = "token-file"
path = "tokens/bob.json"
profile_arn = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/BOB"
priority = 0

[[login]]
name = "carol"
source = "sigv4"
aws_profile = "q-admin"
models = ["custom:us-east-1:my-model"]

[[login]]
name = "dave"
source = "kiro-cli"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file_reads_with_defaults_and_relative_paths(tmp_path: Path) -> None:
    accounts = read_accounts(write(tmp_path, GOOD))
    assert accounts.strategy == "round-robin"
    assert accounts.cooldown == CooldownPolicy(5.0, 60.0)
    alice, bob, carol, dave = accounts.logins
    assert (alice.source, alice.priority) == ("qsmith", 0)
    assert bob.path == tmp_path / "tokens" / "bob.json" and bob.priority == 0
    assert carol.models == ("custom:us-east-1:my-model",) and carol.aws_profile == "q-admin"
    assert (dave.source, dave.priority) == ("kiro-cli", 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no logins"),
        ('strategy = "random"\n[[login]]\nname="a"\nsource="qsmith"', "strategy must be"),
        ('colour = 1\n[[login]]\nname="a"\nsource="qsmith"', r"unknown setting\(s\) \['colour'\]"),
        ('[[login]]\nsource="qsmith"', r"#1: 'name' is required"),
        ('[[login]]\nname="a"\nsource="dropbox"', r"login 'a': 'source' must be one of"),
        ('[[login]]\nname="a"\nsource="token-file"', "needs 'path'"),
        ('[[login]]\nname="a"\nsource="sigv4"', "needs 'models'"),
        ('[[login]]\nname="a"\nsource="qsmith"\npriority="high"', "'priority' must be an integer"),
        ('[[login]]\nname="a"\nsource="qsmith"\ncolour=1', "unknown field 'colour'"),
        ('[[login]]\nname="a"\nsource="qsmith"\n[[login]]\nname="a"\nsource="kiro"', "twice"),
        ("cooldown_seconds = -1\n[[login]]\nname='a'\nsource='qsmith'", "positive number"),
        ("[[login", "not valid TOML"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(AccountsFileError, match=message) as caught:
        read_accounts(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AccountsFileError, match="cannot be read"):
        read_accounts(tmp_path / "nope.toml")

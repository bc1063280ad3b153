"""Building each login's backend: its own token source, region and profile ARN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qsmith.login.paths import SESSION_NAME
from qsmith.pool.accounts import AccountsFileError, AccountSpec
from qsmith.pool.logins import build_login
from qsmith.pool.shared_refresh import SharedRefreshingTokenProvider
from qsmith.pool.sqlite_store import SqliteStateStore
from qsmith.runtime.auth.tokens.token_file import sso_cache_path

ARN = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/BOB"


@pytest.fixture
def store(tmp_path: Path) -> SqliteStateStore:
    return SqliteStateStore(tmp_path / "state.sqlite3")


def test_a_token_file_login_takes_its_region_from_its_profile_arn(
    tmp_path: Path, store: SqliteStateStore
) -> None:
    spec = AccountSpec("bob", "token-file", 0, path=tmp_path / "bob.json", profile_arn=ARN)
    login = build_login(spec, store, environ={})
    assert (login.region, login.profile_arn) == ("eu-central-1", ARN)
    assert login.describe == f"token file {tmp_path / 'bob.json'}"
    tokens = login.backend._tokens  # type: ignore[attr-defined]
    assert isinstance(tokens, SharedRefreshingTokenProvider) and tokens.login == "bob"


def test_a_saved_qsmith_login_elsewhere_brings_its_profile(
    tmp_path: Path, store: SqliteStateStore
) -> None:
    config, cache = tmp_path / "work-config", tmp_path / "work-cache"
    config.mkdir()
    record = {"owner": "qsmith", "kind": "IAM Identity Center", "region": "eu-central-1"}
    (config / "login.json").write_text(json.dumps({**record, "profile_arn": ARN}))
    spec = AccountSpec("work", "qsmith", 0, config_dir=config, path=cache)
    login = build_login(spec, store, environ={})
    assert (login.region, login.profile_arn) == ("eu-central-1", ARN)
    tokens = login.backend._tokens  # type: ignore[attr-defined]
    assert tokens.token_file.path == cache / sso_cache_path(SESSION_NAME).name


def test_a_missing_saved_login_is_named(tmp_path: Path, store: SqliteStateStore) -> None:
    spec = AccountSpec("work", "qsmith", 0, config_dir=tmp_path / "nothing")
    with pytest.raises(AccountsFileError, match=r"pool login 'work' \(qsmith\): not logged in"):
        build_login(spec, store, environ={})

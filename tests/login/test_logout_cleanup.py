"""``logout`` leaves no token material behind, even what killed writers left.

A writer killed between writing its temporary and renaming it over the token file leaves
the temporary (holding the token) in the SSO cache folder; logout removes those along
with the token file, whether the login was qsmith's own or imported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.session import logout
from qsmith.login.state import BUILDER_ID, LoginState
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile
from tests.runtime.auth.test_token_file_faults import CANARY, kill_mid_write, temporaries


def _paths(tmp_path: Path) -> LoginPaths:
    return LoginPaths(
        sso_cache_dir=tmp_path / "sso" / "cache",
        config_dir=tmp_path / "config",
        q_cli_db=tmp_path / "q.sqlite3",
        kiro_cli_db=tmp_path / "kiro.sqlite3",
        kiro_token_file=tmp_path / "sso" / "cache" / "kiro-auth-token.json",
    )


@pytest.mark.parametrize("owner", ["qsmith", "kiro"])
def test_logout_removes_the_temporaries_of_killed_token_writers(tmp_path: Path, owner: str) -> None:
    paths = _paths(tmp_path)
    LoginState(owner=owner, kind=BUILDER_ID, region="us-east-1").save(paths.state_file)
    token_path = own_token_path(paths)
    JsonTokenFile(token_path).save(BearerToken("own", expiration=datetime(2099, 1, 1, tzinfo=UTC)))
    kill_mid_write(token_path, 3)
    assert len(temporaries(token_path)) == 3
    assert all(CANARY in p.read_text() for p in temporaries(token_path))

    logout(paths)

    assert temporaries(token_path) == []
    assert temporaries(paths.state_file) == [] and not paths.state_file.exists()
    leftovers = [p for p in paths.sso_cache_dir.iterdir() if CANARY in p.read_text()]
    assert leftovers == []

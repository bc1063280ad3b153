from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qsmith.login.paths import ENV_VARS, LoginPaths
from qsmith.testing import LoopbackServer
from tests.login.fake_oidc import FakeOidc


@pytest.fixture(scope="package")
def oidc_server() -> Iterator[LoopbackServer]:
    """One server for the package (stopping one takes half a second); a fresh fake per test."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def fake_oidc(oidc_server: LoopbackServer) -> Iterator[tuple[FakeOidc, LoopbackServer]]:
    fake = FakeOidc()
    oidc_server.set_handler(fake.handle)
    yield fake, oidc_server
    oidc_server.set_handler(None)


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LoginPaths:
    """Every login path under tmp_path, also through the environment (for the CLI)."""
    environ = {
        ENV_VARS["sso_cache_dir"]: str(tmp_path / "sso-cache"),
        ENV_VARS["config_dir"]: str(tmp_path / "config"),
        ENV_VARS["q_cli_db"]: str(tmp_path / "amazon-q" / "data.sqlite3"),
        ENV_VARS["kiro_cli_db"]: str(tmp_path / "kiro-cli" / "data.sqlite3"),
        ENV_VARS["kiro_token_file"]: str(tmp_path / "sso-cache" / "kiro-auth-token.json"),
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return LoginPaths.from_environment(environ)

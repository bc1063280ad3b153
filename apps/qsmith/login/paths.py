"""Where logins live: qsmith's own files and the other tools' stores, all overridable.

Each location is, in order: an explicit argument, an environment variable, the platform
default. Defaults follow where the tools write (public facts):
- the AWS SSO cache: ``~/.aws/sso/cache``;
- the Amazon Q CLI: ``data.sqlite3`` in the ``amazon-q`` folder of the user's local data
  directory (Linux ``$XDG_DATA_HOME`` or ``~/.local/share``; macOS
  ``~/Library/Application Support``; Windows ``%LOCALAPPDATA%``);
- kiro-cli: the same file in its ``kiro-cli`` folder;
- the Kiro IDE: ``~/.aws/sso/cache/kiro-auth-token.json``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qsmith.runtime.auth.tokens.token_file import sso_cache_path

__all__ = ["ENV_VARS", "SESSION_NAME", "LoginPaths", "local_data_dir", "own_token_path"]

ENV_VARS = {
    "sso_cache_dir": "QSMITH_SSO_CACHE_DIR",
    "config_dir": "QSMITH_CONFIG_DIR",
    "q_cli_db": "QSMITH_Q_CLI_DB",
    "kiro_cli_db": "QSMITH_KIRO_CLI_DB",
    "kiro_token_file": "QSMITH_KIRO_TOKEN_FILE",
}
# The sso-session name of qsmith's own login: its token is ~/.aws/sso/cache/<sha1(name)>.json.
SESSION_NAME = "qsmith"


def local_data_dir(environ: Mapping[str, str], home: Path, platform: str = sys.platform) -> Path:
    if platform == "darwin":
        return home / "Library" / "Application Support"
    if platform.startswith("win"):
        return Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    return Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")


def _config_home(environ: Mapping[str, str], home: Path) -> Path:
    return Path(environ.get("XDG_CONFIG_HOME") or home / ".config")


@dataclass(frozen=True, slots=True)
class LoginPaths:
    sso_cache_dir: Path
    config_dir: Path
    q_cli_db: Path
    kiro_cli_db: Path
    kiro_token_file: Path

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, home: Path | None = None
    ) -> LoginPaths:
        environ = os.environ if environ is None else environ
        home = home or Path(os.path.expanduser("~"))
        data = local_data_dir(environ, home)
        sso_cache = home / ".aws" / "sso" / "cache"
        defaults = {
            "sso_cache_dir": sso_cache,
            "config_dir": _config_home(environ, home) / "qsmith",
            "q_cli_db": data / "amazon-q" / "data.sqlite3",
            "kiro_cli_db": data / "kiro-cli" / "data.sqlite3",
            "kiro_token_file": sso_cache / "kiro-auth-token.json",
        }
        chosen = {
            key: Path(environ[ENV_VARS[key]]) if environ.get(ENV_VARS[key]) else default
            for key, default in defaults.items()
        }
        return cls(**chosen)

    @property
    def state_file(self) -> Path:
        """Which login qsmith uses (own or imported), its kind and chosen profile."""
        return self.config_dir / "login.json"


def own_token_path(paths: LoginPaths) -> Path:
    """qsmith's token file, named as the AWS CLI names an sso-session's cache entry."""
    return paths.sso_cache_dir / sso_cache_path(SESSION_NAME).name

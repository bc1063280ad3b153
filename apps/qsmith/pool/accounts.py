"""The ``--accounts`` file: which logins the pool uses, in what order, and how they rest.

A TOML file::

    strategy = "priority"          # or "round-robin"
    cooldown_seconds = 30          # first rest of a throttled login; doubles per repeat
    max_cooldown_seconds = 1800

    [[login]]
    name = "alice"                 # how logs, usage and the admin page call it
    source = "qsmith"              # qsmith's saved login; another one saved elsewhere:
                                   # config_dir (its login.json), path (its token folder)
    priority = 1                   # lower first (default: the order in the file)

    [[login]]
    name = "bob"
    source = "token-file"          # or "q-cli", "kiro-cli", "kiro" (imported), "sigv4",
                                   # "copilot" (path: a GitHub OAuth token file)
    path = "/srv/q/bob.json"
    region = "eu-central-1"
    profile_arn = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/BOB"

Reading checks everything and names the file and the entry at fault; nothing is opened
or contacted here (``qsmith.pool.logins`` builds the backends).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qsmith.pool.state import DEFAULT_COOLDOWN, CooldownPolicy
from qsmith.runtime.errors import ConfigError

__all__ = [
    "IMPORTED_SOURCES",
    "SOURCES",
    "STRATEGIES",
    "AccountSpec",
    "AccountsFile",
    "AccountsFileError",
    "parse_accounts",
    "read_accounts",
]

IMPORTED_SOURCES = ("q-cli", "kiro-cli", "kiro")
SOURCES = ("qsmith", "token-file", "sigv4", *IMPORTED_SOURCES, "copilot")
STRATEGIES = ("priority", "round-robin")
REFRESHERS = ("oidc", "kiro-social")
_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list"}
_LOGIN_FIELDS: dict[str, type] = {
    "name": str,
    "source": str,
    "path": str,
    "config_dir": str,
    "region": str,
    "profile_arn": str,
    "priority": int,
    "models": list,
    "aws_profile": str,
    "refresher": str,
    "github_api": str,
}
_TOP_FIELDS = {"strategy", "cooldown_seconds", "max_cooldown_seconds", "login"}


class AccountsFileError(ConfigError):
    """The accounts file is unreadable or names something wrong (file and entry given)."""


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One login of the pool as the file describes it."""

    name: str
    source: str
    priority: int
    path: Path | None = None
    config_dir: Path | None = None
    region: str | None = None
    profile_arn: str | None = None
    models: tuple[str, ...] = ()
    aws_profile: str | None = None
    refresher: str = "oidc"
    github_api: str | None = None


@dataclass(frozen=True, slots=True)
class AccountsFile:
    logins: tuple[AccountSpec, ...]
    strategy: str = "priority"
    cooldown: CooldownPolicy = DEFAULT_COOLDOWN


def read_accounts(path: Path) -> AccountsFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AccountsFileError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise AccountsFileError(f"{path}: not valid TOML ({error})") from None
    return parse_accounts(data, where=str(path), base=path.parent)


def parse_accounts(data: Mapping[str, Any], *, where: str, base: Path) -> AccountsFile:
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise AccountsFileError(f"{where}: unknown setting(s) {sorted(unknown)}")
    strategy = data.get("strategy", "priority")
    if strategy not in STRATEGIES:
        raise AccountsFileError(f"{where}: strategy must be one of {list(STRATEGIES)}")
    base_rest = _seconds(data, "cooldown_seconds", 30.0, where)
    ceiling = _seconds(data, "max_cooldown_seconds", 1800.0, where)
    entries = data.get("login", [])
    if not isinstance(entries, list) or not entries:
        raise AccountsFileError(f"{where}: no logins; add at least one [[login]] table")
    logins = tuple(_login(entry, i, where, base) for i, entry in enumerate(entries))
    names = [spec.name for spec in logins]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AccountsFileError(f"{where}: login name(s) used twice: {duplicates}")
    return AccountsFile(logins, strategy, CooldownPolicy(base_rest, max(base_rest, ceiling)))


def _seconds(data: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise AccountsFileError(f"{where}: {key} must be a positive number of seconds")
    return float(value)


def _login(entry: object, index: int, where: str, base: Path) -> AccountSpec:
    at = f"{where}: [[login]] #{index + 1}"
    if not isinstance(entry, dict):
        raise AccountsFileError(f"{at}: expected a table")
    for key, value in entry.items():
        expected = _LOGIN_FIELDS.get(key)
        if expected is None:
            raise AccountsFileError(f"{at}: unknown field {key!r}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise AccountsFileError(f"{at}: {key!r} must be {_TYPE_NAMES[expected]}")
    name, source = entry.get("name"), entry.get("source")
    if not name:
        raise AccountsFileError(f"{at}: 'name' is required")
    at = f"{where}: login {name!r}"
    if source not in SOURCES:
        raise AccountsFileError(f"{at}: 'source' must be one of {list(SOURCES)}")
    if source in ("token-file", "copilot") and "path" not in entry:
        raise AccountsFileError(f"{at}: a {source} login needs 'path'")
    models = tuple(entry.get("models", ()))
    if source == "sigv4" and not models:
        raise AccountsFileError(f"{at}: a sigv4 login needs 'models' (custom:<region>:<id>)")
    if not all(isinstance(m, str) and m for m in models):
        raise AccountsFileError(f"{at}: 'models' must be a list of model ids")
    refresher = entry.get("refresher", "oidc")
    if refresher not in REFRESHERS:
        raise AccountsFileError(f"{at}: 'refresher' must be one of {list(REFRESHERS)}")
    return AccountSpec(
        name=name,
        source=source,
        priority=entry.get("priority", index),
        path=_path(entry.get("path"), base),
        config_dir=_path(entry.get("config_dir"), base),
        region=entry.get("region"),
        profile_arn=entry.get("profile_arn"),
        models=models,
        aws_profile=entry.get("aws_profile"),
        refresher=refresher,
        github_api=entry.get("github_api"),
    )


def _path(value: str | None, base: Path) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path

"""Reading logins other tools made: the Amazon Q CLI, kiro-cli and the Kiro IDE.

- Amazon Q CLI / kiro-cli: a SQLite file with a key-value table ``auth_kv(key, value)``.
  Tokens and client registrations are JSON with snake_case fields (``access_token``,
  ``refresh_token``, ``expires_at`` in RFC 3339, ``region``, ``start_url``; ``client_id``,
  ``client_secret``). The Q CLI's chosen profile is in table ``state``, key
  ``api.codewhisperer.profile`` (JSON with ``arn`` and ``profile_name``).
- Kiro IDE: ``kiro-auth-token.json`` with camelCase fields (``accessToken``,
  ``refreshToken``, ``expiresAt``, ``profileArn``, ``authMethod``, ``provider``, ``region``);
  an Identity Center login names its client registration file by ``clientIdHash``.
The database is opened read-only: qsmith never writes another tool's store.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from qsmith.login.errors import ImportSourceError
from qsmith.login.paths import LoginPaths
from qsmith.login.state import BUILDER_ID, SOCIAL, identity_kind
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.timestamps import parse_timestamp

__all__ = ["IMPORT_SOURCES", "RELOGIN", "ImportedLogin", "read_import"]

IMPORT_SOURCES = ("q-cli", "kiro-cli", "kiro")
Q_CLI_KEYS = ("codewhisperer:odic:token", "codewhisperer:odic:device-registration")
KIRO_CLI_TOKEN_KEYS = ("kirocli:odic:token", "kirocli:social:token")
KIRO_CLI_REGISTRATION_KEY = "kirocli:odic:device-registration"
PROFILE_KEY = "api.codewhisperer.profile"
DEFAULT_REGION = "us-east-1"
# How each tool tells the user to log in again.
RELOGIN = {
    "q-cli": "run `q login` again",
    "kiro-cli": "run `kiro-cli login` again",
    "kiro": "sign in to the Kiro IDE again",
}


@dataclass(frozen=True, slots=True)
class ImportedLogin:
    """A login read from another tool; ``token`` carries what refreshing it would need."""

    owner: str
    kind: str
    token: BearerToken = field(repr=False)
    refresher: str = "oidc"
    profile_arn: str | None = None
    profile_name: str | None = None
    social_provider: str | None = None


def read_import(owner: str, paths: LoginPaths) -> ImportedLogin:
    if owner == "q-cli":
        return read_q_cli(paths.q_cli_db)
    if owner == "kiro-cli":
        return read_kiro_cli(paths.kiro_cli_db)
    if owner == "kiro":
        return read_kiro_ide(paths.kiro_token_file, paths.sso_cache_dir)
    raise ImportSourceError(f"unknown import source {owner!r}; use one of {IMPORT_SOURCES}")


def read_q_cli(db: Path) -> ImportedLogin:
    rows = _read_table(db, "auth_kv")
    token_key, registration_key = Q_CLI_KEYS
    if token_key not in rows:
        raise ImportSourceError(f"{db}: no Amazon Q CLI login (key {token_key!r}); run `q login`")
    data = _json(db, token_key, rows[token_key])
    registration = (
        _json(db, registration_key, rows[registration_key]) if (registration_key in rows) else {}
    )
    profile = _profile(db)
    return _oidc_login("q-cli", db, token_key, data, registration, profile)


def read_kiro_cli(db: Path) -> ImportedLogin:
    rows = _read_table(db, "auth_kv")
    found = [key for key in KIRO_CLI_TOKEN_KEYS if key in rows]
    if not found:
        raise ImportSourceError(
            f"{db}: no kiro-cli login (keys {list(KIRO_CLI_TOKEN_KEYS)}); run `kiro-cli login`"
        )
    logins = [(key, _json(db, key, rows[key])) for key in found]
    # Both kinds present: the one that expires last is the one in use.
    key, data = max(logins, key=lambda pair: str(pair[1].get("expires_at", "")))
    if key == "kirocli:social:token":
        token = _snake_token(db, key, data, source=f"kiro-cli login ({db})")
        return ImportedLogin(
            owner="kiro-cli",
            kind=SOCIAL,
            token=token,
            refresher="kiro-social",
            profile_arn=_optional(data, "profile_arn"),
            social_provider=_optional(data, "provider"),
        )
    registration = (
        _json(db, KIRO_CLI_REGISTRATION_KEY, rows[KIRO_CLI_REGISTRATION_KEY])
        if KIRO_CLI_REGISTRATION_KEY in rows
        else {}
    )
    return _oidc_login("kiro-cli", db, key, data, registration, _profile(db))


def read_kiro_ide(path: Path, sso_cache_dir: Path) -> ImportedLogin:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportSourceError(f"{path} does not exist; sign in to the Kiro IDE first") from None
    except (OSError, ValueError) as exc:
        raise ImportSourceError(
            f"{path}: not a readable JSON file ({type(exc).__name__})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
        raise ImportSourceError(f"{path}: no accessToken")
    method = str(data.get("authMethod") or "social").lower()
    provider = _optional(data, "provider")
    client: dict[str, Any] = {}
    if method != "social" and isinstance(data.get("clientIdHash"), str):
        client = _client_file(sso_cache_dir / f"{data['clientIdHash']}.json")
    token = BearerToken(
        data["accessToken"],
        expiration=_expiry(path, "expiresAt", data.get("expiresAt")),
        source=f"Kiro IDE login ({path})",
        refresh_token=_optional(data, "refreshToken"),
        region=_optional(data, "region") or DEFAULT_REGION,
        client_id=_optional(client, "clientId"),
        client_secret=_optional(client, "clientSecret"),
        start_url=_optional(data, "startUrl"),
    )
    if method == "social":
        kind, refresher = SOCIAL, "kiro-social"
    else:
        builder = (provider or "").lower() == "builderid"
        kind = BUILDER_ID if builder else identity_kind(token.start_url or "enterprise")
        refresher = "oidc"
    return ImportedLogin(
        owner="kiro",
        kind=kind,
        token=token,
        refresher=refresher,
        profile_arn=_optional(data, "profileArn"),
        social_provider=provider if method == "social" else None,
    )


def _oidc_login(
    owner: str,
    db: Path,
    key: str,
    data: dict[str, Any],
    registration: dict[str, Any],
    profile: dict[str, Any],
) -> ImportedLogin:
    token = _snake_token(db, key, data, source=f"{owner} login ({db})", registration=registration)
    kind = identity_kind(token.start_url)
    return ImportedLogin(
        owner=owner,
        kind=kind if token.start_url else BUILDER_ID,
        token=token,
        profile_arn=_optional(profile, "arn"),
        profile_name=_optional(profile, "profile_name"),
    )


def _snake_token(
    db: Path,
    key: str,
    data: dict[str, Any],
    *,
    source: str,
    registration: dict[str, Any] | None = None,
) -> BearerToken:
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise ImportSourceError(f"{db}, key {key!r}: no access_token")
    registration = registration or {}
    return BearerToken(
        access,
        expiration=_expiry(db, key, data.get("expires_at")),
        source=source,
        refresh_token=_optional(data, "refresh_token"),
        region=_optional(data, "region") or _optional(registration, "region") or DEFAULT_REGION,
        client_id=_optional(registration, "client_id"),
        client_secret=_optional(registration, "client_secret"),
        start_url=_optional(data, "start_url"),
    )


def _read_table(db: Path, table: str) -> dict[str, Any]:
    if not db.is_file():
        raise ImportSourceError(f"{db} does not exist (set its path with the QSMITH_*_DB variable)")
    try:
        connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # table is one of two constants of this module, never user input
            rows = connection.execute(f"SELECT key, value FROM {table}").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise ImportSourceError(f"{db}: cannot read table {table!r} ({exc})") from None
    return {str(key): value for key, value in rows}


def _profile(db: Path) -> dict[str, Any]:
    try:
        rows = _read_table(db, "state")
    except ImportSourceError:
        return {}  # no state table: no profile chosen
    return _json(db, PROFILE_KEY, rows[PROFILE_KEY]) if PROFILE_KEY in rows else {}


def _json(db: Path, key: str, value: Any) -> dict[str, Any]:
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    try:
        data: Any = json.loads(text)
    except (TypeError, ValueError):
        raise ImportSourceError(f"{db}, key {key!r}: the value is not JSON") from None
    if not isinstance(data, dict):
        raise ImportSourceError(f"{db}, key {key!r}: expected a JSON object")
    return data


def _client_file(path: Path) -> dict[str, Any]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # without its client the token is used as it is, never refreshed
    return data if isinstance(data, dict) else {}


def _expiry(where: Path, key: str, value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_timestamp(str(value))
    except ValueError as exc:
        raise ImportSourceError(f"{where}, {key!r}: {exc}") from None


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None

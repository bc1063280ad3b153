"""Token files: the AWS SSO cache (``~/.aws/sso/cache/<sha1>.json``) and Amazon Q token files.

Both are JSON objects with camelCase fields: ``accessToken``, ``expiresAt`` (RFC 3339),
and optionally ``refreshToken``, ``region``, ``clientId``, ``clientSecret``, ``startUrl``.
Saving keeps every other field of the file (a profile ARN, a registration expiry) as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from qsmith.runtime.auth.errors import NoTokenError, TokenExpiredError
from qsmith.runtime.auth.files import write_private_json
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.timestamps import format_timestamp, parse_timestamp
from qsmith.runtime.errors import ConfigError

__all__ = [
    "JsonTokenFile",
    "SsoCacheTokenProvider",
    "TokenFileProvider",
    "sso_cache_dir",
    "sso_cache_path",
]

LOGIN_HINT = "log in again with `qsmith login` (or `aws sso login`)"


def sso_cache_dir(home: Path | None = None) -> Path:
    return (home or Path(os.path.expanduser("~"))) / ".aws" / "sso" / "cache"


def sso_cache_path(session_name_or_start_url: str, home: Path | None = None) -> Path:
    """The cache file the AWS CLI writes: named by the SHA-1 of the session name or start URL."""
    digest = hashlib.sha1(session_name_or_start_url.encode("utf-8")).hexdigest()
    return sso_cache_dir(home) / f"{digest}.json"


def _optional_str(data: dict[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{path}: field {key!r} must be a string")
    return value


class JsonTokenFile:
    """Reads and writes one token file (the store behind a refreshing provider)."""

    def __init__(self, path: Path, *, source: str | None = None) -> None:
        self.path = path
        self.source = source or f"token file {path}"

    def load(self) -> BearerToken:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NoTokenError(f"{self.path} does not exist") from None
        except OSError as exc:
            raise NoTokenError(f"{self.path} cannot be read: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{self.path}, line {exc.lineno}: not valid JSON ({exc.msg})"
            ) from None
        if not isinstance(data, dict):
            raise ConfigError(f"{self.path}: expected a JSON object")
        token = _optional_str(data, "accessToken", self.path)
        if not token:
            raise NoTokenError(f"{self.path} has no accessToken")
        expires = _optional_str(data, "expiresAt", self.path)
        try:
            expiration = parse_timestamp(expires) if expires else None
        except ValueError as exc:
            raise ConfigError(f"{self.path}: field 'expiresAt': {exc}") from None
        return BearerToken(
            token,
            expiration=expiration,
            source=self.source,
            refresh_token=_optional_str(data, "refreshToken", self.path),
            region=_optional_str(data, "region", self.path),
            client_id=_optional_str(data, "clientId", self.path),
            client_secret=_optional_str(data, "clientSecret", self.path),
            start_url=_optional_str(data, "startUrl", self.path),
        )

    def save(self, token: BearerToken) -> None:
        """Write the token atomically (0600), keeping the file's other fields."""
        try:
            existing = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = {}
        data: dict[str, Any] = existing if isinstance(existing, dict) else {}
        data["accessToken"] = token.token
        if token.expiration is not None:
            data["expiresAt"] = format_timestamp(token.expiration)
        for key, value in (
            ("refreshToken", token.refresh_token),
            ("region", token.region),
            ("clientId", token.client_id),
            ("clientSecret", token.client_secret),
            ("startUrl", token.start_url),
        ):
            if value is not None:
                data[key] = value
        write_private_json(self.path, data)


class TokenFileProvider:
    """A token read from a JSON token file; an expired token raises ``TokenExpiredError``."""

    def __init__(self, path: Path, *, source: str | None = None, login_hint: str = LOGIN_HINT):
        self.store = JsonTokenFile(path, source=source)
        self._login_hint = login_hint

    @property
    def source(self) -> str:
        return self.store.source

    def resolve_token(self) -> BearerToken:
        token = self.store.load()
        if token.expiration is not None and token.expiration <= utc_now():
            raise TokenExpiredError(self.source, self._login_hint)
        return token

    def __repr__(self) -> str:
        return f"TokenFileProvider({self.store.path})"


class SsoCacheTokenProvider(TokenFileProvider):
    """The AWS SSO cache entry of one sso-session (or legacy start URL); never globbed."""

    def __init__(self, session_name_or_start_url: str, *, home: Path | None = None) -> None:
        path = sso_cache_path(session_name_or_start_url, home)
        super().__init__(
            path,
            source=f"AWS SSO cache for {session_name_or_start_url!r} ({path})",
            login_hint=f"log in again with `qsmith login` or `aws sso login` "
            f"for {session_name_or_start_url!r}",
        )

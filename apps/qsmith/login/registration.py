"""Client registrations, cached in the AWS SSO cache until shortly before they expire.

A registration file holds ``clientId``, ``clientSecret``, ``expiresAt`` (RFC 3339) and
``scopes``, as the AWS CLI writes them, named by the SHA-1 of what it is for (tool, start
URL, region, scopes), so a change of any of these registers a new client.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from qsmith.login.oidc import ClientRegistration, OidcApi
from qsmith.runtime.auth.files import write_private_json
from qsmith.runtime.auth.timestamps import format_timestamp, parse_timestamp

__all__ = ["CLIENT_NAME", "REUSE_MARGIN", "RegistrationCache"]

CLIENT_NAME = "qsmith"
# A registration is reused only when it outlives this margin: the refresh-token grant needs
# the client too, so one about to expire would soon make the login fail.
REUSE_MARGIN = timedelta(days=1)
_log = logging.getLogger("qsmith.login")


class RegistrationCache:
    """Registers a public client, or reuses the cached one for the same purpose."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def path_for(self, start_url: str, region: str, scopes: Sequence[str]) -> Path:
        key = json.dumps(
            {"tool": CLIENT_NAME, "startUrl": start_url, "region": region, "scopes": list(scopes)},
            sort_keys=True,
        )
        return self.cache_dir / f"{hashlib.sha1(key.encode('utf-8')).hexdigest()}.json"

    def get(
        self, api: OidcApi, start_url: str, scopes: Sequence[str], now: datetime
    ) -> ClientRegistration:
        path = self.path_for(start_url, api.region, scopes)
        cached = _read(path)
        if cached is not None and cached.expires_at > now + REUSE_MARGIN:
            _log.debug("reusing the client registration in %s", path)
            return cached
        registration = api.register_client(
            client_name=CLIENT_NAME, client_type="public", scopes=scopes
        )
        write_private_json(
            path,
            {
                "clientId": registration.client_id,
                "clientSecret": registration.client_secret,
                "expiresAt": format_timestamp(registration.expires_at),
                "scopes": list(scopes),
            },
        )
        return registration


def _read(path: Path) -> ClientRegistration | None:
    """The cached registration, or None when absent or unusable (it is then replaced)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return ClientRegistration(
            client_id=str(data["clientId"]),
            client_secret=str(data["clientSecret"]),
            expires_at=parse_timestamp(str(data["expiresAt"])),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        _log.warning("ignoring the unreadable client registration %s", path)
        return None

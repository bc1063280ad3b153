"""The record of the current login (``login.json`` in qsmith's config folder).

It holds no secret: who owns the token (qsmith, or the tool it was imported from), what
kind of identity it is, its region and start URL, which refresher renews it, and the chosen
profile. The token itself stays in the AWS SSO cache (qsmith's) or the other tool's store.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from qsmith.login.errors import NotLoggedInError
from qsmith.runtime.auth.files import write_private_json
from qsmith.runtime.errors import ConfigError

__all__ = [
    "BUILDER_ID",
    "BUILDER_ID_START_URL",
    "IDENTITY_CENTER",
    "OWNERS",
    "SOCIAL",
    "LoginState",
    "identity_kind",
]

BUILDER_ID_START_URL = "https://view.awsapps.com/start"
BUILDER_ID = "AWS Builder ID"
IDENTITY_CENTER = "IAM Identity Center"
SOCIAL = "Kiro social login"
OWNERS = ("qsmith", "q-cli", "kiro-cli", "kiro")
REFRESHERS = ("oidc", "kiro-social")


def identity_kind(start_url: str | None) -> str:
    if start_url is None or start_url.rstrip("/") == BUILDER_ID_START_URL:
        return BUILDER_ID
    return IDENTITY_CENTER


@dataclass(frozen=True, slots=True)
class LoginState:
    """``owner`` made the token and refreshes it; qsmith refreshes only its own."""

    owner: str
    kind: str
    region: str | None = None
    start_url: str | None = None
    refresher: str = "oidc"
    profile_arn: str | None = None
    profile_name: str | None = None
    social_provider: str | None = None
    # The other tool's store when given with --from (else its usual place).
    import_path: str | None = None

    @property
    def imported(self) -> bool:
        return self.owner != "qsmith"

    def save(self, path: Path) -> None:
        data = {key: value for key, value in asdict(self).items() if value is not None}
        write_private_json(path, data)

    @classmethod
    def load(cls, path: Path) -> LoginState:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotLoggedInError(
                "not logged in: run `qsmith login` (AWS Builder ID), `qsmith login --start-url "
                "URL --region R` (IAM Identity Center) or `qsmith login --import q-cli|kiro-cli|"
                "kiro`"
            ) from None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot be read as JSON ({exc})") from None
        known = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or not {"owner", "kind"} <= data.keys():
            raise ConfigError(f"{path}: expected a JSON object with 'owner' and 'kind'")
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"{path}: unknown field(s) {sorted(unknown)}")
        if data["owner"] not in OWNERS:
            raise ConfigError(f"{path}: 'owner' must be one of {list(OWNERS)}")
        if data.get("refresher", "oidc") not in REFRESHERS:
            raise ConfigError(f"{path}: 'refresher' must be one of {list(REFRESHERS)}")
        return cls(**data)

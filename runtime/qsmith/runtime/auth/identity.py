"""The two identities qsmith signs with: AWS credentials and bearer tokens.

Both redact their secrets in ``repr``/``str``; the access key id is shown masked
(first four and last four characters), which is how ``qsmith auth status`` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["AwsCredentials", "BearerToken", "mask_access_key_id", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def mask_access_key_id(access_key_id: str) -> str:
    """``AKIA…WXYZ``: enough to tell keys apart, too little to use one."""
    if len(access_key_id) <= 8:
        return "*" * len(access_key_id)
    return f"{access_key_id[:4]}{'*' * (len(access_key_id) - 8)}{access_key_id[-4:]}"


def _expires_within(expiration: datetime | None, margin: timedelta, now: datetime | None) -> bool:
    if expiration is None:
        return False
    return (now or utc_now()) + margin >= expiration


@dataclass(frozen=True, slots=True)
class AwsCredentials:
    """An AWS access key pair, an optional session token and, if temporary, the expiry.

    ``source`` names the provider that produced them (shown by ``qsmith auth status``).
    """

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None
    source: str = "static"
    account_id: str | None = None

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        return _expires_within(self.expiration, margin, now)

    def __repr__(self) -> str:
        return (
            f"AwsCredentials(access_key_id={mask_access_key_id(self.access_key_id)!r}, "
            f"secret_access_key='<redacted>', session_token="
            f"{'<redacted>' if self.session_token else None!r}, "
            f"expiration={self.expiration!r}, source={self.source!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class BearerToken:
    """A bearer access token, its expiry, and what is needed to renew it.

    ``refresh_token``, ``client_id``, ``client_secret`` and ``region`` come from token
    files (AWS SSO cache, Amazon Q / Kiro token files) and feed a refresher.
    """

    token: str = field(repr=False)
    expiration: datetime | None = None
    source: str = "static"
    refresh_token: str | None = field(default=None, repr=False)
    region: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    start_url: str | None = None

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        return _expires_within(self.expiration, margin, now)

    def __repr__(self) -> str:
        return (
            f"BearerToken(token='<redacted>', expiration={self.expiration!r}, "
            f"source={self.source!r}, region={self.region!r}, "
            f"refreshable={self.refresh_token is not None})"
        )

    __str__ = __repr__

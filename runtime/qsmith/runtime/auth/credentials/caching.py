"""Caches temporary credentials and renews them before they expire (one renewal at a time)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.identity import AwsCredentials, utc_now
from qsmith.runtime.errors import QsmithError

__all__ = ["DEFAULT_CREDENTIAL_REFRESH_MARGIN", "CachingCredentialsProvider"]

DEFAULT_CREDENTIAL_REFRESH_MARGIN = timedelta(minutes=5)
_log = logging.getLogger("qsmith.auth")


class CachingCredentialsProvider:
    """Wraps a provider: long-term credentials are kept; temporary ones until ``margin``
    before expiry. A failed renewal keeps serving the cached credentials while valid."""

    def __init__(
        self, inner: CredentialProvider, margin: timedelta = DEFAULT_CREDENTIAL_REFRESH_MARGIN
    ) -> None:
        self._inner = inner
        self._margin = margin
        self._cached: AwsCredentials | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._inner.name

    def __repr__(self) -> str:
        return f"CachingCredentialsProvider({self._inner!r})"

    def _fresh(self, credentials: AwsCredentials | None) -> bool:
        return credentials is not None and not credentials.expires_within(self._margin)

    def resolve_credentials(self) -> AwsCredentials:
        cached = self._cached
        if cached is not None and self._fresh(cached):
            return cached
        with self._lock:
            cached = self._cached
            if cached is not None and self._fresh(cached):
                return cached
            try:
                self._cached = self._inner.resolve_credentials()
            except QsmithError as exc:
                if cached is not None and (cached.expiration or utc_now()) > utc_now():
                    _log.warning("renewing credentials from %s failed: %s", self.name, exc)
                    return cached
                raise
            return self._cached

"""A bearer token provider that renews its token ahead of expiry, once, however many wait.

Three layers keep refreshes single:
- in memory, a fresh token is returned without locking;
- within a process, a ``threading.Lock`` lets one thread refresh while the others wait
  and then take its result (asyncio callers wait in a worker thread);
- across processes, an ``fcntl`` lock beside the token file; whoever takes it re-reads the
  file first, because another process may already have refreshed and rotated the refresh
  token (using the old one again would be refused).

The renewed token is saved atomically with mode 0600. A refresh that fails leaves the file
as it was; the old token is still served while it has not expired (and the refresh is
tried again after ``RETRY_AFTER_FAILURE``). Once it has expired, a failing endpoint (an
outage answering 5xx) is called again only after a delay that doubles from
``REFRESH_BACKOFF_FIRST`` up to ``REFRESH_BACKOFF_MAX``; resolving meanwhile raises
``TokenRefreshBackoffError`` at once, saying when the next call will be made.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from qsmith.runtime.auth.errors import (
    LoginRequiredError,
    NoTokenError,
    TokenExpiredError,
    TokenRefreshBackoffError,
    TokenRefreshError,
)
from qsmith.runtime.auth.files import file_lock
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.tokens.token_file import LOGIN_HINT, JsonTokenFile
from qsmith.runtime.errors import QsmithError

__all__ = [
    "DEFAULT_REFRESH_MARGIN",
    "REFRESH_BACKOFF_FIRST",
    "REFRESH_BACKOFF_MAX",
    "RefreshingTokenProvider",
    "TokenRefresher",
]

DEFAULT_REFRESH_MARGIN = timedelta(minutes=5)
# After a failed refresh, the still-valid old token is served this long before trying again,
# so a service outage does not turn every request into a refresh call.
RETRY_AFTER_FAILURE = timedelta(seconds=30)
# With no valid token left, each failed refresh doubles the wait before the next call, from
# the first delay up to the bound: an outage is not hammered, a recovery is seen within a
# minute.
REFRESH_BACKOFF_FIRST = timedelta(seconds=1)
REFRESH_BACKOFF_MAX = timedelta(seconds=60)
_log = logging.getLogger("qsmith.auth")


class TokenRefresher(Protocol):
    """Exchanges a token (with its refresh token) for a new one.

    Implementations: the OIDC refresh-token grant (``OidcRefresher``); the login issue's
    social refresher. Raise ``TokenRefreshError`` (``login_required`` when the grant is gone).
    """

    def refresh(self, token: BearerToken) -> BearerToken: ...


class RefreshingTokenProvider:
    """Serves the token of a ``JsonTokenFile``, refreshing it ``margin`` before expiry."""

    def __init__(
        self,
        store: JsonTokenFile,
        refresher: TokenRefresher,
        *,
        margin: timedelta = DEFAULT_REFRESH_MARGIN,
        login_hint: str = LOGIN_HINT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self._refresher = refresher
        self._margin = margin
        self._login_hint = login_hint
        self._clock = clock
        self._current: BearerToken | None = None
        self._lock = threading.Lock()
        # No refresh call before this instant (after a failure); why the last one failed,
        # and how many failed in a row.
        self._quiet_until: datetime | None = None
        self._last_failure = ""
        self._failures = 0
        # A refresh token the service refused for good is never sent again: only a new
        # login (a new refresh token in the file) makes refreshing worth another call.
        self._refused_refresh_token: str | None = None

    @property
    def source(self) -> str:
        return f"{self.store.source} (refreshing)"

    def __repr__(self) -> str:
        return f"RefreshingTokenProvider({self.store.path})"

    def resolve_token(self) -> BearerToken:
        current = self._current
        if current is not None and not current.expires_within(self._margin, self._clock()):
            return current
        with self._lock:
            current = self._current
            if current is not None and not current.expires_within(self._margin, self._clock()):
                return current  # another thread refreshed while we waited
            self._current = self._load_or_refresh()
            return self._current

    def peek_token(self) -> BearerToken:
        """The stored token as it is, expired or not, without refreshing (for status)."""
        return self._current or self.store.load()

    async def resolve_token_async(self) -> BearerToken:
        """The same, for asyncio: the fast path stays on the loop, a refresh runs in a thread."""
        current = self._current
        if current is not None and not current.expires_within(self._margin, self._clock()):
            return current
        import asyncio  # here: a blocking program never loads asyncio

        return await asyncio.to_thread(self.resolve_token)

    def _load_or_refresh(self) -> BearerToken:
        token = self.store.load()
        now = self._clock()
        if not token.expires_within(self._margin, now):
            return token
        if self._quiet_until is not None and now < self._quiet_until:
            if not token.expires_within(timedelta(0), now):
                return token
            raise self._backoff_error(now)
        with file_lock(self.store.path):
            token = self.store.load()  # another process may have refreshed meanwhile
            if not token.expires_within(self._margin, self._clock()):
                return token
            return self._refresh(token)

    def _refresh(self, token: BearerToken) -> BearerToken:
        if not token.refresh_token:
            return self._keep_or_expire(token, "it has no refresh token")
        if token.refresh_token == self._refused_refresh_token:
            raise LoginRequiredError(self.store.source, self._login_hint)
        try:
            renewed = self._refresher.refresh(token)
        except QsmithError as exc:
            _log.warning("refreshing the token from %s failed: %s", self.store.source, exc)
            if isinstance(exc, TokenRefreshError) and exc.login_required:
                self._refused_refresh_token = token.refresh_token
                raise LoginRequiredError(self.store.source, self._login_hint) from exc
            return self._after_failure(token, exc)
        if not renewed.token:
            raise NoTokenError(f"the refresher for {self.store.source} returned no token")
        self._quiet_until, self._failures = None, 0
        self.store.save(renewed)
        _log.info(
            "refreshed the token from %s; it expires at %s", self.store.source, renewed.expiration
        )
        return renewed

    def _after_failure(self, token: BearerToken, error: QsmithError) -> BearerToken:
        """Serve a still-valid token (and wait a while); else back off and raise."""
        self._failures += 1
        self._last_failure = str(error)
        now = self._clock()
        if token.expiration is None or token.expiration > now:
            self._quiet_until = now + RETRY_AFTER_FAILURE
            return self._keep_or_expire(token, "the refresh failed", cause=error)
        delay = min(REFRESH_BACKOFF_MAX, REFRESH_BACKOFF_FIRST * 2 ** min(self._failures - 1, 30))
        self._quiet_until = now + delay
        raise self._backoff_error(now) from error

    def _backoff_error(self, now: datetime) -> TokenRefreshBackoffError:
        assert self._quiet_until is not None
        return TokenRefreshBackoffError(
            self.store.source,
            self._login_hint,
            reason=self._last_failure or "an earlier refresh failed",
            retry_in=(self._quiet_until - now).total_seconds(),
            failures=self._failures,
        )

    def _keep_or_expire(
        self, token: BearerToken, why: str, cause: BaseException | None = None
    ) -> BearerToken:
        """Serve the old token while it is valid; once expired, say how to log in again."""
        if token.expiration is None or token.expiration > self._clock():
            _log.info("keeping the token from %s until it expires (%s)", self.store.source, why)
            return token
        raise TokenExpiredError(self.store.source, self._login_hint) from cause

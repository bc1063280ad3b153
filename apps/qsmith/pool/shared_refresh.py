"""A refreshing token provider whose refresh is single-flight across every gateway replica.

The runtime's ``RefreshingTokenProvider`` is single-flight within a host (a file lock
beside the token file). Replicas on several hosts each hold a copy of a login's token
file, and an OIDC refresh token may rotate: two hosts refreshing at once would burn it.
So the refresh runs under the state store's lock (a lease, so a crashed holder does not
block the login forever, and a fencing number, so a holder whose lease ran out cannot
overwrite a newer token), and the renewed token is published as a shared value that
every replica reads before thinking of refreshing. Waiters poll the shared value until it
holds a fresh token or the lock is theirs.

The shared value holds the token and its refresh token: a Redis used for state must be
as private as the token files (password, private network; see the design note).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from qsmith.pool.state import StateStore
from qsmith.runtime.auth.errors import (
    LoginRequiredError,
    NoTokenError,
    TokenExpiredError,
    TokenRefreshError,
)
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.timestamps import format_timestamp, parse_timestamp
from qsmith.runtime.auth.tokens.refreshing import DEFAULT_REFRESH_MARGIN, TokenRefresher
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile
from qsmith.runtime.errors import QsmithError

__all__ = ["SharedRefreshingTokenProvider"]

_log = logging.getLogger("qsmith.pool")
POLL_INTERVAL = 0.05


class SharedRefreshingTokenProvider:
    """Serves ``login``'s token from its file or the shared store, refreshing it once."""

    def __init__(
        self,
        login: str,
        token_file: JsonTokenFile,
        refresher: TokenRefresher,
        state: StateStore,
        *,
        login_hint: str,
        margin: timedelta = DEFAULT_REFRESH_MARGIN,
        lease: float = 30.0,
        wait: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.login = login
        self.token_file = token_file
        self._refresher = refresher
        self._state = state
        self._login_hint = login_hint
        self._margin = margin
        self._lease = lease
        self._wait = wait
        self._clock = clock
        self._current: BearerToken | None = None
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        return f"{self.token_file.source} (pool login {self.login}, shared refresh)"

    def __repr__(self) -> str:
        return f"SharedRefreshingTokenProvider({self.login!r})"

    def _fresh(self, token: BearerToken | None) -> bool:
        return token is not None and not token.expires_within(self._margin)

    def resolve_token(self) -> BearerToken:
        if self._fresh(self._current):
            assert self._current is not None
            return self._current
        with self._lock:
            if not self._fresh(self._current):
                self._current = self._obtain()
            assert self._current is not None
            return self._current

    def peek_token(self) -> BearerToken:
        return self._current or self._newest()

    def _newest(self) -> BearerToken:
        """The later-expiring of the token file's and the shared store's token."""
        shared = _decode(self._state.shared_value(self._value_name), self.token_file.source)
        try:
            local: BearerToken | None = self.token_file.load()
        except NoTokenError:
            if shared is None:
                raise
            local = None
        candidates = [t for t in (local, shared) if t is not None]
        return max(candidates, key=_expiry)

    @property
    def _value_name(self) -> str:
        return f"token:{self.login}"

    def _obtain(self) -> BearerToken:
        token = self._newest()
        if self._fresh(token):
            return token
        holder = uuid.uuid4().hex
        deadline = self._clock() + self._wait
        lock = f"refresh:{self.login}"
        while (fence := self._state.acquire(lock, holder, self._lease, self._clock())) is None:
            time.sleep(POLL_INTERVAL)
            token = self._newest()
            if self._fresh(token):
                return token  # another replica refreshed
            if self._clock() > deadline:
                return self._keep_or_expire(token)
        try:
            token = self._newest()
            if self._fresh(token):
                return token
            return self._refresh(token, fence)
        finally:
            self._state.release(lock, holder)

    def _refresh(self, token: BearerToken, fence: int) -> BearerToken:
        if not token.refresh_token:
            return self._keep_or_expire(token)
        try:
            renewed = self._refresher.refresh(token)
        except QsmithError as error:
            _log.warning("refreshing pool login %s failed: %s", self.login, error)
            if isinstance(error, TokenRefreshError) and error.login_required:
                raise LoginRequiredError(self.token_file.source, self._login_hint) from error
            return self._keep_or_expire(token)
        if not self._state.put_shared_value(self._value_name, _encode(renewed), fence):
            _log.warning("pool login %s: a newer refresh won; using its token", self.login)
            return self._newest()
        try:
            self.token_file.save(renewed)
        except OSError as error:  # the shared copy is enough to go on
            _log.warning("pool login %s: token file not updated (%s)", self.login, error.strerror)
        _log.info("refreshed pool login %s; it expires at %s", self.login, renewed.expiration)
        return renewed

    def _keep_or_expire(self, token: BearerToken) -> BearerToken:
        if token.expires_within(timedelta(0)):
            raise TokenExpiredError(self.token_file.source, self._login_hint)
        return token


def _expiry(token: BearerToken) -> float:
    return token.expiration.timestamp() if token.expiration else math.inf


def _encode(token: BearerToken) -> str:
    data = {
        "accessToken": token.token,
        "expiresAt": format_timestamp(token.expiration) if token.expiration else None,
        "refreshToken": token.refresh_token,
        "region": token.region,
        "clientId": token.client_id,
        "clientSecret": token.client_secret,
        "startUrl": token.start_url,
    }
    return json.dumps(data)


def _decode(value: str | None, source: str) -> BearerToken | None:
    if value is None:
        return None
    data = json.loads(value)
    expires = data.get("expiresAt")
    return BearerToken(
        data["accessToken"],
        expiration=parse_timestamp(expires) if expires else None,
        source=source,
        refresh_token=data.get("refreshToken"),
        region=data.get("region"),
        client_id=data.get("clientId"),
        client_secret=data.get("clientSecret"),
        start_url=data.get("startUrl"),
    )

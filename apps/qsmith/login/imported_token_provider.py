"""A token provider for a login another tool owns: read afresh, never refreshed by qsmith.

Refreshing rotates the refresh token, which would log the other tool out; so qsmith keeps
the token it read until shortly before expiry, then reads the other tool's store again
(that tool will have refreshed it meanwhile, if it runs). An expired token says which tool
to log in with, or how to let qsmith take the login over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from qsmith.login.other_tool_logins import RELOGIN, ImportedLogin
from qsmith.runtime.auth.errors import TokenExpiredError
from qsmith.runtime.auth.identity import BearerToken

__all__ = ["REREAD_MARGIN", "ImportedTokenProvider"]

REREAD_MARGIN = timedelta(minutes=1)


class ImportedTokenProvider:
    def __init__(self, owner: str, read: Callable[[], ImportedLogin]) -> None:
        self._owner = owner
        self._read = read
        self._current: BearerToken | None = None

    @property
    def source(self) -> str:
        return f"{self._owner} login (imported; {self._owner} refreshes it)"

    def __repr__(self) -> str:
        return f"ImportedTokenProvider({self._owner!r})"

    def resolve_token(self) -> BearerToken:
        current = self._current
        if current is not None and not current.expires_within(REREAD_MARGIN):
            return current
        token = self._read().token
        if token.expires_within(timedelta(0)):
            raise TokenExpiredError(
                self.source,
                f"{RELOGIN[self._owner]}, or run `qsmith login --import {self._owner} "
                "--take-over` so that qsmith refreshes it (the other tool then needs a new "
                "login)",
            )
        self._current = token
        return token

    def peek_token(self) -> BearerToken:
        """The token as the other tool stored it, expired or not."""
        return self._read().token

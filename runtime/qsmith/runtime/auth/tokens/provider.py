"""The bearer token provider interface and the two simplest providers (static, environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from qsmith.runtime.auth.errors import NoTokenError
from qsmith.runtime.auth.identity import BearerToken

__all__ = ["DEFAULT_TOKEN_ENV_VAR", "EnvTokenProvider", "StaticTokenProvider", "TokenProvider"]

DEFAULT_TOKEN_ENV_VAR = "QSMITH_BEARER_TOKEN"


@runtime_checkable
class TokenProvider(Protocol):
    """Gives a bearer token or raises ``NoTokenError`` / ``TokenExpiredError``."""

    @property
    def source(self) -> str:
        """Where tokens come from, for messages and ``qsmith auth status`` (no secrets)."""
        ...

    def resolve_token(self) -> BearerToken: ...


class StaticTokenProvider:
    """Always the same token (given in code)."""

    # Read by ``AuthResolver.resolve_async``: no need for a worker thread.
    resolves_without_io = True

    def __init__(self, token: BearerToken | str) -> None:
        self._token = token if isinstance(token, BearerToken) else BearerToken(token)

    @property
    def source(self) -> str:
        return "static token"

    def resolve_token(self) -> BearerToken:
        return self._token

    def __repr__(self) -> str:
        return "StaticTokenProvider(<redacted>)"


class EnvTokenProvider:
    """The token in an environment variable (read on every call, so a change is seen)."""

    def __init__(
        self, variable: str = DEFAULT_TOKEN_ENV_VAR, environ: Mapping[str, str] | None = None
    ) -> None:
        self._variable = variable
        self._environ = environ

    @property
    def source(self) -> str:
        return f"environment variable {self._variable}"

    def resolve_token(self) -> BearerToken:
        environ = os.environ if self._environ is None else self._environ
        value = environ.get(self._variable, "").strip()
        if not value:
            raise NoTokenError(f"{self._variable} is not set")
        return BearerToken(value, source=self.source)

    def __repr__(self) -> str:
        return f"EnvTokenProvider({self._variable!r})"

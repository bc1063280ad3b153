"""Errors of identity resolution and signing, beneath the families of ``qsmith.runtime.errors``.

Messages name sources, files, lines and commands, never a secret value.
"""

from __future__ import annotations

from collections.abc import Sequence

from qsmith.runtime.errors import ConfigError, IdentityError, SigningError

__all__ = [
    "ConfigFileError",
    "CredentialSourceError",
    "LoginRequiredError",
    "NoCredentialsError",
    "NoTokenError",
    "SignatureError",
    "TokenExpiredError",
    "TokenRefreshError",
]


class SignatureError(SigningError):
    """The request cannot be signed as asked (e.g. a streaming body with a signed payload)."""


class ConfigFileError(ConfigError):
    """A shared config or credentials file is malformed; names the file and the line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class CredentialSourceError(IdentityError):
    """A configured source of credentials exists but failed (bad answer, refused call)."""


class NoCredentialsError(IdentityError):
    """No source of the chain gave credentials; lists every source tried and why."""

    def __init__(self, attempts: Sequence[tuple[str, str]]) -> None:
        self.attempts = list(attempts)
        lines = "\n".join(f"  - {source}: {reason}" for source, reason in self.attempts)
        super().__init__(f"no AWS credentials found; sources tried in order:\n{lines}")


class NoTokenError(IdentityError):
    """No bearer token is available from a source."""


class TokenExpiredError(IdentityError):
    """The bearer token has expired and cannot be refreshed; says how to log in again."""

    def __init__(self, source: str, how_to_login: str) -> None:
        self.source = source
        self.how_to_login = how_to_login
        super().__init__(f"the bearer token from {source} has expired; {how_to_login}")


class LoginRequiredError(TokenExpiredError):
    """The refresh was refused for good (``invalid_grant``): the login itself is gone."""

    def __init__(self, source: str, how_to_login: str) -> None:
        super().__init__(source, how_to_login)
        self.args = (
            f"the login behind {source} is no longer valid (the service refused to refresh "
            f"it, e.g. invalid_grant); {how_to_login}",
        )


class TokenRefreshError(IdentityError):
    """Refreshing a bearer token failed.

    ``login_required`` is true when the grant itself is gone (``invalid_grant``): retrying
    cannot help, the user must log in again.
    """

    def __init__(self, message: str, *, login_required: bool = False) -> None:
        self.login_required = login_required
        super().__init__(message)

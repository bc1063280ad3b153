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
    "TokenRefreshBackoffError",
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


class TokenRefreshBackoffError(TokenExpiredError):
    """The token has expired and refreshing it failed for a reason that may pass (an HTTP 5xx,
    a network error); the endpoint is not called again before ``retry_in`` seconds.

    ``failures`` counts the refreshes that failed in a row; ``reason`` is the last one's.
    """

    def __init__(
        self, source: str, how_to_login: str, *, reason: str, retry_in: float, failures: int
    ) -> None:
        super().__init__(source, how_to_login)
        self.reason = reason
        self.retry_in = retry_in
        self.failures = failures
        self.args = (
            f"the bearer token from {source} has expired and refreshing it failed "
            f"{failures} time(s) in a row ({reason}); the next refresh is tried in "
            f"{retry_in:.1f} s, and resolving the token before then fails at once. "
            f"If this persists, {how_to_login}",
        )


class TokenRefreshError(IdentityError):
    """Refreshing a bearer token failed.

    ``login_required`` is true when the grant itself is gone (``invalid_grant``): retrying
    cannot help, the user must log in again.
    """

    def __init__(self, message: str, *, login_required: bool = False) -> None:
        self.login_required = login_required
        super().__init__(message)

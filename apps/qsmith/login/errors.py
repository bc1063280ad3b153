"""Errors of logging in and of reading other tools' logins (never carrying a secret)."""

from __future__ import annotations

from qsmith.runtime.errors import ConfigError, IdentityError

__all__ = [
    "AuthorizationDeniedError",
    "DeviceCodeExpiredError",
    "ImportSourceError",
    "LoginError",
    "NotLoggedInError",
    "OidcApiError",
]


class LoginError(IdentityError):
    """Logging in did not produce a token."""


class OidcApiError(LoginError):
    """SSO OIDC answered with an error; ``code`` is the OAuth error code (``slow_down``...)."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None) -> None:
        self.code = code
        self.http_status = http_status
        super().__init__(message)


class AuthorizationDeniedError(LoginError):
    """The user declined the request in the browser (``access_denied``)."""


class DeviceCodeExpiredError(LoginError):
    """Nobody approved the request before the device code expired (``expired_token``)."""


class NotLoggedInError(IdentityError):
    """No qsmith login is recorded; says how to log in."""


class ImportSourceError(ConfigError):
    """Another tool's login store is missing or unreadable; names the file and the key."""

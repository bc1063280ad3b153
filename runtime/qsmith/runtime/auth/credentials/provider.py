"""The credential provider interface, and the static and environment providers.

A provider either returns credentials, raises ``CredentialsNotFound`` when its source is
simply not configured (the chain moves on and records the reason), or raises another
``IdentityError``/``ConfigError`` when its source is configured but broken (the chain stops:
silently falling through to another identity would hide the user's mistake).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.timestamps import parse_timestamp
from qsmith.runtime.errors import IdentityError

__all__ = [
    "CredentialProvider",
    "CredentialsNotFound",
    "EnvironmentCredentialsProvider",
    "StaticCredentialsProvider",
]


class CredentialsNotFound(IdentityError):
    """This source is not configured; the message says why (no secrets)."""


@runtime_checkable
class CredentialProvider(Protocol):
    @property
    def name(self) -> str:
        """A short name of the source, e.g. ``environment`` or ``profile dev``."""
        ...

    def resolve_credentials(self) -> AwsCredentials: ...


class StaticCredentialsProvider:
    """Credentials given in code."""

    name = "static"
    # Read by ``AuthResolver.resolve_async``: no need for a worker thread.
    resolves_without_io = True

    def __init__(self, credentials: AwsCredentials) -> None:
        self._credentials = credentials

    def resolve_credentials(self) -> AwsCredentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticCredentialsProvider({self._credentials!r})"


class EnvironmentCredentialsProvider:
    """``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (+ expiry)."""

    name = "environment"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def resolve_credentials(self) -> AwsCredentials:
        environ = os.environ if self._environ is None else self._environ
        key = environ.get("AWS_ACCESS_KEY_ID", "").strip()
        secret = environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
        if not key and not secret:
            raise CredentialsNotFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        if not key or not secret:
            missing = "AWS_ACCESS_KEY_ID" if not key else "AWS_SECRET_ACCESS_KEY"
            raise CredentialSourceError(f"environment: {missing} is not set but its pair is")
        expiry = environ.get("AWS_CREDENTIAL_EXPIRATION", "").strip()
        try:
            expiration = parse_timestamp(expiry) if expiry else None
        except ValueError as exc:
            raise CredentialSourceError(f"environment: AWS_CREDENTIAL_EXPIRATION: {exc}") from None
        return AwsCredentials(
            key,
            secret,
            environ.get("AWS_SESSION_TOKEN", "").strip() or None,
            expiration=expiration,
            source=self.name,
            account_id=environ.get("AWS_ACCOUNT_ID") or None,
        )

    def __repr__(self) -> str:
        return "EnvironmentCredentialsProvider()"

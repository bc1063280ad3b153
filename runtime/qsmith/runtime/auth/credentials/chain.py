"""The default credential chain, in the AWS SDKs' order.

static (if given) → environment → web identity (environment) → shared config profile →
container (ECS/EKS) → EC2 instance metadata. The first source that gives credentials wins;
a source that is not configured is recorded with its reason, and if none gives anything
``NoCredentialsError`` lists them all. A configured source that fails raises at once.
Temporary credentials are cached and renewed before they expire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.caching import CachingCredentialsProvider
from qsmith.runtime.auth.credentials.container import ContainerCredentialsProvider
from qsmith.runtime.auth.credentials.imds import InstanceMetadataCredentialsProvider
from qsmith.runtime.auth.credentials.profile import ProfileCredentialsProvider
from qsmith.runtime.auth.credentials.provider import (
    CredentialProvider,
    CredentialsNotFound,
    EnvironmentCredentialsProvider,
    StaticCredentialsProvider,
)
from qsmith.runtime.auth.credentials.web_identity import WebIdentityCredentialsProvider
from qsmith.runtime.auth.errors import NoCredentialsError
from qsmith.runtime.auth.identity import AwsCredentials

if TYPE_CHECKING:
    import httpx

__all__ = ["CredentialChain", "default_credential_chain"]


class CredentialChain:
    """Tries providers in order; remembers which one answered (``last_provider``)."""

    name = "default credential chain"

    def __init__(self, providers: Sequence[CredentialProvider]) -> None:
        self.providers = list(providers)
        self.last_provider: CredentialProvider | None = None

    def __repr__(self) -> str:
        return f"CredentialChain({[p.name for p in self.providers]!r})"

    def resolve_credentials(self) -> AwsCredentials:
        attempts: list[tuple[str, str]] = []
        for provider in self.providers:
            try:
                credentials = provider.resolve_credentials()
            except CredentialsNotFound as exc:
                attempts.append((provider.name, str(exc)))
                continue
            self.last_provider = provider
            return credentials
        raise NoCredentialsError(attempts)


def default_credential_chain(
    *,
    static: AwsCredentials | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
) -> CachingCredentialsProvider:
    """The chain a client uses when given no credentials provider."""
    providers: list[CredentialProvider] = []
    if static is not None:
        providers.append(StaticCredentialsProvider(static))
    if profile is None:
        # An explicit profile means "these credentials", not "the first that exists".
        providers.append(EnvironmentCredentialsProvider(environ))
        providers.append(WebIdentityCredentialsProvider(environ=environ))
    providers.append(ProfileCredentialsProvider(profile, environ=environ, client=client))
    if profile is None:
        providers.append(ContainerCredentialsProvider(environ, client=client))
        providers.append(InstanceMetadataCredentialsProvider(environ, client=client))
    return CachingCredentialsProvider(CredentialChain(providers))

"""Auth scheme resolution: from the model's schemes to a signed request.

The options of an operation are its own ``smithy.api#auth`` list when it has one (an
empty list means unauthenticated), otherwise the service's; ``optionalAuth`` adds
``smithy.api#noAuth`` at the end. ``AuthResolver.resolve`` walks the options in order and
takes the first whose identity is available: AWS credentials for ``aws.auth#sigv4``, a
bearer token for ``smithy.api#httpBearerAuth``; ``noAuth`` needs nothing. When none is
available, ``NoIdentityError`` lists every scheme with the reason it was passed over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.errors import IdentityError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import OperationSchema, ServiceSchema

# The SigV4 signer (hashlib, hmac) loads with the first SigV4 signature and asyncio with
# the first async resolution: constructing a client needs neither
# (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    from qsmith.runtime.auth.sigv4 import SigV4Signer

__all__ = [
    "BEARER",
    "NO_AUTH",
    "SIGV4",
    "AuthResolver",
    "NoIdentityError",
    "ResolvedAuth",
    "auth_options",
]

SIGV4 = "aws.auth#sigv4"
BEARER = "smithy.api#httpBearerAuth"
NO_AUTH = "smithy.api#noAuth"


class NoIdentityError(IdentityError):
    """No auth scheme of the operation has an identity; lists each scheme and why."""

    def __init__(self, operation: str, reasons: Sequence[tuple[str, str]]) -> None:
        self.reasons = list(reasons)
        lines = "\n".join(f"  - {scheme}: {reason}" for scheme, reason in self.reasons)
        super().__init__(f"no identity for any auth scheme of {operation}:\n{lines}")


def auth_options(service: ServiceSchema, operation: OperationSchema) -> tuple[str, ...]:
    """The scheme ids to try for ``operation``, in order."""
    options = operation.auth if operation.auth is not None else service.auth
    if not options:
        return (NO_AUTH,)
    if operation.optional_auth and NO_AUTH not in options:
        return (*options, NO_AUTH)
    return tuple(options)


@dataclass(frozen=True, slots=True)
class ResolvedAuth:
    """The chosen scheme and its identity; ``sign`` applies it to a request."""

    scheme: str
    identity: AwsCredentials | BearerToken | None = field(repr=False)
    region: str | None = None
    signing_name: str | None = None
    signer: SigV4Signer | None = field(default=None, repr=False, compare=False)
    # SigV4 path switches: off only where the endpoint's rules say so (S3-style services).
    normalize_path: bool = True
    double_uri_encode: bool = True

    def sign(
        self,
        request: HttpRequest,
        *,
        payload_hash: str | None = None,
        content_sha256_header: bool = False,
        now: datetime | None = None,
    ) -> HttpRequest:
        """Return the request with its auth applied (a new object; the input is kept).

        ``payload_hash`` and ``content_sha256_header`` reach the SigV4 signer (e.g. the
        event stream marker for an event stream input); bearer and no-auth ignore them.
        """
        if self.scheme == SIGV4:
            from qsmith.runtime.auth.sigv4 import SigV4Config, wire_path

            assert isinstance(self.identity, AwsCredentials)
            assert self.region and self.signing_name and self.signer
            config = SigV4Config(
                region=self.region,
                service=self.signing_name,
                double_uri_encode=self.double_uri_encode,
                normalize_path=self.normalize_path,
                payload_hash=payload_hash,
                content_sha256_header=content_sha256_header,
            )
            # The path is put in its wire form first, so the signer signs the very bytes
            # httpx sends (httpx removes dot segments its own way, after signing).
            sendable = replace(
                request, path=wire_path(request.path, normalize=config.normalize_path)
            )
            return self.signer.sign(sendable, self.identity, config, now=now).request
        signed = request.copy()
        if self.scheme == BEARER:
            assert isinstance(self.identity, BearerToken)
            signed.set_header("Authorization", f"Bearer {self.identity.token}")
        return signed


class AuthResolver:
    """Picks the first auth scheme of an operation whose identity is available."""

    def __init__(
        self,
        *,
        region: str | None = None,
        credentials: CredentialProvider | None = None,
        tokens: TokenProvider | None = None,
        signer: SigV4Signer | None = None,
        sigv4_normalize_path: bool = True,
        sigv4_double_uri_encode: bool = True,
    ) -> None:
        self._region = region
        self._credentials = credentials
        self._tokens = tokens
        self._signer = signer
        self._path_switches = (sigv4_normalize_path, sigv4_double_uri_encode)

    def __repr__(self) -> str:
        return f"AuthResolver(region={self._region!r})"

    def resolve(self, service: ServiceSchema, operation: OperationSchema) -> ResolvedAuth:
        reasons: list[tuple[str, str]] = []
        for scheme in auth_options(service, operation):
            if scheme == NO_AUTH:
                return ResolvedAuth(NO_AUTH, None)
            try:
                resolved = self._try(scheme, service)
            except IdentityError as exc:
                reasons.append((scheme, str(exc)))
                continue
            if isinstance(resolved, str):
                reasons.append((scheme, resolved))
                continue
            return resolved
        raise NoIdentityError(operation.id, reasons)

    async def resolve_async(
        self, service: ServiceSchema, operation: OperationSchema
    ) -> ResolvedAuth:
        """``resolve`` for asyncio: identity sources may block (files, STS, a token
        refresh), so resolution runs in a worker thread and the event loop stays free —
        unless every source the operation may use says it answers from memory
        (``resolves_without_io``: a static token or static keys), which spares each call
        a thread hop."""
        if self._resolves_without_io(service, operation):
            return self.resolve(service, operation)
        import asyncio

        return await asyncio.to_thread(self.resolve, service, operation)

    def _resolves_without_io(self, service: ServiceSchema, operation: OperationSchema) -> bool:
        for scheme in auth_options(service, operation):
            source = {SIGV4: self._credentials, BEARER: self._tokens}.get(scheme)
            if source is not None and not getattr(source, "resolves_without_io", False):
                return False
        return True

    def _try(self, scheme: str, service: ServiceSchema) -> ResolvedAuth | str:
        """The resolved scheme, or why it cannot be used (a provider error propagates)."""
        if scheme == SIGV4:
            if self._credentials is None:
                return "no AWS credentials provider is configured"
            if not self._region:
                return "no region is configured, and SigV4 signs for a region"
            signing_name = service.sigv4_signing_name or service.name.lower()
            identity = self._credentials.resolve_credentials()
            normalize, double_encode = self._path_switches
            return ResolvedAuth(
                SIGV4,
                identity,
                self._region,
                signing_name,
                self._sigv4_signer(),
                normalize_path=normalize,
                double_uri_encode=double_encode,
            )
        if scheme == BEARER:
            if self._tokens is None:
                return "no bearer token provider is configured"
            return ResolvedAuth(BEARER, self._tokens.resolve_token())
        return "this auth scheme is not supported by qsmith"

    def _sigv4_signer(self) -> SigV4Signer:
        if self._signer is None:
            from qsmith.runtime.auth.sigv4 import SigV4Signer

            self._signer = SigV4Signer()
        return self._signer

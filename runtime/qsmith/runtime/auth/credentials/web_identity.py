"""Web identity: a token file (e.g. EKS IRSA) exchanged for role credentials by STS."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.provider import CredentialsNotFound
from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials

# STS (with SigV4 and an XML parser) loads only when the token file is configured: the
# default chain builds this provider for every SigV4 client.
if TYPE_CHECKING:
    from qsmith.runtime.auth.credentials.sts import StsClient

__all__ = ["WebIdentityCredentialsProvider"]


class WebIdentityCredentialsProvider:
    """From ``AWS_WEB_IDENTITY_TOKEN_FILE`` + ``AWS_ROLE_ARN`` (or a profile's equivalents)."""

    def __init__(
        self,
        *,
        token_file: str | None = None,
        role_arn: str | None = None,
        session_name: str | None = None,
        sts: StsClient | None = None,
        environ: Mapping[str, str] | None = None,
        label: str = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)",
    ) -> None:
        self._environ = environ
        self._token_file = token_file
        self._role_arn = role_arn
        self._session_name = session_name
        self._sts = sts
        self.name = label

    def __repr__(self) -> str:
        return f"WebIdentityCredentialsProvider(role_arn={self._role_arn!r})"

    def resolve_credentials(self) -> AwsCredentials:
        environ = os.environ if self._environ is None else self._environ
        token_file = self._token_file or environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")
        role_arn = self._role_arn or environ.get("AWS_ROLE_ARN")
        if not token_file and not role_arn:
            raise CredentialsNotFound("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set")
        if not token_file or not role_arn:
            missing = "AWS_WEB_IDENTITY_TOKEN_FILE" if not token_file else "AWS_ROLE_ARN"
            raise CredentialSourceError(f"{self.name}: {missing} is not set but its pair is")
        try:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        except OSError as exc:
            raise CredentialSourceError(
                f"{self.name}: cannot read the token file {token_file}: {exc.strerror}"
            ) from None
        if not token:
            raise CredentialSourceError(f"{self.name}: the token file {token_file} is empty")
        session = (
            self._session_name
            or environ.get("AWS_ROLE_SESSION_NAME")
            or f"qsmith-{int(time.time())}"
        )
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        from qsmith.runtime.auth.credentials.sts import StsClient, sts_endpoint

        sts = self._sts or StsClient(region, endpoint=sts_endpoint(region, environ))
        credentials = sts.assume_role_with_web_identity(role_arn, session, token)
        return replace(credentials, source=self.name)

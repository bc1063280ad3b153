"""SSO profiles: role credentials from the SSO portal's ``GetRoleCredentials``.

``GET {portal}/federation/credentials?account_id=…&role_name=…`` with the SSO access token
in ``x-amz-sso_bearer_token``; the answer is ``{"roleCredentials": {accessKeyId,
secretAccessKey, sessionToken, expiration (epoch ms)}}``. The portal is
``https://portal.sso.{sso_region}.amazonaws.com`` unless ``AWS_ENDPOINT_URL_SSO`` says
otherwise. The token comes from the AWS SSO cache: for an ``sso_session`` profile it is
refreshed through the OIDC refresher; the legacy ``sso_start_url`` form cannot refresh.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from qsmith.runtime.auth.credentials.http_client import send
from qsmith.runtime.auth.errors import CredentialSourceError, NoTokenError, TokenExpiredError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.http import HttpRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["SsoCredentialsProvider", "sso_portal_endpoint"]

ENDPOINT_ENV_VAR = "AWS_ENDPOINT_URL_SSO"


def sso_portal_endpoint(region: str, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return (environ.get(ENDPOINT_ENV_VAR) or f"https://portal.sso.{region}.amazonaws.com").rstrip(
        "/"
    )


class SsoCredentialsProvider:
    def __init__(
        self,
        *,
        profile: str,
        sso_region: str,
        account_id: str,
        role_name: str,
        token_provider: TokenProvider,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._profile = profile
        self._region = sso_region
        self._account_id = account_id
        self._role_name = role_name
        self._tokens = token_provider
        self._endpoint = endpoint
        self._client = client

    @property
    def name(self) -> str:
        return f"SSO profile {self._profile}"

    def __repr__(self) -> str:
        return f"SsoCredentialsProvider(profile={self._profile!r}, role={self._role_name!r})"

    def resolve_credentials(self) -> AwsCredentials:
        try:
            token = self._tokens.resolve_token()
        except (NoTokenError, TokenExpiredError) as exc:
            raise CredentialSourceError(
                f"{self.name}: no valid SSO token ({exc}); log in with `qsmith login` or "
                f"`aws sso login --profile {self._profile}`"
            ) from None
        endpoint = self._endpoint or sso_portal_endpoint(self._region)
        request = HttpRequest.from_url("GET", endpoint + "/federation/credentials")
        request.query = [("account_id", self._account_id), ("role_name", self._role_name)]
        request.headers.append(("x-amz-sso_bearer_token", token.token))
        answer = send(request, source=self.name, client=self._client)
        if answer.status in (401, 403):
            raise CredentialSourceError(
                f"{self.name}: the SSO portal refused the token (HTTP {answer.status}); "
                f"log in again with `aws sso login --profile {self._profile}`"
            )
        if answer.status != 200:
            raise CredentialSourceError(f"{self.name}: HTTP {answer.status} from the SSO portal")
        return self._parse(answer.body)

    def _parse(self, body: bytes) -> AwsCredentials:
        try:
            data: Any = json.loads(body)
        except ValueError:
            raise CredentialSourceError(f"{self.name}: the SSO portal answer is not JSON") from None
        role = data.get("roleCredentials") if isinstance(data, dict) else None
        if not isinstance(role, dict):
            raise CredentialSourceError(f"{self.name}: the answer has no roleCredentials")
        key, secret = role.get("accessKeyId"), role.get("secretAccessKey")
        expiry = role.get("expiration")
        if not (isinstance(key, str) and isinstance(secret, str) and key and secret):
            raise CredentialSourceError(f"{self.name}: accessKeyId or secretAccessKey is missing")
        if not isinstance(expiry, int):
            raise CredentialSourceError(f"{self.name}: expiration is missing")
        token = role.get("sessionToken")
        return AwsCredentials(
            key,
            secret,
            token if isinstance(token, str) else None,
            expiration=datetime.fromtimestamp(expiry / 1000, UTC),
            source=self.name,
            account_id=self._account_id,
        )

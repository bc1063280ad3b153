"""The OIDC refresh-token grant (AWS SSO OIDC ``CreateToken``) as a ``TokenRefresher``.

``POST {endpoint}/token`` with a JSON body ``{clientId, clientSecret, grantType:
"refresh_token", refreshToken}``; the answer is ``{accessToken, expiresIn, refreshToken?}``.
The endpoint is ``https://oidc.{region}.amazonaws.com`` unless configured (or set by
``AWS_ENDPOINT_URL_SSO_OIDC``, as the AWS SDKs allow). Called with httpx directly: the
runtime never imports a generated client.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from qsmith.runtime.auth.errors import TokenRefreshError
from qsmith.runtime.auth.identity import BearerToken, utc_now

# httpx loads when a token is refreshed, not with the module: every default token chain
# builds a refresher (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import httpx

__all__ = ["OidcRefresher"]

ENDPOINT_ENV_VAR = "AWS_ENDPOINT_URL_SSO_OIDC"
# OAuth error codes that mean the grant is gone: only a new login helps.
_LOGIN_REQUIRED = frozenset(
    {"invalid_grant", "expired_token", "invalid_client", "unauthorized_client"}
)


class OidcRefresher:
    """Refreshes SSO OIDC tokens; needs the token's refresh token, client id and secret."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._endpoint = endpoint
        self._client = client
        self._timeout = timeout

    def endpoint_for(self, token: BearerToken) -> str:
        configured = self._endpoint or os.environ.get(ENDPOINT_ENV_VAR)
        if configured:
            return configured.rstrip("/")
        if not token.region:
            raise TokenRefreshError("the token names no region, so the OIDC endpoint is unknown")
        return f"https://oidc.{token.region}.amazonaws.com"

    def refresh(self, token: BearerToken) -> BearerToken:
        if not (token.refresh_token and token.client_id and token.client_secret):
            raise TokenRefreshError(
                "the token lacks a refresh token or client registration; cannot refresh",
                login_required=True,
            )
        url = self.endpoint_for(token) + "/token"
        body = {
            "clientId": token.client_id,
            "clientSecret": token.client_secret,
            "grantType": "refresh_token",
            "refreshToken": token.refresh_token,
        }
        import httpx

        try:
            if self._client is not None:
                response = self._client.post(url, json=body, timeout=self._timeout)
            else:
                with httpx.Client(timeout=self._timeout) as client:
                    response = client.post(url, json=body)
        except httpx.HTTPError as exc:
            raise TokenRefreshError(
                f"the OIDC token endpoint {url} failed: {type(exc).__name__}"
            ) from None
        return self._parse(response, token, url)

    def _parse(self, response: httpx.Response, token: BearerToken, url: str) -> BearerToken:
        try:
            data: Any = response.json()
        except ValueError:
            data = None
        if response.status_code != 200:
            code = data.get("error") if isinstance(data, dict) else None
            code = code or (data.get("__type") if isinstance(data, dict) else None)
            raise TokenRefreshError(
                f"the OIDC token endpoint {url} refused the refresh: HTTP "
                f"{response.status_code} {code or '(no error code)'}",
                login_required=str(code).split("#")[-1] in _LOGIN_REQUIRED,
            )
        if not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
            raise TokenRefreshError(f"the OIDC token endpoint {url} answered without accessToken")
        expires_in = data.get("expiresIn")
        if not isinstance(expires_in, int) or expires_in <= 0:
            raise TokenRefreshError(f"the OIDC token endpoint {url} answered without expiresIn")
        new_refresh = data.get("refreshToken")
        return replace(
            token,
            token=data["accessToken"],
            expiration=utc_now() + timedelta(seconds=expires_in),
            refresh_token=new_refresh if isinstance(new_refresh, str) else token.refresh_token,
        )

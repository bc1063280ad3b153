"""Kiro's social-login refresh as a ``TokenRefresher`` (for taken-over Kiro logins).

``POST https://prod.{region}.auth.desktop.kiro.dev/refreshToken`` with the JSON body
``{"refreshToken": ...}``; the answer is ``{accessToken, refreshToken, expiresIn,
profileArn}``. The endpoint can be set (argument or ``QSMITH_KIRO_AUTH_ENDPOINT``) for tests
and proxies. A 400/401/403 means the refresh token is gone: only a new login helps.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx

from qsmith.runtime.auth.errors import TokenRefreshError
from qsmith.runtime.auth.identity import BearerToken, utc_now

__all__ = ["KIRO_ENDPOINT_ENV_VAR", "KiroSocialRefresher"]

KIRO_ENDPOINT_ENV_VAR = "QSMITH_KIRO_AUTH_ENDPOINT"
DEFAULT_REGION = "us-east-1"
_LOGIN_GONE = frozenset({400, 401, 403})


class KiroSocialRefresher:
    """Renews a Kiro social token; the token's region picks the endpoint."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        configured = (os.environ if environ is None else environ).get(KIRO_ENDPOINT_ENV_VAR)
        self._endpoint = endpoint or configured
        self._client = client
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"KiroSocialRefresher({self._endpoint!r})"

    def endpoint_for(self, token: BearerToken) -> str:
        if self._endpoint:
            return self._endpoint.rstrip("/")
        return f"https://prod.{token.region or DEFAULT_REGION}.auth.desktop.kiro.dev"

    def refresh(self, token: BearerToken) -> BearerToken:
        if not token.refresh_token:
            raise TokenRefreshError("the Kiro token has no refresh token", login_required=True)
        url = self.endpoint_for(token) + "/refreshToken"
        try:
            if self._client is not None:
                response = self._client.post(
                    url, json={"refreshToken": token.refresh_token}, timeout=self._timeout
                )
            else:
                with httpx.Client(timeout=self._timeout) as client:
                    response = client.post(url, json={"refreshToken": token.refresh_token})
        except httpx.HTTPError as exc:
            raise TokenRefreshError(
                f"the Kiro refresh {url} failed: {type(exc).__name__}"
            ) from None
        return _parse(response, token, url)


def _parse(response: httpx.Response, token: BearerToken, url: str) -> BearerToken:
    if response.status_code != 200:
        raise TokenRefreshError(
            f"the Kiro refresh {url} was refused: HTTP {response.status_code}",
            login_required=response.status_code in _LOGIN_GONE,
        )
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
        raise TokenRefreshError(f"the Kiro refresh {url} answered without accessToken")
    expires_in = data.get("expiresIn")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        raise TokenRefreshError(f"the Kiro refresh {url} answered without expiresIn")
    new_refresh = data.get("refreshToken")
    return replace(
        token,
        token=data["accessToken"],
        expiration=utc_now() + timedelta(seconds=expires_in),
        refresh_token=new_refresh if isinstance(new_refresh, str) else token.refresh_token,
    )

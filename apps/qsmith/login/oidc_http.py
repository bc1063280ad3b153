"""``OidcApi`` over httpx: the three restJson1 calls of models/sso-oidc.json, by hand.

Kept until the generated sso-oidc client lands; an adapter over that client can then take
its place (see docs/design/login.md). The endpoint is ``https://oidc.{region}.amazonaws.com``
unless given or set by ``AWS_ENDPOINT_URL_SSO_OIDC``, as for the runtime's refresher.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from qsmith.login.errors import OidcApiError
from qsmith.login.oidc import ERROR_CODES, ClientRegistration, DeviceAuthorization, TokenGrant
from qsmith.runtime.auth.tokens.oidc import ENDPOINT_ENV_VAR
from qsmith.runtime.errors import TransportError

__all__ = ["HttpOidcApi", "oidc_endpoint"]


def oidc_endpoint(region: str, environ: Mapping[str, str] | None = None) -> str:
    configured = (os.environ if environ is None else environ).get(ENDPOINT_ENV_VAR)
    return configured.rstrip("/") if configured else f"https://oidc.{region}.amazonaws.com"


class HttpOidcApi:
    """SSO OIDC of one region, called with httpx (unsigned: these operations are noAuth)."""

    def __init__(
        self,
        region: str,
        *,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._region = region
        self._endpoint = (endpoint or oidc_endpoint(region)).rstrip("/")
        self._client = client or httpx.Client(timeout=timeout)

    @property
    def region(self) -> str:
        return self._region

    def __repr__(self) -> str:
        return f"HttpOidcApi({self._endpoint!r})"

    def register_client(
        self, *, client_name: str, client_type: str, scopes: Sequence[str]
    ) -> ClientRegistration:
        data = self._post(
            "/client/register",
            {"clientName": client_name, "clientType": client_type, "scopes": list(scopes)},
        )
        return ClientRegistration(
            client_id=_text(data, "clientId"),
            client_secret=_text(data, "clientSecret"),
            expires_at=datetime.fromtimestamp(_number(data, "clientSecretExpiresAt"), UTC),
        )

    def start_device_authorization(
        self, *, client_id: str, client_secret: str, start_url: str
    ) -> DeviceAuthorization:
        data = self._post(
            "/device_authorization",
            {"clientId": client_id, "clientSecret": client_secret, "startUrl": start_url},
        )
        complete = data.get("verificationUriComplete")
        return DeviceAuthorization(
            device_code=_text(data, "deviceCode"),
            user_code=_text(data, "userCode"),
            verification_uri=_text(data, "verificationUri"),
            verification_uri_complete=complete if isinstance(complete, str) else None,
            expires_in=_number(data, "expiresIn"),
            interval=int(data.get("interval") or 0),
        )

    def create_token(
        self, *, client_id: str, client_secret: str, grant_type: str, device_code: str
    ) -> TokenGrant:
        data = self._post(
            "/token",
            {
                "clientId": client_id,
                "clientSecret": client_secret,
                "grantType": grant_type,
                "deviceCode": device_code,
            },
        )
        refresh = data.get("refreshToken")
        return TokenGrant(
            access_token=_text(data, "accessToken"),
            expires_in=_number(data, "expiresIn"),
            refresh_token=refresh if isinstance(refresh, str) else None,
        )

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self._endpoint + path
        try:
            response = self._client.post(url, json=body)
        except httpx.HTTPError as exc:
            raise TransportError(f"SSO OIDC {url} failed: {type(exc).__name__}") from None
        try:
            data: Any = response.json()
        except ValueError:
            data = None
        if response.status_code != 200:
            raise _error(response, data, url)
        if not isinstance(data, dict):
            raise OidcApiError("invalid_response", f"SSO OIDC {url} answered without a JSON object")
        return data


def _error(response: httpx.Response, data: Any, url: str) -> OidcApiError:
    """The OAuth code from the error type header, ``__type`` or the body's ``error``."""
    fields = data if isinstance(data, dict) else {}
    shape = response.headers.get("x-amzn-errortype") or str(fields.get("__type") or "")
    shape = shape.split(":")[0].split("#")[-1]
    code = ERROR_CODES.get(shape) or str(fields.get("error") or "") or "unknown_error"
    description = fields.get("error_description") or fields.get("message")
    detail = f" ({description})" if isinstance(description, str) and description else ""
    return OidcApiError(
        code,
        f"SSO OIDC {url} answered HTTP {response.status_code} {code}{detail}",
        http_status=response.status_code,
    )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise OidcApiError("invalid_response", f"SSO OIDC answered without {key}")
    return value


def _number(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise OidcApiError("invalid_response", f"SSO OIDC answered without a positive {key}")
    return value

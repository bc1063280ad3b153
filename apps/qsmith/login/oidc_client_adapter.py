"""``OidcApi`` over a generated sso-oidc client (``Client`` of ``qsmith.clients.<package>``).

The generated client's methods take snake_case keyword arguments and return dataclasses
with snake_case attributes; its modeled errors are ``ServiceError`` subclasses named after
the model's error shapes. This adapter only renames: it maps outputs to our dataclasses and
errors to ``OidcApiError`` with the OAuth code. Building the client (region, endpoint,
the unsigned auth of these operations) is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from qsmith.clients.sso_oidc import Client
from qsmith.login.errors import OidcApiError
from qsmith.login.oidc import ERROR_CODES, ClientRegistration, DeviceAuthorization, TokenGrant
from qsmith.runtime.errors import ServiceError

__all__ = ["OidcClientAdapter"]

_T = TypeVar("_T")


class OidcClientAdapter:
    def __init__(self, client: Client, region: str) -> None:
        self._client = client
        self._region = region

    @property
    def region(self) -> str:
        return self._region

    def __repr__(self) -> str:
        return f"OidcClientAdapter({self._region!r})"

    def register_client(
        self, *, client_name: str, client_type: str, scopes: Sequence[str]
    ) -> ClientRegistration:
        out = _call(
            lambda: self._client.register_client(
                client_name=client_name, client_type=client_type, scopes=list(scopes)
            )
        )
        return ClientRegistration(
            client_id=_present(out.client_id, "clientId"),
            client_secret=_present(out.client_secret, "clientSecret"),
            expires_at=datetime.fromtimestamp(out.client_secret_expires_at, UTC),
        )

    def start_device_authorization(
        self, *, client_id: str, client_secret: str, start_url: str
    ) -> DeviceAuthorization:
        out = _call(
            lambda: self._client.start_device_authorization(
                client_id=client_id, client_secret=client_secret, start_url=start_url
            )
        )
        return DeviceAuthorization(
            device_code=_present(out.device_code, "deviceCode"),
            user_code=_present(out.user_code, "userCode"),
            verification_uri=_present(out.verification_uri, "verificationUri"),
            verification_uri_complete=out.verification_uri_complete,
            expires_in=out.expires_in,
            interval=out.interval,
        )

    def create_token(
        self, *, client_id: str, client_secret: str, grant_type: str, device_code: str
    ) -> TokenGrant:
        out = _call(
            lambda: self._client.create_token(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=grant_type,
                device_code=device_code,
            )
        )
        return TokenGrant(
            access_token=_present(out.access_token, "accessToken"),
            expires_in=out.expires_in,
            refresh_token=out.refresh_token,
        )


def _present(value: str | None, member: str) -> str:
    """A member the login cannot go on without; the model leaves it optional."""
    if value is None:
        raise OidcApiError("invalid_response", f"SSO OIDC's answer has no {member}")
    return value


def _call(operation: Callable[[], _T]) -> _T:
    try:
        return operation()
    except ServiceError as exc:
        code = ERROR_CODES.get(exc.code) or ERROR_CODES.get(type(exc).__name__) or exc.code
        raise OidcApiError(
            code,
            f"SSO OIDC answered {code}: {exc.message or '(no message)'}",
            http_status=exc.http_status,
        ) from None

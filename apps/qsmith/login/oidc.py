"""The three SSO OIDC calls the device-code login needs, as an interface of our own.

``OidcApi`` is what the login flow talks to; ``qsmith.login.oidc_client_adapter`` implements
it over the generated ``sso-oidc`` client, and tests can put a fake in its place.
Implementations raise ``OidcApiError`` whose ``code`` is the OAuth error code in
snake_case (``authorization_pending``, ``slow_down``, ``expired_token``, ``access_denied``,
``invalid_grant``, ``invalid_client``...), whatever the wire spelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

__all__ = [
    "DEVICE_CODE_GRANT",
    "ERROR_CODES",
    "ClientRegistration",
    "DeviceAuthorization",
    "OidcApi",
    "TokenGrant",
]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

# Modeled error shape name -> OAuth error code.
ERROR_CODES = {
    "AccessDeniedException": "access_denied",
    "AuthorizationPendingException": "authorization_pending",
    "ExpiredTokenException": "expired_token",
    "InternalServerException": "server_error",
    "InvalidClientException": "invalid_client",
    "InvalidClientMetadataException": "invalid_client_metadata",
    "InvalidGrantException": "invalid_grant",
    "InvalidRedirectUriException": "invalid_redirect_uri",
    "InvalidRequestException": "invalid_request",
    "InvalidRequestRegionException": "invalid_request_region",
    "InvalidScopeException": "invalid_scope",
    "SlowDownException": "slow_down",
    "UnauthorizedClientException": "unauthorized_client",
    "UnsupportedGrantTypeException": "unsupported_grant_type",
}


@dataclass(frozen=True, slots=True)
class ClientRegistration:
    """A registered public OIDC client; usable until ``expires_at``."""

    client_id: str
    client_secret: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class DeviceAuthorization:
    """What to show the user, and the device code to poll with."""

    device_code: str = field(repr=False)
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """An access token and, usually, a refresh token."""

    access_token: str = field(repr=False)
    expires_in: int
    refresh_token: str | None = field(default=None, repr=False)


class OidcApi(Protocol):
    """SSO OIDC in one region: RegisterClient, StartDeviceAuthorization, CreateToken."""

    @property
    def region(self) -> str: ...

    def register_client(
        self, *, client_name: str, client_type: str, scopes: Sequence[str]
    ) -> ClientRegistration: ...

    def start_device_authorization(
        self, *, client_id: str, client_secret: str, start_url: str
    ) -> DeviceAuthorization: ...

    def create_token(
        self, *, client_id: str, client_secret: str, grant_type: str, device_code: str
    ) -> TokenGrant: ...

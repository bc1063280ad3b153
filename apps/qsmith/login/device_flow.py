"""The OAuth device-code login (RFC 8628) against SSO OIDC.

Register (or reuse) a public client, start a device authorization, show the user code and
the verification page (opening a browser when one is available), then poll CreateToken:
``authorization_pending`` waits one more interval, ``slow_down`` adds five seconds to it,
``expired_token`` and ``access_denied`` end the login, as does the device code's own expiry.
The clock and the sleep are parameters so that tests never wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from qsmith.login.errors import AuthorizationDeniedError, DeviceCodeExpiredError, OidcApiError
from qsmith.login.oidc import DEVICE_CODE_GRANT, ClientRegistration, DeviceAuthorization, OidcApi
from qsmith.login.registration import RegistrationCache
from qsmith.runtime.auth.identity import BearerToken, utc_now

__all__ = ["DEFAULT_INTERVAL", "SCOPES", "SLOW_DOWN_STEP", "DeviceCodeLogin"]

SCOPES = ("codewhisperer:completions", "codewhisperer:analysis", "codewhisperer:conversations")
SLOW_DOWN_STEP = 5  # seconds added to the interval on each slow_down (RFC 8628 §3.5)
DEFAULT_INTERVAL = 5  # when the service names none (RFC 8628 §3.2)
_log = logging.getLogger("qsmith.login")


class DeviceCodeLogin:
    """One login: ``run(start_url)`` returns the new token (not yet saved)."""

    def __init__(
        self,
        api: OidcApi,
        registrations: RegistrationCache,
        *,
        show: Callable[[DeviceAuthorization], None],
        open_browser: Callable[[str], bool] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api = api
        self._registrations = registrations
        self._show = show
        self._open_browser = open_browser
        self._clock = clock
        self._sleep = sleep

    def run(self, start_url: str) -> BearerToken:
        registration = self._registrations.get(self._api, start_url, SCOPES, self._clock())
        authorization = self._api.start_device_authorization(
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            start_url=start_url,
        )
        self._show(authorization)
        if self._open_browser is not None:
            page = authorization.verification_uri_complete or authorization.verification_uri
            if not self._open_browser(page):
                _log.info("no browser could be opened; the user opens the page by hand")
        return self._poll(registration, authorization, start_url)

    def _poll(
        self, registration: ClientRegistration, authorization: DeviceAuthorization, start_url: str
    ) -> BearerToken:
        interval = authorization.interval if authorization.interval > 0 else DEFAULT_INTERVAL
        deadline = self._clock() + timedelta(seconds=authorization.expires_in)
        while True:
            self._sleep(interval)
            if self._clock() >= deadline:
                raise _expired()
            try:
                grant = self._api.create_token(
                    client_id=registration.client_id,
                    client_secret=registration.client_secret,
                    grant_type=DEVICE_CODE_GRANT,
                    device_code=authorization.device_code,
                )
            except OidcApiError as exc:
                if exc.code == "authorization_pending":
                    continue
                if exc.code == "slow_down":
                    interval += SLOW_DOWN_STEP
                    _log.info("the service asked to poll slower: every %s s now", interval)
                    continue
                if exc.code == "expired_token":
                    raise _expired() from None
                if exc.code == "access_denied":
                    raise AuthorizationDeniedError(
                        "the request was denied in the browser; run `qsmith login` again "
                        "and approve it"
                    ) from None
                raise
            return BearerToken(
                grant.access_token,
                expiration=self._clock() + timedelta(seconds=grant.expires_in),
                source="qsmith login",
                refresh_token=grant.refresh_token,
                region=self._api.region,
                client_id=registration.client_id,
                client_secret=registration.client_secret,
                start_url=start_url,
            )


def _expired() -> DeviceCodeExpiredError:
    return DeviceCodeExpiredError(
        "the login request expired before it was approved; run `qsmith login` again and "
        "approve it in the browser within the time shown"
    )

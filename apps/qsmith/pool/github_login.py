"""GitHub's device flow: the OAuth token a ``copilot`` pool login exchanges for Copilot's.

``POST {github}/login/device/code`` (``client_id``, ``scope``) answers a device code, a
user code and where to enter it; ``POST {github}/login/oauth/access_token`` with the
device-code grant is polled every ``interval`` seconds until it answers ``access_token``
(``authorization_pending``: keep waiting; ``slow_down``: wait 5 s longer; anything else
ends it). The client id is the caller's GitHub OAuth app: qsmith ships none. The token is
written as ``{"github_token": ...}``, atomically with mode 0600.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from qsmith.runtime.auth.files import write_private_json
from qsmith.runtime.errors import QsmithError

__all__ = [
    "GITHUB",
    "DeviceCode",
    "GitHubDeviceFlow",
    "GitHubLoginError",
    "save_github_token",
]

GITHUB = "https://github.com"
GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5.0


class GitHubLoginError(QsmithError):
    """The device flow ended without a token (denied, expired, or GitHub refused)."""


@dataclass(frozen=True, slots=True)
class DeviceCode:
    device_code: str
    user_code: str
    verification_uri: str
    interval: float
    expires_in: float

    def __repr__(self) -> str:
        return (
            f"DeviceCode(user_code={self.user_code!r}, verification_uri={self.verification_uri!r})"
        )


class GitHubDeviceFlow:
    def __init__(
        self,
        client_id: str,
        *,
        github: str = GITHUB,
        scope: str = "read:user",
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.github = github.rstrip("/")
        self.scope = scope
        self._http = http or httpx.Client(timeout=30.0)
        self._sleep = sleep
        self._clock = clock

    def _post(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            response = self._http.post(
                f"{self.github}{path}", data=form, headers={"accept": "application/json"}
            )
        except httpx.HTTPError as error:
            raise GitHubLoginError(
                f"could not reach {self.github}: {type(error).__name__}"
            ) from None
        try:
            data: Any = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise GitHubLoginError(f"{self.github}{path} answered {response.status_code}, not JSON")
        return data

    def start(self) -> DeviceCode:
        data = self._post("/login/device/code", {"client_id": self.client_id, "scope": self.scope})
        if "device_code" not in data:
            raise GitHubLoginError(f"GitHub refused the device flow: {data.get('error', data)}")
        return DeviceCode(
            str(data["device_code"]),
            str(data["user_code"]),
            str(data["verification_uri"]),
            float(data.get("interval", 5)),
            float(data.get("expires_in", 900)),
        )

    def wait_for_token(self, code: DeviceCode) -> str:
        interval, deadline = code.interval, self._clock() + code.expires_in
        form = {"client_id": self.client_id, "device_code": code.device_code, "grant_type": GRANT}
        while self._clock() < deadline:
            self._sleep(interval)
            data = self._post("/login/oauth/access_token", form)
            if data.get("access_token"):
                return str(data["access_token"])
            error = data.get("error")
            if error == "slow_down":
                interval += SLOW_DOWN_STEP
            elif error != "authorization_pending":
                raise GitHubLoginError(f"GitHub ended the sign-in: {error}")
        raise GitHubLoginError("the code expired before it was entered; run the login again")


def save_github_token(path: Path, token: str) -> None:
    write_private_json(path, {"github_token": token})

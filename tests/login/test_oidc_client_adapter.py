"""The adapter over a generated sso-oidc client, driven with a stand-in client.

The stand-in has the generated client's shape (snake_case keyword arguments, dataclass
outputs, ServiceError subclasses named after the model's error shapes); the device flow
runs over it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qsmith.login.device_flow import DeviceCodeLogin
from qsmith.login.errors import AuthorizationDeniedError, OidcApiError
from qsmith.login.oidc_client_adapter import OidcClientAdapter
from qsmith.login.registration import RegistrationCache
from qsmith.runtime.errors import ServiceError
from tests.login.test_device_flow import FakeClock, Recorder


class AuthorizationPendingException(ServiceError):
    pass


class AccessDeniedException(ServiceError):
    pass


@dataclass
class RegisterClientResponse:
    client_id: str
    client_secret: str
    client_id_issued_at: int
    client_secret_expires_at: int


@dataclass
class StartDeviceAuthorizationResponse:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


@dataclass
class CreateTokenResponse:
    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None
    id_token: str | None


class StandInClient:
    def __init__(self, outcomes: list[str]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def register_client(self, **kwargs: Any) -> RegisterClientResponse:
        self.calls.append(("register_client", kwargs))
        return RegisterClientResponse("cid", "csecret", 1, 4_000_000_000)

    def start_device_authorization(self, **kwargs: Any) -> StartDeviceAuthorizationResponse:
        self.calls.append(("start_device_authorization", kwargs))
        return StartDeviceAuthorizationResponse("dev", "USER-CODE", "https://v/", None, 600, 2)

    def create_token(self, **kwargs: Any) -> CreateTokenResponse:
        self.calls.append(("create_token", kwargs))
        outcome = self.outcomes.pop(0)
        if outcome == "pending":
            raise AuthorizationPendingException("wait", http_status=400)
        if outcome == "denied":
            raise AccessDeniedException("no", code="AccessDeniedException", http_status=400)
        if outcome == "other":
            raise ServiceError("boom", code="InternalServerException", http_status=500)
        return CreateTokenResponse("at", "Bearer", 3600, "rt", None)


def flow(client: StandInClient, tmp_path: Path, clock: FakeClock) -> DeviceCodeLogin:
    return DeviceCodeLogin(
        OidcClientAdapter(client, "us-east-1"),
        RegistrationCache(tmp_path),
        show=Recorder().show,
        clock=clock,
        sleep=clock.sleep,
    )


def test_the_flow_runs_over_the_adapter(tmp_path: Path) -> None:
    client, clock = StandInClient(["pending", "ok"]), FakeClock()
    token = flow(client, tmp_path, clock).run("https://view.awsapps.com/start")
    assert (token.token, token.refresh_token, token.client_id) == ("at", "rt", "cid")
    assert [name for name, _ in client.calls] == [
        "register_client",
        "start_device_authorization",
        "create_token",
        "create_token",
    ]
    assert client.calls[0][1]["client_type"] == "public"
    assert clock.sleeps == [2, 2]


def test_errors_map_to_oauth_codes(tmp_path: Path) -> None:
    with pytest.raises(AuthorizationDeniedError):
        flow(StandInClient(["denied"]), tmp_path, FakeClock()).run("https://x/start")
    with pytest.raises(OidcApiError) as info:
        flow(StandInClient(["other"]), tmp_path, FakeClock()).run("https://x/start")
    assert (info.value.code, info.value.http_status) == ("server_error", 500)

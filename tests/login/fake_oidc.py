"""A fake SSO OIDC service (and Kiro refresh endpoint) for the login tests, on 127.0.0.1.

It speaks the restJson1 wire of models/sso-oidc.json: errors are HTTP 400/401 with the
``x-amzn-ErrorType`` header and an OAuth ``{"error", "error_description"}`` body. The device
flow's poll answers come from ``poll_script`` (OAuth codes, or "ok"); refresh answers from
``refresh_script`` ("ok", an OAuth code, or "drop" to cut the connection mid-body).
Every token it issues contains CANARY so tests can check that none leaks.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from qsmith.login.oidc import ERROR_CODES
from qsmith.testing import RecordedRequest, ScriptedResponse

CANARY = "CANARY-5ecret"
SHAPE_OF = {code: shape for shape, code in ERROR_CODES.items()}


def error_response(code: str, status: int = 400) -> ScriptedResponse:
    body = json.dumps({"error": code, "error_description": f"fake {code}"})
    return ScriptedResponse.json(
        status, body, headers=[("x-amzn-ErrorType", f"{SHAPE_OF[code]}:http://internal/")]
    )


class FakeOidc:
    def __init__(self) -> None:
        self.poll_script: list[str] = ["ok"]
        self.refresh_script: list[str] = ["ok"]
        self.interval = 1
        self.device_expires_in = 600
        self.token_lifetime = 3600
        self.refresh_delay = 0.0
        self.calls: Counter[str] = Counter()
        self.bodies: list[tuple[str, dict[str, Any]]] = []
        self._issued = 0
        self._lock = threading.Lock()

    def handle(self, request: RecordedRequest) -> ScriptedResponse:
        body = json.loads(request.body or b"{}")
        with self._lock:
            self.calls[request.path] += 1
            self.bodies.append((request.path, body))
        if request.path == "/client/register":
            return self._ok(
                {
                    "clientId": "client-1",
                    "clientSecret": f"client-secret-{CANARY}",
                    "clientIdIssuedAt": int(time.time()),
                    "clientSecretExpiresAt": int(time.time()) + 90 * 86400,
                }
            )
        if request.path == "/device_authorization":
            return self._ok(
                {
                    "deviceCode": f"device-{CANARY}",
                    "userCode": "ABCD-EFGH",
                    "verificationUri": "https://device.sso.example/",
                    "verificationUriComplete": "https://device.sso.example/?user_code=ABCD-EFGH",
                    "expiresIn": self.device_expires_in,
                    "interval": self.interval,
                }
            )
        if request.path == "/token":
            if body.get("grantType") == "refresh_token":
                return self._refresh()
            return self._poll()
        if request.path == "/refreshToken":  # Kiro's social refresh
            return self._kiro_refresh(body)
        return ScriptedResponse(status=404, body=b"not found")

    def _next(self, script: list[str]) -> str:
        with self._lock:
            return script.pop(0) if len(script) > 1 else script[0]

    def _issue(self) -> dict[str, Any]:
        with self._lock:
            self._issued += 1
            number = self._issued
        return {
            "accessToken": f"access-{number}-{CANARY}",
            "tokenType": "Bearer",
            "expiresIn": self.token_lifetime,
            "refreshToken": f"refresh-{number}-{CANARY}",
        }

    def _poll(self) -> ScriptedResponse:
        outcome = self._next(self.poll_script)
        return self._ok(self._issue()) if outcome == "ok" else error_response(outcome)

    def _refresh(self) -> ScriptedResponse:
        time.sleep(self.refresh_delay)
        outcome = self._next(self.refresh_script)
        if outcome == "ok":
            return self._ok(self._issue())
        if outcome == "drop":
            return ScriptedResponse(
                status=200,
                headers=[("Content-Type", "application/json")],
                body=[b'{"accessToken": "half', b'-a-token"}'],
                drop_after_chunks=1,
            )
        return error_response(outcome)

    def _kiro_refresh(self, body: dict[str, Any]) -> ScriptedResponse:
        outcome = self._next(self.refresh_script)
        if outcome != "ok":
            return ScriptedResponse.json(401, json.dumps({"message": "bad refresh token"}))
        issued = self._issue()
        return self._ok(
            {
                "accessToken": issued["accessToken"],
                "refreshToken": issued["refreshToken"],
                "expiresIn": self.token_lifetime,
                "profileArn": "arn:aws:codewhisperer:us-east-1:111122223333:profile/KIRO",
            }
        )

    @staticmethod
    def _ok(data: dict[str, Any]) -> ScriptedResponse:
        return ScriptedResponse.json(200, json.dumps(data))

"""Loopback stand-ins for the HTTP credential sources: STS, the SSO portal, ECS and IMDS.

Each returns a handler for ``LoopbackServer`` that answers as the real service does, and
checks what the real service would check (the action, the token header, the IMDSv2 token).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable

from qsmith.testing import RecordedRequest, ScriptedResponse

Handler = Callable[[RecordedRequest], ScriptedResponse]

EXPIRY = "2099-01-01T00:00:00Z"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def sts_handler(prefix: str = "ASIA") -> Handler:
    """AssumeRole needs a SigV4 Authorization; AssumeRoleWithWebIdentity needs a token."""

    def handle(request: RecordedRequest) -> ScriptedResponse:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        action = form.get("Action", "")
        if action == "AssumeRole" and not (request.header("authorization") or "").startswith(
            "AWS4-HMAC-SHA256 Credential="
        ):
            return _sts_error(403, "MissingAuthenticationToken", "Request is missing auth")
        if action == "AssumeRoleWithWebIdentity" and form.get("WebIdentityToken") != "jwt-ok":
            return _sts_error(400, "InvalidIdentityToken", "Token is invalid")
        if form.get("RoleArn", "").endswith("/denied"):
            return _sts_error(403, "AccessDenied", "Not authorized to assume the role")
        role = form["RoleArn"].rsplit("/", 1)[-1]
        body = (
            f'<{action}Response xmlns="{STS_NS}"><{action}Result>'
            f"<Credentials><AccessKeyId>{prefix}{role.upper()}</AccessKeyId>"
            f"<SecretAccessKey>CANARY-STS-SECRET</SecretAccessKey>"
            f"<SessionToken>CANARY-STS-TOKEN</SessionToken>"
            f"<Expiration>{EXPIRY}</Expiration></Credentials>"
            f"<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/{role}/s</Arn>"
            f"</AssumedRoleUser></{action}Result></{action}Response>"
        )
        return ScriptedResponse(
            status=200, headers=[("Content-Type", "text/xml")], body=body.encode()
        )

    return handle


def _sts_error(status: int, code: str, message: str) -> ScriptedResponse:
    body = (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
    )
    return ScriptedResponse(status=status, body=body.encode())


def sso_portal_handler(valid_token: str) -> Handler:
    def handle(request: RecordedRequest) -> ScriptedResponse:
        if request.header("x-amz-sso_bearer_token") != valid_token:
            return ScriptedResponse.json(401, '{"message": "Session token not found or invalid"}')
        query = dict(request.query)
        answer = {
            "roleCredentials": {
                "accessKeyId": f"ASIASSO{query['account_id']}",
                "secretAccessKey": "CANARY-SSO-SECRET",
                "sessionToken": "CANARY-SSO-TOKEN",
                "expiration": 4070908800000,
            }
        }
        return ScriptedResponse.json(200, json.dumps(answer))

    return handle


def credentials_json(key: str) -> str:
    return json.dumps(
        {
            "AccessKeyId": key,
            "SecretAccessKey": "CANARY-HTTP-SECRET",
            "Token": "CANARY-HTTP-TOKEN",
            "Expiration": EXPIRY,
        }
    )


def container_handler(authorization: str | None) -> Handler:
    def handle(request: RecordedRequest) -> ScriptedResponse:
        if authorization is not None and request.header("authorization") != authorization:
            return ScriptedResponse.json(401, '{"message": "unauthorized"}')
        return ScriptedResponse.json(200, credentials_json("ASIACONTAINER"))

    return handle


def imds_handler(role: str = "my-role") -> Handler:
    def handle(request: RecordedRequest) -> ScriptedResponse:
        if request.method == "PUT" and request.path == "/latest/api/token":
            if not request.header("x-aws-ec2-metadata-token-ttl-seconds"):
                return ScriptedResponse(status=400)
            return ScriptedResponse(status=200, body=b"imds-session-token")
        if request.header("x-aws-ec2-metadata-token") != "imds-session-token":
            return ScriptedResponse(status=401)
        base = "/latest/meta-data/iam/security-credentials/"
        if request.path == base:
            return ScriptedResponse(status=200, body=role.encode())
        if request.path == base + role:
            return ScriptedResponse.json(200, credentials_json("ASIAIMDS"))
        return ScriptedResponse(status=404)

    return handle

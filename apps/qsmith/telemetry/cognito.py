"""AWS credentials for telemetry from a Cognito identity pool, as the AWS toolkits get them.

Two unsigned awsJson1_1 calls of ``models/cognito-identity.json``: ``GetId`` (an identity id
for the pool, kept for the life of the provider) and ``GetCredentialsForIdentity`` (temporary
credentials for it). ``cognito_credentials`` wraps the provider in the runtime's caching
provider, so the calls repeat only when the credentials are about to expire.

The calls are made here with httpx; the generated cognito-identity client could replace
``CognitoIdentityCalls`` without changing the provider.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime

import httpx

from qsmith.runtime.auth.credentials.caching import CachingCredentialsProvider
from qsmith.runtime.auth.credentials.http_client import send
from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.http import HttpRequest

__all__ = [
    "CognitoCredentialsProvider",
    "CognitoIdentityCalls",
    "CognitoIdentityError",
    "cognito_credentials",
]

_TARGET_PREFIX = "AWSCognitoIdentityService"
_CONTENT_TYPE = "application/x-amz-json-1.1"
# IdentityPoolId of the model: "<region>:<uuid>", 1 to 55 characters.
_POOL_ID = re.compile(r"^([\w-]+):[0-9a-f-]+$")


class CognitoIdentityError(CredentialSourceError):
    """Cognito Identity answered with an error; ``code`` is its error shape name."""

    def __init__(self, operation: str, code: str, message: str | None, status: int) -> None:
        self.operation = operation
        self.code = code
        self.status = status
        detail = f": {message}" if message else ""
        super().__init__(f"cognito-identity {operation} failed with {code} (HTTP {status}){detail}")


class CognitoIdentityCalls:
    """The two operations, over httpx, at ``endpoint`` (default: the region's endpoint)."""

    def __init__(
        self,
        region: str,
        *,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.endpoint = (endpoint or f"https://cognito-identity.{region}.amazonaws.com").rstrip("/")
        self._client = client
        self._timeout = timeout

    def get_id(self, identity_pool_id: str) -> str:
        answer = self._call("GetId", {"IdentityPoolId": identity_pool_id})
        identity_id = answer.get("IdentityId")
        if not isinstance(identity_id, str) or not identity_id:
            raise CredentialSourceError("cognito-identity GetId: the answer has no IdentityId")
        return identity_id

    def get_credentials_for_identity(self, identity_id: str) -> AwsCredentials:
        answer = self._call("GetCredentialsForIdentity", {"IdentityId": identity_id})
        return _credentials(answer.get("Credentials"))

    def _call(self, operation: str, document: dict[str, object]) -> dict[str, object]:
        request = HttpRequest.from_url(
            "POST",
            self.endpoint + "/",
            headers=[
                ("Content-Type", _CONTENT_TYPE),
                ("X-Amz-Target", f"{_TARGET_PREFIX}.{operation}"),
            ],
            body=json.dumps(document).encode("utf-8"),
        )
        answer = send(
            request,
            source=f"cognito-identity {operation}",
            timeout=self._timeout,
            client=self._client,
        )
        try:
            parsed = json.loads(answer.body) if answer.body else {}
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise CredentialSourceError(
                f"cognito-identity {operation}: HTTP {answer.status} with a body that is not "
                "a JSON object"
            )
        if not 200 <= answer.status < 300:
            raw_code = str(parsed.get("__type") or f"HTTP{answer.status}")
            code = raw_code.split(":")[0].rsplit("#", 1)[-1]
            message = parsed.get("message") or parsed.get("Message")
            raise CognitoIdentityError(
                operation, code, str(message) if message else None, answer.status
            )
        return parsed


def _credentials(raw: object) -> AwsCredentials:
    where = "cognito-identity GetCredentialsForIdentity"
    if not isinstance(raw, dict):
        raise CredentialSourceError(f"{where}: the answer has no Credentials")
    access_key_id, secret, token = (
        raw.get(k) for k in ("AccessKeyId", "SecretKey", "SessionToken")
    )
    if not (
        isinstance(access_key_id, str) and isinstance(secret, str) and access_key_id and secret
    ):
        raise CredentialSourceError(f"{where}: Credentials lack AccessKeyId or SecretKey")
    expiration = raw.get("Expiration")
    # awsJson1_1 sends timestamps as epoch seconds (a number, perhaps with a fraction).
    if isinstance(expiration, bool) or not isinstance(expiration, int | float):
        raise CredentialSourceError(f"{where}: Credentials lack a numeric Expiration")
    return AwsCredentials(
        access_key_id=access_key_id,
        secret_access_key=secret,
        session_token=token if isinstance(token, str) and token else None,
        expiration=datetime.fromtimestamp(expiration, UTC),
        source="cognito-identity",
    )


class CognitoCredentialsProvider:
    """Credentials of an unauthenticated identity of ``identity_pool_id`` (not cached here:
    use ``cognito_credentials``). The identity id is kept and reused; if the service no longer
    knows it, one new identity is asked for."""

    name = "cognito-identity"

    def __init__(self, identity_pool_id: str, calls: CognitoIdentityCalls | None = None) -> None:
        match = _POOL_ID.match(identity_pool_id)
        if match is None or len(identity_pool_id) > 55:
            raise ConfigError(
                f"telemetry identity pool id {identity_pool_id!r} is not '<region>:<uuid>'"
            )
        self.identity_pool_id = identity_pool_id
        self._calls = calls or CognitoIdentityCalls(match.group(1))
        self._identity_id: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CognitoCredentialsProvider({self.identity_pool_id!r})"

    def resolve_credentials(self) -> AwsCredentials:
        with self._lock:
            if self._identity_id is None:
                self._identity_id = self._calls.get_id(self.identity_pool_id)
            try:
                return self._calls.get_credentials_for_identity(self._identity_id)
            except CognitoIdentityError as exc:
                if exc.code != "ResourceNotFoundException":
                    raise
            self._identity_id = self._calls.get_id(self.identity_pool_id)
            return self._calls.get_credentials_for_identity(self._identity_id)


def cognito_credentials(
    identity_pool_id: str, *, endpoint: str | None = None, client: httpx.Client | None = None
) -> CachingCredentialsProvider:
    """A caching provider over ``CognitoCredentialsProvider`` (renewed shortly before expiry)."""
    match = _POOL_ID.match(identity_pool_id)
    region = match.group(1) if match else ""
    calls = CognitoIdentityCalls(region, endpoint=endpoint, client=client)
    return CachingCredentialsProvider(CognitoCredentialsProvider(identity_pool_id, calls))

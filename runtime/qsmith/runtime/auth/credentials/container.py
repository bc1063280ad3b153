"""ECS/EKS container credentials: an HTTP endpoint named by the environment.

``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` is appended to the ECS agent's address
(``http://169.254.170.2``, overridable for tests); ``AWS_CONTAINER_CREDENTIALS_FULL_URI``
is used as is, but plain HTTP only to loopback or the ECS/EKS agent addresses, as the AWS
SDKs require. The authorization token comes from ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``
(read on every call: EKS rotates it) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qsmith.runtime.auth.credentials.http_client import send
from qsmith.runtime.auth.credentials.provider import CredentialsNotFound
from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.timestamps import parse_timestamp
from qsmith.runtime.http import HttpRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["ContainerCredentialsProvider", "parse_credentials_json"]

ECS_AGENT = "http://169.254.170.2"
_AGENT_HOSTS = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23"}


def _allowed_http_host(host: str) -> bool:
    if host in _AGENT_HOSTS or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_credentials_json(body: bytes, source: str) -> AwsCredentials:
    """``{AccessKeyId, SecretAccessKey, Token, Expiration}`` (container and IMDS answers)."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        raise CredentialSourceError(f"{source}: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise CredentialSourceError(f"{source}: the answer is not a JSON object")
    key, secret = data.get("AccessKeyId"), data.get("SecretAccessKey")
    if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
        raise CredentialSourceError(f"{source}: the answer lacks AccessKeyId or SecretAccessKey")
    expiry = data.get("Expiration")
    try:
        expiration = parse_timestamp(expiry) if isinstance(expiry, str) else None
    except ValueError as exc:
        raise CredentialSourceError(f"{source}: Expiration: {exc}") from None
    token = data.get("Token")
    account = data.get("AccountId")
    return AwsCredentials(
        key,
        secret,
        token if isinstance(token, str) and token else None,
        expiration=expiration,
        source=source,
        account_id=account if isinstance(account, str) else None,
    )


class ContainerCredentialsProvider:
    name = "container credentials (AWS_CONTAINER_CREDENTIALS_*)"

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        agent_endpoint: str = ECS_AGENT,
        client: httpx.Client | None = None,
        timeout: float = 2.0,
    ) -> None:
        self._environ = environ
        self._agent = agent_endpoint.rstrip("/")
        self._client = client
        self._timeout = timeout

    def __repr__(self) -> str:
        return "ContainerCredentialsProvider()"

    def _url(self, environ: Mapping[str, str]) -> str:
        relative = environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        if relative:
            return self._agent + "/" + relative.lstrip("/")
        full = environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        if not full:
            raise CredentialsNotFound(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
            )
        parts = urllib.parse.urlsplit(full)
        if parts.scheme == "http" and not _allowed_http_host(parts.hostname or ""):
            raise CredentialSourceError(
                f"{self.name}: AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to "
                f"a loopback or container agent address; got host {parts.hostname!r}"
            )
        if parts.scheme not in ("http", "https"):
            raise CredentialSourceError(f"{self.name}: unsupported URI scheme {parts.scheme!r}")
        return full

    def _authorization(self, environ: Mapping[str, str]) -> str | None:
        token_file = environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if token_file:
            try:
                with open(token_file, encoding="utf-8") as handle:
                    return handle.read().strip()
            except OSError as exc:
                raise CredentialSourceError(
                    f"{self.name}: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
                    f"{token_file}: {exc.strerror}"
                ) from None
        return environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") or None

    def resolve_credentials(self) -> AwsCredentials:
        environ = os.environ if self._environ is None else self._environ
        request = HttpRequest.from_url("GET", self._url(environ))
        request.headers.append(("Accept", "application/json"))
        authorization = self._authorization(environ)
        if authorization:
            if "\r" in authorization or "\n" in authorization:
                raise CredentialSourceError(f"{self.name}: the authorization token has a newline")
            request.headers.append(("Authorization", authorization))
        answer = send(
            request,
            source=self.name,
            client=self._client,
            timeout=self._timeout,
            use_proxy=False,
        )
        if answer.status != 200:
            raise CredentialSourceError(f"{self.name}: HTTP {answer.status} from the endpoint")
        return parse_credentials_json(answer.body, self.name)

"""EC2 instance metadata credentials, with IMDSv2 session tokens.

``PUT /latest/api/token`` gives a session token, sent as ``x-aws-ec2-metadata-token`` to
``GET /latest/meta-data/iam/security-credentials/`` (the role name) and then
``…/<role>`` (the credentials). ``AWS_EC2_METADATA_DISABLED=true`` turns the source off;
``AWS_EC2_METADATA_SERVICE_ENDPOINT`` moves it (tests point it at 127.0.0.1). Timeouts are
short: off EC2 nothing answers, and the chain should say so quickly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.container import parse_credentials_json
from qsmith.runtime.auth.credentials.http_client import send
from qsmith.runtime.auth.credentials.provider import CredentialsNotFound
from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.http import HttpRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["InstanceMetadataCredentialsProvider"]

DEFAULT_ENDPOINT = "http://169.254.169.254"
TOKEN_TTL_SECONDS = 21600
_CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"


class InstanceMetadataCredentialsProvider:
    name = "EC2 instance metadata (IMDSv2)"

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        client: httpx.Client | None = None,
        timeout: float = 1.0,
    ) -> None:
        self._environ = environ
        self._client = client
        self._timeout = timeout

    def __repr__(self) -> str:
        return "InstanceMetadataCredentialsProvider()"

    def _get(self, url: str, headers: list[tuple[str, str]], method: str = "GET") -> bytes:
        request = HttpRequest.from_url(method, url, headers)
        try:
            answer = send(
                request,
                source=self.name,
                client=self._client,
                timeout=self._timeout,
                use_proxy=False,
            )
        except CredentialSourceError as exc:
            raise CredentialsNotFound(f"no instance metadata service answered ({exc})") from None
        if method == "PUT" and answer.status in (403, 404, 405):
            # The token call refused: IMDS is disabled for this host (or absent behind a
            # proxy). IMDSv1 without a token is never tried.
            raise CredentialsNotFound(f"no IMDSv2 session token (HTTP {answer.status})")
        if answer.status == 404:
            raise CredentialsNotFound(f"{url.split('/latest', 1)[-1]} is not found (no role?)")
        if answer.status != 200:
            raise CredentialSourceError(f"{self.name}: HTTP {answer.status} from {url}")
        return answer.body

    def resolve_credentials(self) -> AwsCredentials:
        environ = os.environ if self._environ is None else self._environ
        if environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true":
            raise CredentialsNotFound("AWS_EC2_METADATA_DISABLED is true")
        endpoint = (environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") or DEFAULT_ENDPOINT).rstrip(
            "/"
        )
        token = self._get(
            endpoint + "/latest/api/token",
            [("x-aws-ec2-metadata-token-ttl-seconds", str(TOKEN_TTL_SECONDS))],
            method="PUT",
        ).decode("ascii", "replace")
        headers = [("x-aws-ec2-metadata-token", token)]
        roles = self._get(endpoint + _CREDENTIALS_PATH, headers).decode("utf-8").split()
        if not roles:
            raise CredentialsNotFound("the instance has no IAM role")
        body = self._get(endpoint + _CREDENTIALS_PATH + roles[0], headers)
        return parse_credentials_json(body, f"{self.name}, role {roles[0]}")

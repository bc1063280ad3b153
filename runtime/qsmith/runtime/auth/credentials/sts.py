"""The two STS calls credential sources need, in the awsQuery protocol.

A form-encoded POST (``Action``, ``Version`` and parameters) answered by XML, parsed with
the standard library. ``AssumeRole`` is SigV4-signed with the source credentials;
``AssumeRoleWithWebIdentity`` is unsigned (the web identity token is the proof).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.http_client import send
from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
from qsmith.runtime.auth.timestamps import parse_timestamp
from qsmith.runtime.http import HttpRequest

# The XML parser loads with the first STS answer, httpx with the first request.
if TYPE_CHECKING:
    import xml.etree.ElementTree as ElementTree

    import httpx

__all__ = ["StsClient", "sts_endpoint"]

STS_VERSION = "2011-06-15"
ENDPOINT_ENV_VAR = "AWS_ENDPOINT_URL_STS"


def sts_endpoint(region: str, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    configured = environ.get(ENDPOINT_ENV_VAR) or environ.get("AWS_ENDPOINT_URL")
    return (configured or f"https://sts.{region}.amazonaws.com").rstrip("/")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ElementTree.Element, *names: str) -> ElementTree.Element | None:
    """Descend by local names, ignoring the XML namespace STS uses."""
    current: ElementTree.Element | None = element
    for name in names:
        if current is None:
            return None
        current = next((child for child in current if _local(child.tag) == name), None)
    return current


def _text(element: ElementTree.Element, *names: str) -> str | None:
    found = _find(element, *names)
    return found.text.strip() if found is not None and found.text else None


class StsClient:
    """Calls STS at ``endpoint`` for ``region`` (the signing region)."""

    def __init__(
        self,
        region: str,
        *,
        endpoint: str | None = None,
        client: httpx.Client | None = None,
        signer: SigV4Signer | None = None,
    ) -> None:
        self.region = region
        self.endpoint = (endpoint or sts_endpoint(region)).rstrip("/")
        self._client = client
        self._signer = signer or SigV4Signer()

    def _request(self, params: list[tuple[str, str]]) -> HttpRequest:
        body = urllib.parse.urlencode(params).encode("ascii")
        request = HttpRequest.from_url("POST", self.endpoint + "/", body=body)
        request.headers = [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", request.authority),
        ]
        return request

    def assume_role(
        self,
        source: AwsCredentials,
        role_arn: str,
        session_name: str,
        *,
        external_id: str | None = None,
        duration_seconds: int | None = None,
    ) -> AwsCredentials:
        params = [
            ("Action", "AssumeRole"),
            ("Version", STS_VERSION),
            ("RoleArn", role_arn),
            ("RoleSessionName", session_name),
        ]
        if external_id:
            params.append(("ExternalId", external_id))
        if duration_seconds:
            params.append(("DurationSeconds", str(duration_seconds)))
        config = SigV4Config(region=self.region, service="sts")
        signed = self._signer.sign(self._request(params), source, config).request
        return self._call(signed, "AssumeRole", role_arn)

    def assume_role_with_web_identity(
        self, role_arn: str, session_name: str, web_identity_token: str
    ) -> AwsCredentials:
        params = [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", STS_VERSION),
            ("RoleArn", role_arn),
            ("RoleSessionName", session_name),
            ("WebIdentityToken", web_identity_token),
        ]
        return self._call(self._request(params), "AssumeRoleWithWebIdentity", role_arn)

    def _call(self, request: HttpRequest, action: str, role_arn: str) -> AwsCredentials:
        import xml.etree.ElementTree as ElementTree

        where = f"STS {action} for {role_arn}"
        answer = send(request, source=where, client=self._client)
        try:
            root = ElementTree.fromstring(answer.body)
        except ElementTree.ParseError:
            raise CredentialSourceError(
                f"{where}: HTTP {answer.status} with a body that is not XML"
            ) from None
        if answer.status != 200:
            code = _text(root, "Error", "Code") or "(no error code)"
            message = _text(root, "Error", "Message") or ""
            raise CredentialSourceError(f"{where} failed: HTTP {answer.status} {code}: {message}")
        credentials = _find(root, f"{action}Result", "Credentials")
        if credentials is None:
            raise CredentialSourceError(f"{where}: the answer has no Credentials")
        values = {
            name: _text(credentials, name)
            for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")
        }
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise CredentialSourceError(f"{where}: the answer lacks {', '.join(missing)}")
        arn = _text(root, f"{action}Result", "AssumedRoleUser", "Arn")
        try:
            expiration = parse_timestamp(values["Expiration"] or "")
        except ValueError as exc:
            raise CredentialSourceError(f"{where}: Expiration: {exc}") from None
        return AwsCredentials(
            values["AccessKeyId"] or "",
            values["SecretAccessKey"] or "",
            values["SessionToken"],
            expiration=expiration,
            source=where,
            account_id=arn.split(":")[4] if arn and arn.count(":") >= 5 else None,
        )

"""A ``MetricSender`` that calls PostMetrics itself: restJson1 over httpx, SigV4-signed.

``client_sender`` does the same through the generated toolkit-telemetry client; this one
needs no generated package. Both are tested against a loopback server or a fake client.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import httpx

from qsmith.runtime.auth.credentials.provider import CredentialProvider
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
from qsmith.runtime.errors import ServiceError, TransportError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.telemetry import MetricDatum
from qsmith.telemetry.client_info import TelemetryClientInfo, post_metrics_document

__all__ = ["DEFAULT_TELEMETRY_ENDPOINT", "HttpMetricSender", "TelemetrySendError"]

DEFAULT_TELEMETRY_ENDPOINT = "https://client-telemetry.us-east-1.amazonaws.com"
# The endpoint rules of the toolkit-telemetry model sign for execute-api in us-east-1.
_SIGNING = SigV4Config(region="us-east-1", service="execute-api")


class TelemetrySendError(ServiceError):
    """PostMetrics answered with an error status."""


class HttpMetricSender:
    """Posts each batch to ``{endpoint}/metrics`` with credentials from ``credentials``."""

    def __init__(
        self,
        info: TelemetryClientInfo,
        credentials: CredentialProvider,
        *,
        endpoint: str = DEFAULT_TELEMETRY_ENDPOINT,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self._info = info
        self._credentials = credentials
        self._endpoint = endpoint.rstrip("/")
        self._timeout = timeout
        self._client = client
        self._signer = SigV4Signer()

    def __repr__(self) -> str:
        return f"HttpMetricSender({self._endpoint!r})"

    def send(self, batch: Sequence[MetricDatum]) -> None:
        body = json.dumps(post_metrics_document(self._info, batch), separators=(",", ":"))
        request = HttpRequest.from_url(
            "POST",
            self._endpoint + "/metrics",
            headers=[("Content-Type", "application/json")],
            body=body.encode("utf-8"),
        )
        signed = self._signer.sign(request, self._credentials.resolve_credentials(), _SIGNING)
        headers = [(k, v) for k, v in signed.request.headers if k.lower() != "host"]
        try:
            if self._client is not None:
                response = self._client.post(
                    signed.request.url, headers=headers, content=request.body, timeout=self._timeout
                )
            else:
                with httpx.Client(timeout=self._timeout) as client:
                    response = client.post(
                        signed.request.url, headers=headers, content=request.body
                    )
        except httpx.HTTPError as exc:
            raise TransportError(
                f"PostMetrics to {self._endpoint} failed ({type(exc).__name__})"
            ) from None
        if not 200 <= response.status_code < 300:
            raise _error(response)


def _error(response: httpx.Response) -> TelemetrySendError:
    code = message = None
    try:
        document = response.json()
    except ValueError:
        document = None
    if isinstance(document, dict):
        raw_code = response.headers.get("x-amzn-errortype") or document.get("__type")
        code = str(raw_code).split(":")[0].rsplit("#", 1)[-1] if raw_code else None
        raw_message = document.get("message") or document.get("Message")
        message = str(raw_message) if raw_message else None
    return TelemetrySendError(
        message,
        code=code or f"HTTP{response.status_code}",
        http_status=response.status_code,
        request_id=response.headers.get("x-amzn-requestid"),
        fault="server" if response.status_code >= 500 else "client",
    )

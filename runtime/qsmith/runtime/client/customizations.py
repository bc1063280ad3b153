"""Service behaviour the models cannot express, in one place, each with its reason.

- Under awsJson1_0, members bound with ``@httpHeader`` are also sent as headers: the
  Amazon Q CLI's client does so for ``x-amzn-kiro-agent-mode`` and
  ``x-amzn-kiro-profile-arn``, and the services read them there.
- The Amazon Q services take the data-sharing choice as ``x-amzn-codewhisperer-optout``
  (``true``: do not use the content to improve the service). qsmith sends ``true``
  unless the client was configured with ``share_content=True``.
"""

from __future__ import annotations

from typing import Any

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import ServiceSchema

__all__ = ["OPTOUT_HEADER", "Q_SERVICES", "customize_request", "protocol_options"]

OPTOUT_HEADER = "x-amzn-codewhisperer-optout"
# sdkIds of the Amazon Q services these customizations apply to.
Q_SERVICES = frozenset(
    {"CodeWhispererRuntime", "CodeWhispererStreaming", "QDeveloperStreaming", "CodeWhisperer"}
)


def protocol_options(service: ServiceSchema, config: ClientConfig) -> dict[str, Any]:
    """Options of the protocol object for this service."""
    options: dict[str, Any] = {"validate": config.validate}
    if config.idempotency_token is not None:
        options["idempotency_token"] = config.idempotency_token
    if service.sdk_id in Q_SERVICES:
        options["send_header_members"] = True
    return options


def customize_request(service: ServiceSchema, config: ClientConfig, request: HttpRequest) -> None:
    """Apply the customizations of the client's service to a serialized request."""
    if service.sdk_id in Q_SERVICES:
        request.set_header(OPTOUT_HEADER, "false" if config.share_content else "true")

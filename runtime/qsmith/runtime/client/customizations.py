"""Service behaviour the models cannot express, in one place, each with its reason.

- Under awsJson1_0, members bound with ``@httpHeader`` are also sent as headers: the
  Amazon Q CLI's client does so for ``x-amzn-kiro-agent-mode`` and
  ``x-amzn-kiro-profile-arn``, and the services read them there.
- The Amazon Q services take the data-sharing choice as ``x-amzn-codewhisperer-optout``
  (``true``: do not use the content to improve the service). qsmith sends ``true``
  unless the client was configured with ``share_content=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import HttpBinding, OperationSchema

if TYPE_CHECKING:
    from qsmith.runtime.client.core import ClientCore

__all__ = ["OPTOUT_HEADER", "OPTOUT_SERVICES", "customize_request"]

OPTOUT_HEADER = "x-amzn-codewhisperer-optout"
# sdkIds of the services that read the data-sharing header.
OPTOUT_SERVICES = frozenset(
    {"CodeWhispererRuntime", "CodeWhispererStreaming", "QDeveloperStreaming", "CodeWhisperer"}
)
_RPC_PROTOCOLS = frozenset({"aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1"})


def customize_request(
    core: ClientCore, operation: OperationSchema, value: Any, request: HttpRequest
) -> None:
    """Apply the customizations of the client's service to a serialized request."""
    if core.protocol_id in _RPC_PROTOCOLS and value is not None:
        _mirror_header_members(operation, value, request)
    if core.service.sdk_id in OPTOUT_SERVICES:
        request.set_header(OPTOUT_HEADER, "false" if core.config.share_content else "true")


def _mirror_header_members(operation: OperationSchema, value: Any, request: HttpRequest) -> None:
    for member in operation.input.members.values():
        if member.http_binding is not HttpBinding.HEADER or not member.http_name:
            continue
        member_value = getattr(value, member.python_name, None)
        if isinstance(member_value, str):
            request.set_header(member.http_name, member_value)
        elif isinstance(member_value, bool):
            request.set_header(member.http_name, "true" if member_value else "false")
        elif isinstance(member_value, int):
            request.set_header(member.http_name, str(member_value))

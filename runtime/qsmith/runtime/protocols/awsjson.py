"""awsJson1_0 and awsJson1_1: every call is ``POST /`` with the operation in a header.

The input structure is the whole JSON body (member names as keys: ``jsonName`` does
not apply), the output the whole response body. Both versions differ only in the
Content-Type they send.
"""

from __future__ import annotations

from typing import Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.base import (
    QUERY_COMPATIBLE,
    Headers,
    Protocol,
    header_text,
    join_path,
    read_all,
)
from qsmith.runtime.schema import HttpBinding, OperationSchema, ServiceSchema
from qsmith.runtime.serde.json import JsonCodec, build_structure

__all__ = ["AwsJson1_0", "AwsJson1_1", "AwsJsonProtocol"]


class AwsJsonProtocol(Protocol):
    """``send_header_members``: members bound with ``@httpHeader`` also travel as headers.

    awsJson ignores HTTP bindings, but some services read headers that their models bind
    this way; their models say so (``qsmith.customizations#sendHeaderMembers``, see
    models/README.md). The members stay in the JSON body as well.
    """

    codec = JsonCodec(use_json_name=False)
    event_codec = codec
    initial_response_event = True

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        if operation.streaming_member("input") is not None:
            raise ParamValidationError(
                f"{operation.name}: streaming input is not supported under awsJson yet"
            )
        request.method = "POST"
        request.path = join_path(request.path, "/")
        request.headers.append(("Content-Type", self.content_type))
        request.headers.append(("X-Amz-Target", f"{service.name}.{operation.name}"))
        if QUERY_COMPATIBLE in service.traits:
            request.headers.append(("x-amzn-query-mode", "true"))
        if self.send_header_members:
            _add_header_members(operation, value, request)
        data = self.codec.structure_to_data(operation.input, value, top_level=True)
        request.body = self.codec.encode(data)

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        """The output; for an event stream, only the stream member is set (to the body).

        The other members of a streaming output arrive in the stream's
        ``initial-response`` event, which the event stream layer decodes with
        ``decode_structure(operation.output, payload, use_json_name=False)``.
        """
        stream = operation.streaming_member("output")
        if stream is not None and stream.target.is_event_stream:
            kwargs: dict[str, object] = {
                m.python_name: None for m in operation.output.members.values()
            }
            kwargs[stream.python_name] = body
            return build_structure(operation.output, kwargs)
        return self.codec.decode(operation.output, read_all(body))


def _add_header_members(operation: OperationSchema, value: Any, request: HttpRequest) -> None:
    for member in operation.input.members.values():
        if member.http_binding is not HttpBinding.HEADER or member.http_name is None:
            continue
        item = getattr(value, member.python_name, None)
        if isinstance(item, bool):
            request.set_header(member.http_name, "true" if item else "false")
        elif isinstance(item, (str, int)):
            request.set_header(member.http_name, header_text(member.http_name, str(item)))


class AwsJson1_0(AwsJsonProtocol):
    id = "aws.protocols#awsJson1_0"
    content_type = "application/x-amz-json-1.0"


class AwsJson1_1(AwsJsonProtocol):
    id = "aws.protocols#awsJson1_1"
    content_type = "application/x-amz-json-1.1"

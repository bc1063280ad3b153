"""awsQuery: form-encoded ``POST /`` requests, XML answers wrapped in ``<OpResult>``.

The request body is ``Action=<operation>&Version=<service version>`` followed by the
input's members as query parameters (``serde/query.py``). The answer is
``<OpResponse><OpResult>members</OpResult></OpResponse>``; an error is
``<ErrorResponse><Error><Type/><Code/><Message/>members</Error><RequestId/></ErrorResponse>``
(``xmlerrors.py``). The XML and query codecs load with the first call, not with the
client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.base import Headers, join_path, read_all
from qsmith.runtime.protocols.xmlerrors import XmlErrorProtocol, parse_body
from qsmith.runtime.schema import OperationSchema, ServiceSchema

if TYPE_CHECKING:
    from qsmith.runtime.serde.query import QueryNaming
    from qsmith.runtime.serde.xml import XmlNode

__all__ = ["FORM_CONTENT_TYPE", "AwsQuery"]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class AwsQuery(XmlErrorProtocol):
    id = "aws.protocols#awsQuery"
    content_type = FORM_CONTENT_TYPE

    def naming(self) -> QueryNaming:
        from qsmith.runtime.serde.query import AWS_QUERY_NAMING

        return AWS_QUERY_NAMING

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        from qsmith.runtime.serde.query import encode_form, query_params

        if operation.streaming_member("input") is not None:
            raise ParamValidationError(f"{operation.name}: {self.id} has no streaming input")
        request.method = "POST"
        request.path = join_path(request.path, "/")
        request.headers.append(("Content-Type", FORM_CONTENT_TYPE))
        pairs = [("Action", operation.name), ("Version", service.version)]
        pairs += query_params(operation.input, value, self.naming())
        request.body = encode_form(pairs)

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        from qsmith.runtime.serde.xml import XmlReader

        root = parse_body(read_all(body), operation.name)
        node = None if root is None else self.output_node(operation, root)
        return XmlReader().structure(operation.output, node)

    def output_node(self, operation: OperationSchema, root: XmlNode) -> XmlNode | None:
        """The element holding the output members: ``<OpResult>`` under the root."""
        return root.child(f"{operation.name}Result")

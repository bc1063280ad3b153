"""restXml: restJson1's HTTP bindings with XML bodies (S3, CloudFront, Route 53, ...).

Labels, query, headers, prefix headers and the status code bind exactly as in
restJson1 (the helpers are shared with ``restjson.py``). The body members form one
element named after the input or output structure (its ``@xmlName`` if any), with the
service's ``@xmlNamespace`` on it; an ``@httpPayload`` structure is the root element
itself, named by the member's or the target's ``@xmlName``, else the target's name.
Errors are ``<ErrorResponse><Error>...</Error></ErrorResponse>``, or a bare
``<Error>`` under ``@restXml(noErrorWrapping: true)`` (S3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.base import (
    Headers,
    ResponseHeaders,
    read_all,
)
from qsmith.runtime.protocols.restjson import (
    _default_header,
    _get,
    _in_response_body,
    _read_bound,
    bind_http_members,
)
from qsmith.runtime.protocols.xmlerrors import XmlErrorFacts, XmlErrorProtocol, parse_body
from qsmith.runtime.schema import (
    HttpBinding,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
)
from qsmith.runtime.serde.json import build_structure, fill_missing

if TYPE_CHECKING:
    from qsmith.runtime.serde.xml import XmlNode

__all__ = ["XML_CONTENT_TYPE", "RestXml"]

XML_CONTENT_TYPE = "application/xml"
REST_XML = "aws.protocols#restXml"
XML_NAME = "smithy.api#xmlName"
XML_ATTRIBUTE = "smithy.api#xmlAttribute"
S3_UNWRAPPED = "aws.customizations#s3UnwrappedXmlOutput"
# An XML document whose root element is <Error> (after an optional declaration).
_ERROR_DOCUMENT = re.compile(rb"\s*(<\?xml[^>]*\?>)?\s*<Error>")


class RestXml(XmlErrorProtocol):
    id = REST_XML
    content_type = XML_CONTENT_TYPE
    http_bindings = True

    # ----------------------------------------------------------------- requests

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        http = operation.http
        if http is None:
            raise ParamValidationError(f"{operation.name} has no @http trait for restXml")
        if _has_event_stream(operation):
            # Events would carry XML payloads; the event stream layer reads JSON only.
            raise ParamValidationError(
                f"{operation.name}: event streams are not supported under restXml yet"
            )
        body_members, payload = bind_http_members(operation, http, value, request)
        if payload is not None:
            _write_payload(service, payload, _get(value, payload.python_name), request)
        elif any(_get(value, m.python_name) is not None for m in body_members):
            request.body = _root_element(service, operation.input, value, body_members)
            _default_header(request, "Content-Type", XML_CONTENT_TYPE)

    # ---------------------------------------------------------------- responses

    def deserialize_response(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: ResponseHeaders,
        body: Any,
    ) -> Any:
        """As every protocol, but with ``errors_in_200`` (S3: CopyObject,
        CompleteMultipartUpload, ...) a 2xx answer whose document is an ``<Error>`` is
        the error it holds, as a 500 (the service failed after it had begun answering;
        the retry strategy may try again), never an output read from an error."""
        if self.errors_in_200 and 200 <= status < 300 and _holds_error(operation, body):
            status = 500
        return super().deserialize_response(service, operation, status, headers, body)

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        from qsmith.runtime.serde.xml import XmlReader

        output = operation.output
        kwargs = _read_bound(output, status, headers)
        for member in output.members.values():  # no header with the prefix: an empty map
            if member.http_binding is HttpBinding.PREFIX_HEADERS:
                kwargs.setdefault(member.python_name, {})
        if S3_UNWRAPPED in operation.traits:
            return self._read_unwrapped(output, kwargs, body)
        payload = next(
            (m for m in output.members.values() if m.http_binding is HttpBinding.PAYLOAD), None
        )
        if payload is not None:
            kwargs[payload.python_name] = _read_payload(payload, body)
            fill_missing(output, kwargs)
            return build_structure(output, kwargs)
        body_members = [m for m in output.members.values() if _in_response_body(m)]
        root = parse_body(read_all(body), output.name) if body_members else None
        return build_structure(
            output, XmlReader().structure_kwargs(output, root, members=body_members, extra=kwargs)
        )

    def _read_unwrapped(self, output: Schema, kwargs: dict[str, Any], body: Any) -> Any:
        """S3's ``@s3UnwrappedXmlOutput``: the root element is the one body member."""
        from qsmith.runtime.serde.xml import XmlReader

        root = parse_body(read_all(body), output.name)
        member = next((m for m in output.members.values() if _in_response_body(m)), None)
        if root is not None and member is not None:
            kwargs[member.python_name] = XmlReader().value(member, root)
        fill_missing(output, kwargs)
        return build_structure(output, kwargs)

    def error_facts(self, root: XmlNode | None) -> XmlErrorFacts:
        if root is not None and root.name == "Error":  # noErrorWrapping (S3)
            request_id = root.child("RequestId")
            return XmlErrorFacts(root, None if request_id is None else request_id.text)
        return super().error_facts(root)

    def read_xml_error_members(
        self, schema: Schema, status: int, headers: Headers, node: XmlNode | None
    ) -> dict[str, Any]:
        from qsmith.runtime.serde.xml import XmlReader

        kwargs = _read_bound(schema, status, headers)
        body_members = [m for m in schema.members.values() if _in_response_body(m)]
        return XmlReader().structure_kwargs(schema, node, members=body_members, extra=kwargs)


# ------------------------------------------------------------------- requests


def _has_event_stream(operation: OperationSchema) -> bool:
    return any(
        m.target.is_event_stream
        for schema in (operation.input, operation.output)
        for m in schema.members.values()
    )


def _namespace_of(traits: Mapping[str, object]) -> str:
    from qsmith.runtime.serde.xml import namespace_attribute

    return namespace_attribute(traits)


def _root_element(
    service: ServiceSchema, schema: Schema, value: Any, members: list[MemberSchema]
) -> bytes:
    """The body members as one element named after the structure."""
    from qsmith.runtime.serde.xml import XmlWriter

    name = schema.traits.get(XML_NAME)
    tag = name if isinstance(name, str) else schema.name
    namespace = _namespace_of(schema.traits) or _namespace_of(service.traits)
    writer = XmlWriter()
    attributes: list[str] = []
    body: list[str] = []
    for member in members:
        item = _get(value, member.python_name)
        if item is not None:
            part = writer.member(member, item)
            (attributes if XML_ATTRIBUTE in member.traits else body).append(part)
    return f"<{tag}{namespace}{''.join(attributes)}>{''.join(body)}</{tag}>".encode()


def _write_payload(
    service: ServiceSchema, member: MemberSchema, item: Any, request: HttpRequest
) -> None:
    target = member.target
    if item is None:
        return
    media_type = member.media_type or target.media_type
    if target.type is ShapeType.BLOB:
        request.body = bytes(item) if isinstance(item, (bytearray, memoryview)) else item
        _default_header(request, "Content-Type", media_type or "application/octet-stream")
    elif target.type in (ShapeType.STRING, ShapeType.ENUM):
        request.body = str(item).encode("utf-8")
        _default_header(request, "Content-Type", media_type or "text/plain")
    else:
        from qsmith.runtime.serde.xml import XmlWriter

        member_name = member.traits.get(XML_NAME)
        target_name = target.traits.get(XML_NAME)
        tag = member_name if isinstance(member_name, str) else target_name
        tag = tag if isinstance(tag, str) else target.name
        namespace = _namespace_of({**target.traits, **member.traits}) or _namespace_of(
            service.traits
        )
        text = XmlWriter().element(tag, member, target, item, namespace=namespace)
        request.body = text.encode("utf-8")
        _default_header(request, "Content-Type", XML_CONTENT_TYPE)


# ------------------------------------------------------------------ responses


def _holds_error(operation: OperationSchema, body: Any) -> bool:
    """An XML error document in a body meant for a structure (a blob or text payload may
    hold anything, and a streamed one is the caller's to read)."""
    if not isinstance(body, bytes) or not body:
        return False
    for member in operation.output.members.values():
        if member.http_binding is HttpBinding.PAYLOAD and member.target.type in (
            ShapeType.BLOB,
            ShapeType.STRING,
            ShapeType.ENUM,
        ):
            return False
    return _ERROR_DOCUMENT.match(body) is not None


def _read_payload(member: MemberSchema, body: Any) -> Any:
    target = member.target
    if target.type is ShapeType.BLOB and target.streaming and not isinstance(body, bytes):
        return body
    raw = read_all(body)
    if not raw:
        return None
    if target.type is ShapeType.BLOB:
        return raw
    if target.type in (ShapeType.STRING, ShapeType.ENUM):
        return raw.decode("utf-8")
    from qsmith.runtime.serde.xml import XmlReader

    root = parse_body(raw, member.name)
    return None if root is None else XmlReader().value(member, root)

"""How the XML protocols (awsQuery, ec2Query, restXml) read an error answer.

Each wraps ``<Code>``, ``<Message>`` (and ``<Type>``: ``Sender`` or ``Receiver``) and
the error's members in its own envelope; ``error_facts`` finds that envelope. The code
names the error by its ``@awsQueryError`` code or, without one, its shape name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qsmith.runtime.errors import ServiceError
from qsmith.runtime.protocols.base import Headers, Protocol, _unmodeled_error
from qsmith.runtime.schema import OperationSchema, Schema, ServiceSchema
from qsmith.runtime.values import ModeledServiceError

if TYPE_CHECKING:
    from qsmith.runtime.serde.xml import XmlNode

__all__ = ["XmlErrorFacts", "XmlErrorProtocol", "parse_body"]

QUERY_ERROR = "aws.protocols#awsQueryError"


@dataclass(frozen=True)
class XmlErrorFacts:
    """The element holding an error's code, message and members, and the request id."""

    error: XmlNode | None
    request_id: str | None

    def field(self, name: str) -> str | None:
        node = None if self.error is None else self.error.child(name)
        return None if node is None else node.text


def parse_body(raw: bytes, where: str) -> XmlNode | None:
    """The root element of a body, or None for an empty one (the XML codec loads here)."""
    from qsmith.runtime.serde.xml import parse_xml

    return parse_xml(raw, where) if raw.strip() else None


def error_code_of(schema: Schema) -> str:
    """The code an XML protocol's error carries for this error shape."""
    trait = schema.traits.get(QUERY_ERROR)
    if isinstance(trait, Mapping) and isinstance(trait.get("code"), str):
        return str(trait["code"])
    return schema.name


class XmlErrorProtocol(Protocol):
    """``read_error`` for the protocols whose errors are XML documents."""

    def error_facts(self, root: XmlNode | None) -> XmlErrorFacts:
        """awsQuery's and restXml's envelope: ``<ErrorResponse><Error>..<RequestId>``."""
        if root is None:
            return XmlErrorFacts(None, None)
        request_id = root.child("RequestId")
        return XmlErrorFacts(root.child("Error"), None if request_id is None else request_id.text)

    def read_xml_error_members(
        self, schema: Schema, status: int, headers: Headers, node: XmlNode | None
    ) -> dict[str, Any]:
        """The error structure's members (python names) from its element."""
        from qsmith.runtime.serde.xml import XmlReader

        return XmlReader().structure_kwargs(schema, node)

    def read_error(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: Headers,
        body: bytes,
    ) -> ServiceError:
        from qsmith.runtime.serde import SerdeError

        try:
            root = parse_body(body, "error response")
        except SerdeError:  # an HTML page from a proxy, say: the status still tells
            root = None
        facts = self.error_facts(root)
        code = facts.field("Code")
        message = facts.field("Message")
        if code is None and root is None and self.bodiless_error_codes:
            code, message = _code_from_status(status)
        kind = facts.field("Type")
        request_id = facts.request_id or headers.get("x-amzn-RequestId")
        fault = "server" if status >= 500 else "client"
        schema = None
        if code:
            candidates = (*operation.errors, *service.errors)
            schema = next((s for s in candidates if error_code_of(s) == code), None)
        cls = None if schema is None else schema.python_type
        if schema is None or cls is None or not issubclass(cls, ModeledServiceError):
            data = {} if message is None else {"Message": message}
            if kind in ("Sender", "Receiver"):
                fault = "server" if kind == "Receiver" else "client"
            return _unmodeled_error(
                service, code or f"HTTP{status}", status, request_id, fault, data
            )
        if kind in ("Sender", "Receiver"):
            fault = "server" if kind == "Receiver" else "client"
        else:
            fault = schema.error or fault
        members = self.read_xml_error_members(schema, status, headers, facts.error)
        _fill_message(schema, members, message)
        error: ServiceError = cls(
            code=code,
            http_status=status,
            request_id=request_id,
            fault=fault,
            retryable=schema.retryable,
            **members,
        )
        if error.message is None and message is not None and not _has_message_member(schema):
            # An error shape without members (S3's NoSuchKey) still tells its message.
            error.message = message
            error.args = (error._describe(),)
        return error


def _code_from_status(status: int) -> tuple[str | None, str | None]:
    """A bodiless answer's code and message: the status' reason phrase (404 ->
    ``NotFound``, "Not Found"), as models such as S3's name those errors."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return None, None
    return phrase.replace(" ", "").replace("-", ""), phrase


def _has_message_member(schema: Schema) -> bool:
    return any(member.name.lower() == "message" for member in schema.members.values())


def _fill_message(schema: Schema, members: dict[str, Any], message: str | None) -> None:
    """The envelope's ``<Message>`` as the error's message member when its element is absent.

    AWS query services write ``<Message>`` whatever the model names the member (STS and
    many others name it ``message``), so reading the member by its own name finds nothing.
    """
    for member in schema.members.values():
        if member.name.lower() == "message" and members.get(member.python_name) is None:
            if message is not None:
                members[member.python_name] = message
            return

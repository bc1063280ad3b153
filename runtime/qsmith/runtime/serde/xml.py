"""XML bodies of the query and restXml protocols: a safe parser, a reader and a writer.

``parse_xml`` builds a small element tree with expat and refuses any document type
declaration outright (``XmlDeclarationError``): entity expansion ("billion laughs")
and external entities need one, and no AWS service sends one. ``XmlReader`` turns
an element into a value of a schema; ``XmlWriter`` writes a value as XML text. The
traits they follow (``xmlName``, ``xmlAttribute``, ``xmlFlattened``, ``xmlNamespace``)
are carried in ``Schema.traits`` / ``MemberSchema.traits`` by the generator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from xml.sax.saxutils import escape, quoteattr

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.json import build_structure, fill_missing
from qsmith.runtime.serde.scalars import (
    b64decode,
    b64encode,
    float_from_text,
    float_to_text,
    format_timestamp,
    parse_timestamp,
)
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

__all__ = [
    "MAX_XML_DEPTH",
    "XML_ATTRIBUTE",
    "XML_FLATTENED",
    "XML_NAME",
    "XML_NAMESPACE",
    "XmlDeclarationError",
    "XmlNode",
    "XmlReader",
    "XmlWriter",
    "member_of",
    "member_xml_name",
    "namespace_attribute",
    "parse_xml",
]

XML_NAME = "smithy.api#xmlName"
XML_ATTRIBUTE = "smithy.api#xmlAttribute"
XML_FLATTENED = "smithy.api#xmlFlattened"
XML_NAMESPACE = "smithy.api#xmlNamespace"
# Reading a value recurses once per element, so a hostile body could exhaust the stack;
# no AWS answer comes near this depth.
MAX_XML_DEPTH = 256

_INTEGERS = frozenset(
    {
        ShapeType.BYTE,
        ShapeType.SHORT,
        ShapeType.INTEGER,
        ShapeType.LONG,
        ShapeType.INT_ENUM,
        ShapeType.BIG_INTEGER,
    }
)


class XmlDeclarationError(SerdeError):
    """An XML body declares a document type or entities, which qsmith never expands."""


@dataclass
class XmlNode:
    """One element: its name as written (``prefix:local`` kept), attributes, children, text."""

    tag: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[XmlNode] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    name: str = ""  # the local name (any namespace prefix dropped)
    _by_name: dict[str, list[XmlNode]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = self.tag.rpartition(":")[2]

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def child(self, name: str) -> XmlNode | None:
        found = self.children_named(name)
        return found[0] if found else None

    def children_named(self, name: str) -> list[XmlNode]:
        # Indexed once, when first asked: a structure looks up each of its members.
        if self._by_name is None:
            self._by_name = {}
            for child in self.children:
                self._by_name.setdefault(child.name, []).append(child)
        return self._by_name.get(name, [])


def parse_xml(body: bytes, where: str) -> XmlNode:
    """The root element of an XML body; no DTD, entity or external reference is honoured."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True  # one text callback per run of text, not one per line
    stack: list[XmlNode] = []
    roots: list[XmlNode] = []

    def refuse(*_: object) -> None:
        raise XmlDeclarationError(
            f"{where}: the XML body declares a document type or entity; refused "
            "(qsmith never expands XML entities)"
        )

    def start(tag: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_XML_DEPTH:
            raise SerdeError(f"{where}: the XML body nests deeper than {MAX_XML_DEPTH} elements")
        node = XmlNode(tag, dict(attributes))
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise SerdeError(f"{where}: the body is not well-formed XML ({exc})") from None
    if not roots:
        raise SerdeError(f"{where}: the XML body has no root element")
    return roots[0]


def member_of(value: Any, name: str) -> Any:
    """A member of a structure value: a generated class, or a dict keyed by python name."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def member_xml_name(member: MemberSchema) -> str:
    name = member.traits.get(XML_NAME)
    return name if isinstance(name, str) else member.name


def _flattened(member: MemberSchema) -> bool:
    return XML_FLATTENED in member.traits


def _item_member(schema: Schema, name: str) -> MemberSchema:
    return schema.member(name)


def _time_format(member: MemberSchema, default: TimestampFormat) -> TimestampFormat:
    return member.timestamp_format or member.target.timestamp_format or default


# ----------------------------------------------------------------------- reading


class XmlReader:
    """Values of a schema read from XML elements; missing members are corrected."""

    def structure(self, schema: Schema, node: XmlNode | None) -> Any:
        return build_structure(schema, self.structure_kwargs(schema, node))

    def structure_kwargs(
        self,
        schema: Schema,
        node: XmlNode | None,
        *,
        members: list[MemberSchema] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> dict[str, object]:
        """The constructor arguments of a structure; ``extra`` adds values bound elsewhere."""
        kwargs: dict[str, object] = dict(extra or {})
        for member in schema.members.values() if members is None else members:
            if node is None:
                break
            value = self.member_value(member, node)
            if value is not None:
                kwargs[member.python_name] = value
        fill_missing(schema, kwargs)
        return kwargs

    def member_value(self, member: MemberSchema, parent: XmlNode) -> Any:
        """A member of the structure ``parent`` (None when absent)."""
        name = member_xml_name(member)
        if XML_ATTRIBUTE in member.traits:
            raw = parent.attributes.get(name)
            return None if raw is None else self.scalar(member, raw)
        target = member.target
        if _flattened(member) and target.type is ShapeType.LIST:
            found = parent.children_named(name)
            item = _item_member(target, "member")
            return [self.value(item, node) for node in found] if found else None
        if _flattened(member) and target.type is ShapeType.MAP:
            found = parent.children_named(name)
            return self._entries(target, found) if found else None
        node = parent.child(name)
        return None if node is None else self.value(member, node)

    def value(self, member: MemberSchema, node: XmlNode) -> Any:
        target = member.target
        kind = target.type
        if kind is ShapeType.STRUCTURE:
            return self.structure(target, node)
        if kind is ShapeType.UNION:
            return self._union(target, node)
        if kind is ShapeType.LIST:
            item = _item_member(target, "member")
            return [self.value(item, c) for c in node.children_named(member_xml_name(item))]
        if kind is ShapeType.MAP:
            return self._entries(target, node.children_named("entry"))
        return self.scalar(member, node.text)

    def _entries(self, schema: Schema, entries: list[XmlNode]) -> dict[str, Any]:
        key_member, value_member = schema.member("key"), schema.member("value")
        out: dict[str, Any] = {}
        for entry in entries:
            key_node = entry.child(member_xml_name(key_member))
            value_node = entry.child(member_xml_name(value_member))
            if key_node is None:
                raise SerdeError(f"{schema.name}: a map entry has no key")
            out[key_node.text] = (
                None if value_node is None else self.value(value_member, value_node)
            )
        return out

    def _union(self, schema: Schema, node: XmlNode) -> Any:
        by_name = {member_xml_name(m): m for m in schema.members.values()}
        for child in node.children:
            member = by_name.get(child.name)
            if member is None:
                cls = schema.python_type
                if isinstance(cls, type) and issubclass(cls, UnknownUnionMember):
                    return cls(child.name, child.text)
                return UnknownUnionMember(child.name, child.text)
            if member.variant_type is None:
                raise SerdeError(f"{schema.name}.{member.name}: the schema names no variant class")
            return member.variant_type(self.value(member, child))
        raise SerdeError(f"{schema.name}: a union element holds no member")

    def scalar(self, member: MemberSchema, text: str) -> Any:
        """A simple value from its text."""
        kind = member.target.type
        where = member.name
        if kind in (ShapeType.STRING, ShapeType.ENUM):
            return text
        stripped = text.strip()
        try:
            if kind is ShapeType.BOOLEAN:
                if stripped not in ("true", "false"):
                    raise ValueError
                return stripped == "true"
            if kind in _INTEGERS:
                return int(stripped)
            if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
                return float_from_text(stripped, where)
            if kind is ShapeType.BIG_DECIMAL:
                return Decimal(stripped)
        except (ValueError, InvalidOperation):
            raise SerdeError(f"{where}: invalid {kind.value} {text!r}") from None
        if kind is ShapeType.TIMESTAMP:
            fmt = _time_format(member, TimestampFormat.DATE_TIME)
            parsed: dt.datetime = parse_timestamp(stripped, fmt, where)
            return parsed
        if kind is ShapeType.BLOB:
            return b64decode(stripped, where)
        raise SerdeError(f"{where}: {kind.value} values cannot be read from XML")


# ----------------------------------------------------------------------- writing


def scalar_text(member: MemberSchema, item: Any, default_time: TimestampFormat) -> str:
    """The text of a simple value (booleans lower case, NaN/Infinity spelled out)."""
    kind = member.target.type
    if kind is ShapeType.BOOLEAN:
        return "true" if item else "false"
    if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
        return str(float_to_text(float(item)))
    if kind is ShapeType.TIMESTAMP:
        return str(format_timestamp(item, _time_format(member, default_time)))
    if kind is ShapeType.BLOB:
        return b64encode(bytes(item))
    if kind is ShapeType.BIG_DECIMAL:
        return format(item, "f") if isinstance(item, Decimal) else str(item)
    return str(item)


def namespace_attribute(traits: Mapping[str, object]) -> str:
    spec = traits.get(XML_NAMESPACE)
    if not isinstance(spec, Mapping):
        return ""
    prefix = spec.get("prefix")
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    return f" {name}={quoteattr(str(spec.get('uri', '')))}"


class XmlWriter:
    """A value of a schema as XML text (no whitespace between elements)."""

    def element(
        self,
        name: str,
        member: MemberSchema | None,
        schema: Schema,
        value: Any,
        *,
        namespace: str = "",
    ) -> str:
        """``<name ...>value</name>``; ``namespace`` is an ``xmlns`` attribute to add."""
        # A shape's own @xmlNamespace counts only on the root element (the caller's
        # ``namespace``); below it, only the member's.
        if not namespace and member is not None:
            namespace = namespace_attribute(member.traits)
        if schema.type is ShapeType.STRUCTURE:
            attributes, body = self._structure(schema, value)
            return f"<{name}{namespace}{attributes}>{body}</{name}>"
        if schema.type is ShapeType.UNION:
            return f"<{name}{namespace}>{self._union(schema, value)}</{name}>"
        if schema.type is ShapeType.LIST:
            item = schema.member("member")
            body = "".join(self.element(member_xml_name(item), item, item.target, x) for x in value)
            return f"<{name}{namespace}>{body}</{name}>"
        if schema.type is ShapeType.MAP:
            entries = "".join(
                f"<entry>{self._entry(schema, k, v)}</entry>" for k, v in value.items()
            )
            return f"<{name}{namespace}>{entries}</{name}>"
        text = scalar_text(
            member or MemberSchema(name=name, python_name=name, target_ref=schema),
            value,
            TimestampFormat.DATE_TIME,
        )
        return f"<{name}{namespace}>{escape(text)}</{name}>"

    def _entry(self, schema: Schema, key: str, item: Any) -> str:
        key_member, value_member = schema.member("key"), schema.member("value")
        return self.element(
            member_xml_name(key_member), key_member, key_member.target, key
        ) + self.element(member_xml_name(value_member), value_member, value_member.target, item)

    def _structure(self, schema: Schema, value: Any) -> tuple[str, str]:
        attributes: list[str] = []
        body: list[str] = []
        for member in schema.members.values():
            item = member_of(value, member.python_name)
            if item is None:
                continue
            body_or_attr = self.member(member, item)
            (attributes if XML_ATTRIBUTE in member.traits else body).append(body_or_attr)
        return "".join(attributes), "".join(body)

    def member(self, member: MemberSchema, item: Any) -> str:
        """One member of a structure: an attribute (`` name="..."``) or its element(s)."""
        name = member_xml_name(member)
        target = member.target
        if XML_ATTRIBUTE in member.traits:
            text = scalar_text(member, item, TimestampFormat.DATE_TIME)
            return f" {name}={quoteattr(text)}"
        if _flattened(member) and target.type is ShapeType.LIST:
            inner = target.member("member")
            namespace = namespace_attribute(member.traits)
            return "".join(
                self.element(name, inner, inner.target, x, namespace=namespace) for x in item
            )
        if _flattened(member) and target.type is ShapeType.MAP:
            return "".join(f"<{name}>{self._entry(target, k, v)}</{name}>" for k, v in item.items())
        return self.element(name, member, target, item)

    def _union(self, schema: Schema, value: Any) -> str:
        if isinstance(value, UnknownUnionMember):
            raise SerdeError(f"{schema.name}: cannot send the unknown member {value.tag!r}")
        for member in schema.members.values():
            variant = member.variant_type
            if variant is not None and isinstance(value, variant):
                return self.member(member, cast(UnionVariant[Any], value).value)
        raise SerdeError(f"{schema.name}: {type(value).__name__} is not a member of the union")

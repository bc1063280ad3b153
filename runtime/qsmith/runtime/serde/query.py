"""Form-encoded request parameters of awsQuery and ec2Query (``Name.member.1=value``).

A structure's members become ``Prefix.Name`` keys; a list's items ``Name.member.N``
(awsQuery; ``Name.N`` when flattened, and always under ec2Query); a map's entries
``Name.entry.N.key`` / ``.value`` (``Name.N.key`` when flattened). The two protocols
differ in how a member is named (``QueryNaming``) and in sending an empty list.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, cast

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.xml import XML_FLATTENED, member_of, member_xml_name, scalar_text
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

__all__ = ["AWS_QUERY_NAMING", "EC2_QUERY_NAMING", "QueryNaming", "encode_form", "query_params"]

EC2_QUERY_NAME = "aws.protocols#ec2QueryName"
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*\Z")


@dataclass(frozen=True)
class QueryNaming:
    """What sets one query protocol apart from the other."""

    ec2: bool

    def key(self, member: MemberSchema) -> str:
        if not self.ec2:
            return member_xml_name(member)
        explicit = member.traits.get(EC2_QUERY_NAME)
        if isinstance(explicit, str):
            return explicit
        name = member_xml_name(member)
        return name[:1].upper() + name[1:]

    def flattened(self, member: MemberSchema | None) -> bool:
        return self.ec2 or (member is not None and XML_FLATTENED in member.traits)


AWS_QUERY_NAMING = QueryNaming(ec2=False)
EC2_QUERY_NAMING = QueryNaming(ec2=True)


def query_params(
    schema: Schema, value: Any, naming: QueryNaming, prefix: str = ""
) -> list[tuple[str, str]]:
    """The ``(key, text)`` pairs of a structure's set members, in member order."""
    pairs: list[tuple[str, str]] = []
    for member in schema.members.values():
        item = member_of(value, member.python_name)
        if item is not None:
            _member(pairs, f"{prefix}{naming.key(member)}", member, item, naming)
    return pairs


def _member(
    pairs: list[tuple[str, str]], key: str, member: MemberSchema, item: Any, naming: QueryNaming
) -> None:
    target = member.target
    kind = target.type
    if kind is ShapeType.STRUCTURE:
        pairs.extend(query_params(target, item, naming, f"{key}."))
    elif kind is ShapeType.UNION:
        _union(pairs, key, target, item, naming)
    elif kind is ShapeType.LIST:
        _list(pairs, key, member, item, naming)
    elif kind is ShapeType.MAP:
        _map(pairs, key, member, item, naming)
    else:
        pairs.append((key, scalar_text(member, item, TimestampFormat.DATE_TIME)))


def _list(
    pairs: list[tuple[str, str]], key: str, member: MemberSchema, items: Any, naming: QueryNaming
) -> None:
    inner = member.target.member("member")
    if not items:
        if not naming.ec2:  # awsQuery says "an empty list" with an empty value
            pairs.append((key, ""))
        return
    base = key if naming.flattened(member) else f"{key}.{member_xml_name(inner)}"
    for index, item in enumerate(items, start=1):
        _member(pairs, f"{base}.{index}", inner, item, naming)


def _map(
    pairs: list[tuple[str, str]], key: str, member: MemberSchema, items: Any, naming: QueryNaming
) -> None:
    target = member.target
    key_member, value_member = target.member("key"), target.member("value")
    base = key if naming.flattened(member) else f"{key}.entry"
    for index, (name, item) in enumerate(items.items(), start=1):
        entry = f"{base}.{index}"
        pairs.append((f"{entry}.{member_xml_name(key_member)}", str(name)))
        _member(pairs, f"{entry}.{member_xml_name(value_member)}", value_member, item, naming)


def _union(
    pairs: list[tuple[str, str]], key: str, schema: Schema, value: Any, naming: QueryNaming
) -> None:
    if isinstance(value, UnknownUnionMember):
        raise SerdeError(f"{schema.name}: cannot send the unknown member {value.tag!r}")
    for member in schema.members.values():
        variant = member.variant_type
        if variant is not None and isinstance(value, variant):
            item = cast(UnionVariant[Any], value).value
            _member(pairs, f"{key}.{naming.key(member)}", member, item, naming)
            return
    raise SerdeError(f"{schema.name}: {type(value).__name__} is not a member of the union")


def _quote(text: str) -> str:
    # Most keys and many values need no escaping; skipping quote() for them halves the time.
    return text if _UNRESERVED.match(text) else urllib.parse.quote(text, safe="-_.~")


def encode_form(pairs: list[tuple[str, str]]) -> bytes:
    """``k=v&...`` with every byte but unreserved characters percent-encoded."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs).encode("ascii")

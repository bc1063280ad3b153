"""Pydantic models of the Smithy JSON AST (smithy.io 2.0, "JSON AST").

These describe one file as written, before merging, mixins or ``apply``. Each shape is
validated on its own so that one bad shape yields one problem and the rest still load.
Which fields a shape type may carry is checked by :func:`misplaced_fields`, so the
message can say "a string shape cannot have members" rather than a union error.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AGGREGATE_KINDS",
    "FIELDS_BY_KIND",
    "SIMPLE_KINDS",
    "AstFile",
    "AstMember",
    "AstRef",
    "AstShape",
    "ShapeKind",
    "misplaced_fields",
]


class ShapeKind(enum.StrEnum):
    """Shape types as the JSON AST spells them (``set`` becomes ``list`` on load)."""

    BLOB = "blob"
    BOOLEAN = "boolean"
    STRING = "string"
    BYTE = "byte"
    SHORT = "short"
    INTEGER = "integer"
    LONG = "long"
    FLOAT = "float"
    DOUBLE = "double"
    BIG_INTEGER = "bigInteger"
    BIG_DECIMAL = "bigDecimal"
    TIMESTAMP = "timestamp"
    DOCUMENT = "document"
    ENUM = "enum"
    INT_ENUM = "intEnum"
    LIST = "list"
    SET = "set"
    MAP = "map"
    STRUCTURE = "structure"
    UNION = "union"
    SERVICE = "service"
    RESOURCE = "resource"
    OPERATION = "operation"
    APPLY = "apply"

    @property
    def with_article(self) -> str:
        """``"a string"``, ``"an operation"``: for messages."""
        return ("an " if self.value[0] in "aeiou" else "a ") + self.value


SIMPLE_KINDS = frozenset(
    {
        ShapeKind.BLOB,
        ShapeKind.BOOLEAN,
        ShapeKind.STRING,
        ShapeKind.BYTE,
        ShapeKind.SHORT,
        ShapeKind.INTEGER,
        ShapeKind.LONG,
        ShapeKind.FLOAT,
        ShapeKind.DOUBLE,
        ShapeKind.BIG_INTEGER,
        ShapeKind.BIG_DECIMAL,
        ShapeKind.TIMESTAMP,
        ShapeKind.DOCUMENT,
    }
)
AGGREGATE_KINDS = frozenset(
    {
        ShapeKind.ENUM,
        ShapeKind.INT_ENUM,
        ShapeKind.LIST,
        ShapeKind.SET,
        ShapeKind.MAP,
        ShapeKind.STRUCTURE,
        ShapeKind.UNION,
    }
)

_NAMED_MEMBERS = frozenset({"members"})
_RESOURCE_FIELDS = frozenset(
    {
        "identifiers",
        "properties",
        "create",
        "put",
        "read",
        "update",
        "delete",
        "list",
        "operations",
        "collectionOperations",
        "resources",
    }
)

# The JSON keys each shape type may carry besides type, traits and mixins.
FIELDS_BY_KIND: dict[ShapeKind, frozenset[str]] = {
    **{kind: frozenset() for kind in SIMPLE_KINDS},
    ShapeKind.ENUM: _NAMED_MEMBERS,
    ShapeKind.INT_ENUM: _NAMED_MEMBERS,
    ShapeKind.STRUCTURE: _NAMED_MEMBERS,
    ShapeKind.UNION: _NAMED_MEMBERS,
    ShapeKind.LIST: frozenset({"member"}),
    ShapeKind.SET: frozenset({"member"}),
    ShapeKind.MAP: frozenset({"key", "value"}),
    ShapeKind.SERVICE: frozenset({"version", "operations", "resources", "errors", "rename"}),
    ShapeKind.RESOURCE: _RESOURCE_FIELDS,
    ShapeKind.OPERATION: frozenset({"input", "output", "errors"}),
    ShapeKind.APPLY: frozenset(),
}
_MEMBER_FIELDS = frozenset({"members", "member", "key", "value"})


class AstRef(BaseModel):
    """A reference to another shape: ``{"target": "ns#Name"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    target: str


class AstMember(BaseModel):
    """A member: its target and the traits applied to it."""

    model_config = ConfigDict(extra="forbid", strict=True)
    target: str
    traits: dict[str, Any] = Field(default_factory=dict)


class AstShape(BaseModel):
    """One entry of ``shapes``: every field any shape type may carry, all optional."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    # Lax for this one field: the file holds the string, strict mode wants the enum.
    type: ShapeKind = Field(strict=False)
    traits: dict[str, Any] = Field(default_factory=dict)
    mixins: list[AstRef] = Field(default_factory=list)
    members: dict[str, AstMember] | None = None
    member: AstMember | None = None
    key: AstMember | None = None
    value: AstMember | None = None
    version: str | None = None
    operations: list[AstRef] | None = None
    resources: list[AstRef] | None = None
    errors: list[AstRef] | None = None
    rename: dict[str, str] | None = None
    identifiers: dict[str, AstRef] | None = None
    properties: dict[str, AstRef] | None = None
    create: AstRef | None = None
    put: AstRef | None = None
    read: AstRef | None = None
    update: AstRef | None = None
    delete: AstRef | None = None
    list_: AstRef | None = Field(default=None, alias="list")
    # Spelled as in the JSON AST.
    collectionOperations: list[AstRef] | None = None
    input: AstRef | None = None
    output: AstRef | None = None

    def json_fields(self) -> set[str]:
        """The JSON keys this shape was given, spelled as in the file."""
        return {"list" if name == "list_" else name for name in self.model_fields_set}


def misplaced_fields(shape: AstShape) -> list[str]:
    """Messages for fields the shape's type does not allow (e.g. members on a string)."""
    allowed = FIELDS_BY_KIND[shape.type] | {"type", "traits", "mixins"}
    if shape.type is ShapeKind.APPLY:
        allowed = frozenset({"type", "traits"})
    messages = []
    for name in sorted(shape.json_fields() - allowed):
        if name in _MEMBER_FIELDS:
            messages.append(
                f"{shape.type.with_article} shape cannot have '{name}': only structure, union, "
                "enum and intEnum have 'members', list has 'member', map has 'key' and 'value'"
            )
        else:
            messages.append(f"{shape.type.with_article} shape cannot have '{name}'")
    return messages


class AstFile(BaseModel):
    """A whole JSON AST document; ``shapes`` values are validated one by one later."""

    model_config = ConfigDict(extra="forbid", strict=True)
    smithy: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    shapes: dict[str, Any] = Field(default_factory=dict)

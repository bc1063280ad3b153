"""What every part of one conversion needs to know: the input, the target namespace, findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qsmith.codegen.c2j.diagnostics import Diagnostics

JsonObject = dict[str, Any]

IDENTIFIER = re.compile(r"^(?:_+[A-Za-z0-9]|[A-Za-z])[A-Za-z0-9_]*$")
NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")

UNIT = "smithy.api#Unit"


@dataclass
class Context:
    """One C2J document being converted into one Smithy namespace."""

    diag: Diagnostics
    namespace: str
    shapes: dict[str, JsonObject]
    http_bindings: bool
    """True for the REST protocols, whose body members take their wire name from jsonName."""
    uses_box: bool = True
    """False when no shape or member says ``box``: then unboxed means nothing."""
    xml: bool = False
    """True for the XML and query protocols, whose wire names are ``xmlName``."""
    renames: dict[str, str] = field(default_factory=dict)
    """C2J shape name -> Smithy name, for names Smithy cannot hold (``c2j.names``)."""

    def shape_id(self, name: str) -> str:
        return f"{self.namespace}#{self.renames.get(name, name)}"

    def operation_id(self, name: str) -> str:
        return f"{self.namespace}#{name}"

    def c2j_shape(self, name: object, where: str) -> JsonObject | None:
        """The C2J shape ``name`` refers to, or None after recording a problem."""
        if not isinstance(name, str):
            self.diag.problem(where, f"shape reference must be a string, got {name!r}")
            return None
        shape = self.shapes.get(name)
        if shape is None:
            self.diag.problem(where, f"refers to undefined shape {name!r}")
        return shape if isinstance(shape, dict) else None

    def peek(self, name: object) -> JsonObject:
        """The C2J shape ``name`` names, or an empty one (its problems are reported elsewhere)."""
        shape = self.shapes.get(name) if isinstance(name, str) else None
        return shape if isinstance(shape, dict) else {}

    def members_of(self, name: object) -> JsonObject:
        members = self.peek(name).get("members")
        return members if isinstance(members, dict) else {}


def as_object(value: object, diag: Diagnostics, where: str) -> JsonObject:
    """``value`` when it is a JSON object; otherwise an empty one and a recorded problem."""
    if isinstance(value, dict):
        return value
    diag.problem(where, f"expected a JSON object, got {type(value).__name__}")
    return {}


def as_list(value: object, diag: Diagnostics, where: str) -> list[Any]:
    """``value`` when it is a JSON list; otherwise an empty one and a recorded problem."""
    if isinstance(value, list):
        return value
    diag.problem(where, f"expected a JSON list, got {type(value).__name__}")
    return []


def as_strings(value: object, diag: Diagnostics, where: str) -> list[str]:
    """A JSON list of strings; anything else in it is a recorded problem and left out."""
    items = as_list(value, diag, where)
    for item in items:
        if not isinstance(item, str):
            diag.problem(where, f"expected a string, got {item!r}")
    return [item for item in items if isinstance(item, str)]

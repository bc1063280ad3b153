"""Smithy shape ids: ``namespace#Name`` and ``namespace#Name$member``.

Shape ids travel through the model layer as plain ``str``; this module checks and
splits them. The grammar is the Smithy 2.0 one: a namespace is dot-separated
identifiers, an identifier is ``_*[A-Za-z][A-Za-z0-9_]*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ShapeId", "is_identifier", "is_shape_id", "shape_name"]

# Smithy 2.0: underscores may be followed by a digit (`_1H`, as enum names from values need).
_IDENTIFIER = r"(?:_+[A-Za-z0-9]|[A-Za-z])[A-Za-z0-9_]*"
_IDENTIFIER_RE = re.compile(rf"^{_IDENTIFIER}$")
_SHAPE_ID_RE = re.compile(
    rf"^(?P<ns>{_IDENTIFIER}(?:\.{_IDENTIFIER})*)#(?P<name>{_IDENTIFIER})"
    rf"(?:\$(?P<member>{_IDENTIFIER}))?$"
)


@dataclass(frozen=True, slots=True)
class ShapeId:
    """An absolute shape id split into its parts."""

    namespace: str
    name: str
    member: str | None = None

    @classmethod
    def parse(cls, text: str) -> ShapeId:
        """Split ``text``; raises ``ValueError`` naming the text when it is not a shape id."""
        match = _SHAPE_ID_RE.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"invalid shape id {text!r} (expected namespace#Name)")
        return cls(match["ns"], match["name"], match["member"])

    @property
    def root(self) -> str:
        """The id without its member part."""
        return f"{self.namespace}#{self.name}"

    def __str__(self) -> str:
        return self.root if self.member is None else f"{self.root}${self.member}"


def is_shape_id(text: object, *, allow_member: bool = False) -> bool:
    """Whether ``text`` is an absolute shape id (with a ``$member`` only if allowed)."""
    if not isinstance(text, str):
        return False
    match = _SHAPE_ID_RE.match(text)
    return match is not None and (allow_member or match["member"] is None)


def is_identifier(text: object) -> bool:
    """Whether ``text`` is a Smithy identifier (a member name, a rename target)."""
    return isinstance(text, str) and _IDENTIFIER_RE.match(text) is not None


def shape_name(shape_id: str) -> str:
    """The name part of a shape id: ``example#Foo$bar`` -> ``Foo``."""
    return shape_id.partition("#")[2].partition("$")[0]

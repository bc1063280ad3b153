"""What the parser builds before shape ids are resolved.

A file is parsed on its own, but a relative shape id can only be resolved once every
file of the model is known (a name may be defined in another file of the namespace).
So the parser leaves placeholders in JSON-AST-shaped dicts, and the resolver replaces
them: :class:`Ref` (a shape id as written), :class:`TraitList` (traits keyed by a
``Ref``), :class:`Annotation` (a trait given no value: ``{}`` or ``[]`` by its type) and
:class:`Elided` (the target of a ``$member``, taken from a mixin or a resource).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Annotation", "Elided", "ParsedApply", "ParsedFile", "Ref", "TraitList"]


@dataclass(frozen=True, slots=True)
class Ref:
    """A shape id as written in the file, with where it was written."""

    name: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Annotation:
    """The value of a trait applied without one (``@foo`` or ``@foo()``)."""


@dataclass(frozen=True, slots=True)
class Elided:
    """``$name``: the member's target comes from a mixin or the ``for`` resource."""

    name: str
    line: int
    column: int


@dataclass(slots=True)
class TraitList:
    """Traits in the order written: (trait id, value, where the ``@`` was)."""

    items: list[tuple[Ref, Any]] = field(default_factory=list)


@dataclass(slots=True)
class ParsedApply:
    target: Ref
    traits: TraitList


@dataclass(slots=True)
class ParsedFile:
    """One IDL file: its JSON AST shapes with placeholders, plus what resolves them."""

    file: str
    version: str = "1.0"
    namespace: str | None = None
    uses: dict[str, str] = field(default_factory=dict)  # local name -> absolute id
    metadata: dict[str, Any] = field(default_factory=dict)
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # where each shape was defined (line, column), for messages
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)
    # shape id -> the Ref of its `for` resource
    resources_for: dict[str, Ref] = field(default_factory=dict)
    applies: list[ParsedApply] = field(default_factory=list)
    input_suffix: str = "Input"
    output_suffix: str = "Output"

"""The loaded model: shapes with mixins flattened, ``apply`` done and 1.0 mapped to 2.0.

``Shape`` and ``Member`` are plain mutable dataclasses while the loader builds them and
are treated as read-only afterwards. Trait values stay raw JSON in ``traits`` (keyed by
absolute trait id); typed views come from :mod:`qsmith.codegen.model.traits`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qsmith.codegen.model.ast import ShapeKind
from qsmith.codegen.model.shape_id import shape_name

__all__ = ["LIFECYCLE_OPERATIONS", "PRELUDE_SOURCE", "Member", "Model", "Shape"]

PRELUDE_SOURCE = "<prelude>"
LIFECYCLE_OPERATIONS = ("create", "put", "read", "update", "delete", "list")


@dataclass(eq=False)
class Member:
    """A member of an aggregate shape (list ``member``, map ``key``/``value`` included)."""

    container: str
    name: str
    target: str
    traits: dict[str, Any] = field(default_factory=dict)
    typed_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return f"{self.container}${self.name}"

    def has_trait(self, trait_id: str) -> bool:
        return trait_id in self.traits

    def to_ast(self) -> dict[str, Any]:
        node: dict[str, Any] = {"target": self.target}
        if self.traits:
            node["traits"] = dict(sorted(self.traits.items()))
        return node


@dataclass(eq=False)
class Shape:
    """One shape of the model, any type; fields a type does not use stay empty."""

    id: str
    kind: ShapeKind
    source: str
    traits: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    # The mixins this shape was declared with (already applied; kept for reference).
    mixins: tuple[str, ...] = ()
    # service
    version: str | None = None
    rename: dict[str, str] = field(default_factory=dict)
    # service, resource
    operations: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    # service, operation
    errors: tuple[str, ...] = ()
    # resource
    identifiers: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    lifecycle: dict[str, str] = field(default_factory=dict)
    collection_operations: tuple[str, ...] = ()
    # operation
    input: str | None = None
    output: str | None = None
    typed_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return shape_name(self.id)

    @property
    def namespace(self) -> str:
        return self.id.partition("#")[0]

    @property
    def is_mixin(self) -> bool:
        return "smithy.api#mixin" in self.traits

    @property
    def is_prelude(self) -> bool:
        return self.source == PRELUDE_SOURCE

    @property
    def member(self) -> Member:
        """The ``member`` of a list (KeyError for other types)."""
        return self.members["member"]

    @property
    def key(self) -> Member:
        return self.members["key"]

    @property
    def value(self) -> Member:
        return self.members["value"]

    def has_trait(self, trait_id: str) -> bool:
        return trait_id in self.traits

    def to_ast(self) -> dict[str, Any]:
        """This shape as a JSON AST node (after mixins, ``apply`` and 1.0 mapping)."""
        node: dict[str, Any] = {"type": self.kind.value}
        if self.kind in (ShapeKind.LIST, ShapeKind.SET):
            node["member"] = self.member.to_ast()
        elif self.kind is ShapeKind.MAP:
            node["key"] = self.key.to_ast()
            node["value"] = self.value.to_ast()
        elif self.members or self.kind in _NAMED_MEMBER_KINDS:
            node["members"] = {name: m.to_ast() for name, m in self.members.items()}
        node.update(self._entity_fields())
        if self.traits:
            node["traits"] = dict(sorted(self.traits.items()))
        return node

    def _entity_fields(self) -> dict[str, Any]:
        def refs(ids: tuple[str, ...]) -> list[dict[str, str]]:
            return [{"target": i} for i in ids]

        fields: dict[str, Any] = {}
        if self.version is not None:
            fields["version"] = self.version
        for key, value in (("input", self.input), ("output", self.output)):
            if value is not None:
                fields[key] = {"target": value}
        for key, ids in (
            ("operations", self.operations),
            ("collectionOperations", self.collection_operations),
            ("resources", self.resources),
            ("errors", self.errors),
        ):
            if ids:
                fields[key] = refs(ids)
        for key, mapping in (("identifiers", self.identifiers), ("properties", self.properties)):
            if mapping:
                fields[key] = {k: {"target": v} for k, v in mapping.items()}
        for key, target in self.lifecycle.items():
            fields[key] = {"target": target}
        if self.rename:
            fields["rename"] = dict(sorted(self.rename.items()))
        return fields


_NAMED_MEMBER_KINDS = frozenset(
    {ShapeKind.STRUCTURE, ShapeKind.UNION, ShapeKind.ENUM, ShapeKind.INT_ENUM}
)


class Model(Mapping[str, Shape]):
    """A loaded, merged and validated Smithy model; a read-only mapping id -> Shape.

    ``metadata`` is the merged metadata of every file; ``sources`` names the inputs in
    the order given. Prelude shapes (``smithy.api#String``...) are included.
    """

    def __init__(
        self, shapes: dict[str, Shape], metadata: dict[str, Any], sources: list[str]
    ) -> None:
        self._shapes = shapes
        self.metadata = metadata
        self.sources = sources

    def __getitem__(self, shape_id: str) -> Shape:
        return self._shapes[shape_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def shape(self, shape_id: str) -> Shape:
        """The shape with this id; KeyError naming the id when there is none."""
        try:
            return self._shapes[shape_id]
        except KeyError:
            raise KeyError(f"no shape {shape_id!r} in the model") from None

    def member(self, member_id: str) -> Member:
        """The member ``ns#Shape$name``; KeyError naming the id when there is none."""
        container, _, name = member_id.partition("$")
        shape = self._shapes.get(container)
        if shape is None or name not in shape.members:
            raise KeyError(f"no member {member_id!r} in the model")
        return shape.members[name]

    def target(self, member: Member) -> Shape:
        """The shape a member targets."""
        return self.shape(member.target)

    def services(self) -> list[Shape]:
        """Every service shape, sorted by id."""
        return self.of_kind(ShapeKind.SERVICE)

    def of_kind(self, kind: ShapeKind) -> list[Shape]:
        """Every shape of one type, sorted by id."""
        return sorted((s for s in self._shapes.values() if s.kind is kind), key=_by_id)

    def user_shapes(self) -> list[Shape]:
        """Every shape that came from the inputs (not the prelude), sorted by id."""
        return sorted((s for s in self._shapes.values() if not s.is_prelude), key=_by_id)


def _by_id(shape: Shape) -> str:
    return shape.id

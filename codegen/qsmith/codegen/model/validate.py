"""Semantic checks of a loaded model: references, shape roles and trait values.

Runs after merging, mixins and ``apply``, over every shape that is not from the
prelude. Each check adds a :class:`ModelProblem` naming the file, the shape (or member)
id and what is wrong; nothing here raises, so all problems are reported together.
Only what the generator relies on is checked; unknown traits are accepted as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from qsmith.codegen.model.ast import ShapeKind
from qsmith.codegen.model.index import ModelIndex
from qsmith.codegen.model.shape_id import is_identifier, is_shape_id
from qsmith.codegen.model.shapes import Member, Model, Shape
from qsmith.codegen.model.traits import REGISTRY, describe_error
from qsmith.runtime.errors import ModelProblem

__all__ = ["check_service_names", "validate_model"]

_ENTITY_KINDS = frozenset({ShapeKind.SERVICE, ShapeKind.RESOURCE, ShapeKind.OPERATION})
_STRUCTURE = frozenset({ShapeKind.STRUCTURE})
_OPERATION = frozenset({ShapeKind.OPERATION})
_RESOURCE = frozenset({ShapeKind.RESOURCE})
_MAP_KEY = frozenset({ShapeKind.STRING, ShapeKind.ENUM})
_UNIT = "smithy.api#Unit"
_ENUM_VALUE = "smithy.api#enumValue"


def validate_model(shapes: dict[str, Shape]) -> list[ModelProblem]:
    """Every problem in the model's non-prelude shapes."""
    validator = _Validator(shapes)
    for shape in shapes.values():
        if not shape.is_prelude:
            validator.check(shape)
    return validator.problems


class _Validator:
    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes
        self.problems: list[ModelProblem] = []

    def problem(self, shape: Shape, where: str, message: str) -> None:
        self.problems.append(ModelProblem(message, file=shape.source, shape_id=where))

    def check(self, shape: Shape) -> None:
        self.check_traits(shape, shape.id, shape.traits)
        for member in shape.members.values():
            self.check_member(shape, member)
        kind = shape.kind
        if kind is ShapeKind.LIST and "member" not in shape.members:
            self.problem(shape, shape.id, "a list shape needs a 'member'")
        elif kind is ShapeKind.MAP:
            self.check_map(shape)
        elif kind in (ShapeKind.ENUM, ShapeKind.INT_ENUM):
            self.check_enum(shape)
        elif kind is ShapeKind.OPERATION:
            self.check_operation(shape)
        elif kind is ShapeKind.SERVICE:
            self.check_service(shape)
        elif kind is ShapeKind.RESOURCE:
            self.check_resource(shape)

    def check_traits(self, shape: Shape, where: str, traits: dict[str, Any]) -> None:
        for trait_id, value in traits.items():
            if not is_shape_id(trait_id):
                self.problem(shape, where, f"invalid trait id {trait_id!r}")
                continue
            spec = REGISTRY.get(trait_id)
            if spec is None:
                continue
            try:
                spec.parse(value)
            except ValidationError as exc:
                self.problem(shape, where, describe_error(spec, exc))

    def check_member(self, shape: Shape, member: Member) -> None:
        if not is_identifier(member.name):
            self.problem(shape, shape.id, f"invalid member name {member.name!r}")
            return
        self.check_traits(shape, member.id, member.traits)
        target = self.reference(shape, member.id, member.target, "member target")
        if target is None:
            return
        if target.kind in _ENTITY_KINDS:
            self.problem(
                shape,
                member.id,
                f"member target {target.id} is {target.kind.with_article}; members target data shapes",
            )
        elif target.is_mixin:
            self.problem(shape, member.id, f"member target {target.id} is a mixin")

    def reference(
        self,
        shape: Shape,
        where: str,
        target_id: str,
        role: str,
        kinds: frozenset[ShapeKind] | None = None,
    ) -> Shape | None:
        """The referenced shape, or None after a problem when it is invalid or missing."""
        if not is_shape_id(target_id):
            self.problem(shape, where, f"{role} {target_id!r} is not a valid shape id")
            return None
        target = self.shapes.get(target_id)
        if target is None:
            self.problem(shape, where, f"{role} {target_id} does not exist")
            return None
        if kinds is not None and target.kind not in kinds:
            expected = " or ".join(sorted(k.with_article for k in kinds))
            self.problem(
                shape,
                where,
                f"{role} {target_id} is {target.kind.with_article}, expected {expected}",
            )
            return None
        return target

    def references(
        self,
        shape: Shape,
        targets: Iterable[str],
        role: str,
        kinds: frozenset[ShapeKind] | None = None,
    ) -> None:
        for target_id in targets:
            self.reference(shape, shape.id, target_id, role, kinds)

    def check_map(self, shape: Shape) -> None:
        if "key" not in shape.members or "value" not in shape.members:
            self.problem(shape, shape.id, "a map shape needs a 'key' and a 'value'")
            return
        key_target = self.shapes.get(shape.key.target)
        if key_target is not None and key_target.kind not in _MAP_KEY:
            self.problem(
                shape,
                shape.key.id,
                f"a map key must target a string or enum, not {key_target.kind.with_article}",
            )

    def check_enum(self, shape: Shape) -> None:
        for member in shape.members.values():
            if member.target != _UNIT:
                self.problem(shape, member.id, f"enum members must target {_UNIT}")
            value = member.traits.get(_ENUM_VALUE)
            if shape.kind is ShapeKind.INT_ENUM and (
                not isinstance(value, int) or isinstance(value, bool)
            ):
                self.problem(shape, member.id, "intEnum members need an integer @enumValue")
            elif shape.kind is ShapeKind.ENUM and value is not None and not isinstance(value, str):
                self.problem(shape, member.id, "enum members' @enumValue must be a string")

    def check_operation(self, shape: Shape) -> None:
        for role, target_id in (("input", shape.input), ("output", shape.output)):
            if target_id is not None:
                self.reference(shape, shape.id, target_id, f"operation {role}", _STRUCTURE)
        self.check_errors(shape)

    def check_errors(self, shape: Shape) -> None:
        for error_id in shape.errors:
            error = self.reference(shape, shape.id, error_id, "error", _STRUCTURE)
            if error is not None and not error.has_trait("smithy.api#error"):
                self.problem(
                    shape, shape.id, f"error {error_id} is a structure without the @error trait"
                )

    def check_service(self, shape: Shape) -> None:
        self.references(shape, shape.operations, "operation", _OPERATION)
        self.references(shape, shape.resources, "resource", _RESOURCE)
        self.check_errors(shape)
        for renamed, new_name in shape.rename.items():
            self.reference(shape, shape.id, renamed, "renamed shape")
            if not is_identifier(new_name):
                self.problem(shape, shape.id, f"rename of {renamed} to invalid name {new_name!r}")

    def check_resource(self, shape: Shape) -> None:
        self.references(shape, shape.identifiers.values(), "resource identifier")
        self.references(shape, shape.properties.values(), "resource property")
        self.references(shape, shape.lifecycle.values(), "lifecycle operation", _OPERATION)
        self.references(shape, shape.operations, "operation", _OPERATION)
        self.references(shape, shape.collection_operations, "operation", _OPERATION)
        self.references(shape, shape.resources, "resource", _RESOURCE)


def check_service_names(model: Model) -> list[ModelProblem]:
    """Shapes of one service closure that would get the same name (needs a ``rename``)."""
    index = ModelIndex(model)
    found = []
    for service in model.services():
        for name, ids in index.name_conflicts(service.id).items():
            found.append(
                ModelProblem(
                    f"shapes {', '.join(ids)} all get the name {name!r} in this service "
                    "(case-insensitive); add a rename",
                    file=service.source,
                    shape_id=service.id,
                )
            )
    return found

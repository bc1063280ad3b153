"""Mixins flattened into the shapes that use them, and trait merging for ``apply``.

A shape using mixins receives, in mixin order, each mixin's members (before its own)
and traits (except ``@mixin`` itself and the mixin's ``localTraits``); its own traits
win. A local member may redefine an inherited one only with the same target; its
traits then override the inherited ones. Mixin chains are resolved depth first.
"""

from __future__ import annotations

import enum
from typing import Any

from qsmith.codegen.model.shapes import Member, Shape
from qsmith.runtime.errors import ModelProblem

__all__ = ["apply_traits", "flatten_mixins"]

_MIXIN = "smithy.api#mixin"


class _State(enum.Enum):
    RUNNING = 1
    DONE = 2


def apply_traits(traits: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Add ``new`` traits to ``traits`` by Smithy's rules; messages for the conflicts.

    Lists concatenate, an equal value is fine, anything else is a conflict.
    """
    conflicts = []
    for trait_id, value in new.items():
        if trait_id not in traits:
            traits[trait_id] = value
        elif isinstance(traits[trait_id], list) and isinstance(value, list):
            traits[trait_id] = traits[trait_id] + value
        elif traits[trait_id] != value:
            conflicts.append(f"trait {trait_id} conflicts with a value already applied")
    return conflicts


def flatten_mixins(shapes: dict[str, Shape]) -> list[ModelProblem]:
    """Apply every shape's mixins in place; problems for bad mixins and cycles."""
    flattener = _Flattener(shapes)
    for shape_id in list(shapes):
        flattener.flatten(shape_id)
    return flattener.problems


class _Flattener:
    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes
        self.state: dict[str, _State] = {}
        self.problems: list[ModelProblem] = []

    def problem(self, shape: Shape, message: str) -> None:
        self.problems.append(ModelProblem(message, file=shape.source, shape_id=shape.id))

    def flatten(self, shape_id: str) -> None:
        shape = self.shapes[shape_id]
        if self.state.get(shape_id) is not None or not shape.mixins:
            self.state.setdefault(shape_id, _State.DONE)
            return
        self.state[shape_id] = _State.RUNNING
        mixins = [m for m in (self.resolve(shape, mixin_id) for mixin_id in shape.mixins) if m]
        for mixin in mixins:
            if mixin.kind is not shape.kind:
                self.problem(
                    shape,
                    f"{shape.kind.with_article} cannot use mixin {mixin.id}, {mixin.kind.with_article}",
                )
        mixins = [m for m in mixins if m.kind is shape.kind]
        self.inherit_traits(shape, mixins)
        self.inherit_members(shape, mixins)
        for mixin in mixins:
            _inherit_entity_fields(shape, mixin)
        self.state[shape_id] = _State.DONE

    def resolve(self, shape: Shape, mixin_id: str) -> Shape | None:
        mixin = self.shapes.get(mixin_id)
        if mixin is None:
            self.problem(shape, f"mixin {mixin_id} does not exist")
            return None
        if self.state.get(mixin_id) is _State.RUNNING:
            self.problem(shape, f"mixin cycle through {mixin_id}")
            return None
        self.flatten(mixin_id)
        if not mixin.is_mixin:
            self.problem(shape, f"{mixin_id} is used as a mixin but has no @mixin trait")
            return None
        return mixin

    def inherit_traits(self, shape: Shape, mixins: list[Shape]) -> None:
        inherited: dict[str, Any] = {}
        for mixin in mixins:
            local_only = set(_local_traits(mixin))
            for trait_id, value in mixin.traits.items():
                if trait_id != _MIXIN and trait_id not in local_only:
                    inherited[trait_id] = value
        shape.traits = {**inherited, **shape.traits}

    def inherit_members(self, shape: Shape, mixins: list[Shape]) -> None:
        members: dict[str, Member] = {}
        for mixin in mixins:
            for name, member in mixin.members.items():
                if name in members and members[name].target != member.target:
                    self.problem(
                        shape, f"mixins disagree on the target of member {name!r} ({mixin.id})"
                    )
                    continue
                earlier = members[name].traits if name in members else {}
                members[name] = Member(shape.id, name, member.target, {**earlier, **member.traits})
        for name, local in shape.members.items():
            inherited = members.get(name)
            if inherited is None:
                members[name] = local
            elif inherited.target != local.target:
                self.problem(
                    shape,
                    f"member {name!r} redefines an inherited mixin member with a different "
                    f"target ({local.target}, the mixin says {inherited.target})",
                )
            else:
                local.traits = {**inherited.traits, **local.traits}
                members[name] = local
        shape.members = members


def _local_traits(mixin: Shape) -> list[str]:
    value = mixin.traits.get(_MIXIN)
    local = value.get("localTraits") if isinstance(value, dict) else None
    return [t for t in local if isinstance(t, str)] if isinstance(local, list) else []


def _merge_ids(inherited: tuple[str, ...], local: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*inherited, *local)))


def _inherit_entity_fields(shape: Shape, mixin: Shape) -> None:
    """Service, resource and operation mixins: lists merge, the shape's own values win."""
    shape.operations = _merge_ids(mixin.operations, shape.operations)
    shape.resources = _merge_ids(mixin.resources, shape.resources)
    shape.errors = _merge_ids(mixin.errors, shape.errors)
    shape.collection_operations = _merge_ids(
        mixin.collection_operations, shape.collection_operations
    )
    shape.rename = {**mixin.rename, **shape.rename}
    shape.identifiers = {**mixin.identifiers, **shape.identifiers}
    shape.properties = {**mixin.properties, **shape.properties}
    shape.lifecycle = {**mixin.lifecycle, **shape.lifecycle}
    shape.version = shape.version if shape.version is not None else mixin.version
    shape.input = shape.input or mixin.input
    shape.output = shape.output or mixin.output

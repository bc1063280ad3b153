"""Python type annotations and default values for Smithy shapes and members."""

from __future__ import annotations

import base64
import math
from typing import Any

from qsmith.codegen.model import Member, Model, Shape, ShapeKind
from qsmith.codegen.model import traits as t
from qsmith.codegen.plan.source import py_repr
from qsmith.runtime.errors import CodegenError

_SIMPLE_ANNOTATIONS: dict[ShapeKind, str] = {
    ShapeKind.BLOB: "bytes",
    ShapeKind.BOOLEAN: "bool",
    ShapeKind.STRING: "str",
    ShapeKind.BYTE: "int",
    ShapeKind.SHORT: "int",
    ShapeKind.INTEGER: "int",
    ShapeKind.LONG: "int",
    ShapeKind.BIG_INTEGER: "int",
    ShapeKind.FLOAT: "float",
    ShapeKind.DOUBLE: "float",
    ShapeKind.BIG_DECIMAL: "Decimal",
    ShapeKind.TIMESTAMP: "datetime",
    ShapeKind.DOCUMENT: "Document",
}
# Enums are open: a value the service adds later must survive, so an enum-typed member is
# ``Enum | str`` (``| int``): completable in an IDE, yet forward compatible.
_ENUM_VALUE_TYPES = {ShapeKind.ENUM: "str", ShapeKind.INT_ENUM: "int"}


class Annotations:
    """Annotations for shape ids, given the class and alias names chosen for the service."""

    def __init__(self, model: Model, class_names: dict[str, str]) -> None:
        self._model = model
        self._class_names = class_names

    def of_shape(self, shape: Shape) -> str:
        if shape.kind in _SIMPLE_ANNOTATIONS:
            return _SIMPLE_ANNOTATIONS[shape.kind]
        if shape.kind in _ENUM_VALUE_TYPES:
            return f"{self._class_names[shape.id]} | {_ENUM_VALUE_TYPES[shape.kind]}"
        if shape.kind in (ShapeKind.LIST, ShapeKind.SET):
            item = self.of_member(shape.member)
            return f"list[{item} | None]" if t.SPARSE.has(shape) else f"list[{item}]"
        if shape.kind is ShapeKind.MAP:
            value = self.of_member(shape.value)
            return f"dict[str, {value} | None]" if t.SPARSE.has(shape) else f"dict[str, {value}]"
        if shape.id == "smithy.api#Unit":
            # A unit union member has no class: serde reads its (empty) object as a dict.
            return "dict[str, object]"
        if shape.kind in (ShapeKind.STRUCTURE, ShapeKind.UNION):
            return self._class_names[shape.id]
        raise CodegenError(f"{shape.source}: {shape.id}: a {shape.kind.value} has no value type")

    def of_member(self, member: Member) -> str:
        target = self._model.target(member)
        if target.kind is ShapeKind.UNION and t.STREAMING.has(target):
            # The caller's events: any iterable, or an async one for the AsyncClient.
            name = self._class_names[target.id]
            return f"Iterable[{name}] | AsyncIterable[{name}]"
        return self.of_shape(target)


def default_source(model: Model, member: Member) -> str:
    """Python source for a member's @default value (containers use a default_factory)."""
    value: Any = t.DEFAULT.get(member)
    target = model.target(member)
    kind = target.kind
    where = f"{member.id}"
    if value is None:
        return "None"
    if kind in (ShapeKind.LIST, ShapeKind.SET, ShapeKind.MAP) or (
        kind is ShapeKind.DOCUMENT and isinstance(value, list | dict)
    ):
        if value:
            raise CodegenError(f"{target.source}: {where}: only empty collection defaults")
        return (
            "field(default_factory=list)"
            if isinstance(value, list)
            else "field(default_factory=dict)"
        )
    if kind is ShapeKind.BLOB:
        return repr(base64.b64decode(value)) if isinstance(value, str) else py_repr(value)
    if kind is ShapeKind.TIMESTAMP:
        seconds = value if isinstance(value, int | float) else None
        if seconds is None:
            raise CodegenError(f"{target.source}: {where}: timestamp default must be a number")
        return f"datetime.fromtimestamp({seconds!r}, tz=timezone.utc)"
    if kind is ShapeKind.BIG_DECIMAL:
        return f"Decimal({py_repr(str(value))})"
    if kind in (ShapeKind.FLOAT, ShapeKind.DOUBLE):
        number = float(value)
        if math.isinf(number) or math.isnan(number):
            return f"float({py_repr(str(number))})"
        return repr(number)
    return py_repr(value)

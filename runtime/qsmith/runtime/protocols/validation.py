"""Client-side checks of an input value before it is serialized.

Required members and value types are always checked, so a mistake is reported with
the member's path instead of surfacing as a service error or a confusing serializer
crash. ``length``/``range``/``pattern`` are checked only on request (``constraints``),
because services relax them and some models are older than the service.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NoReturn

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.schema import Constraints, MemberSchema, Schema, ShapeType
from qsmith.runtime.values import UnionVariant, UnknownUnionMember

__all__ = ["validate_input"]

_INT_BOUNDS = {
    ShapeType.BYTE: 2**7,
    ShapeType.SHORT: 2**15,
    ShapeType.INTEGER: 2**31,
    ShapeType.LONG: 2**63,
}


def validate_input(schema: Schema, value: Any, *, constraints: bool = False) -> None:
    """Raise ``ParamValidationError`` naming the first member path that is wrong."""
    _Checker(constraints).structure(schema, value, schema.name)


class _Checker:
    def __init__(self, constraints: bool) -> None:
        self.constraints = constraints

    def structure(self, schema: Schema, value: Any, path: str) -> None:
        cls = schema.python_type
        if cls is not None and not isinstance(value, cls):
            _fail(path, f"expected {cls.__name__}, got {type(value).__name__}")
        for member in schema.members.values():
            item = (
                value.get(member.python_name)
                if isinstance(value, Mapping)
                else getattr(value, member.python_name, None)
            )
            where = f"{path}.{member.python_name}"
            if item is None:
                if member.is_required_to_send:
                    _fail(where, "is required")
                continue
            self.member(member, item, where)

    def member(self, member: MemberSchema, value: Any, path: str) -> None:
        target = member.target
        self.value(target, value, path)
        if self.constraints:
            for rule in (target.constraints, member.constraints):
                if rule is not None:
                    _check_constraints(rule, value, path)

    def value(self, schema: Schema, value: Any, path: str) -> None:
        kind = schema.type
        if kind is ShapeType.STRUCTURE:
            self.structure(schema, value, path)
        elif kind is ShapeType.UNION:
            self.union(schema, value, path)
        elif kind is ShapeType.LIST:
            self.sequence(schema, value, path)
        elif kind is ShapeType.MAP:
            self.mapping(schema, value, path)
        elif kind is ShapeType.DOCUMENT:
            _check_document(value, path)
        else:
            _check_scalar(schema, value, path)

    def union(self, schema: Schema, value: Any, path: str) -> None:
        if isinstance(value, UnknownUnionMember):
            _fail(path, f"the unknown union member {value.tag!r} cannot be sent")
        if not isinstance(value, UnionVariant) or value.member_name not in schema.members:
            _fail(path, f"expected a member class of union {schema.name}")
        member = schema.members[value.member_name]
        if member.variant_type is not None and not isinstance(value, member.variant_type):
            _fail(path, f"expected {member.variant_type.__name__}")
        if value.value is None:
            _fail(f"{path}.{member.python_name}", "a union member's value cannot be None")
        self.member(member, value.value, f"{path}.{member.python_name}")

    def sequence(self, schema: Schema, value: Any, path: str) -> None:
        if not isinstance(value, (list, tuple)):
            _fail(path, f"expected a list, got {type(value).__name__}")
        member = schema.member("member")
        for index, item in enumerate(value):
            self.optional(schema, member, item, f"{path}[{index}]")

    def mapping(self, schema: Schema, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            _fail(path, f"expected a dict, got {type(value).__name__}")
        member = schema.member("value")
        for key, item in value.items():
            if not isinstance(key, str):
                _fail(path, f"map keys must be str, got {type(key).__name__}")
            self.optional(schema, member, item, f"{path}[{key!r}]")

    def optional(self, schema: Schema, member: MemberSchema, item: Any, path: str) -> None:
        if item is None:
            if not schema.sparse:
                _fail(path, "None is only allowed in a @sparse collection")
            return
        self.member(member, item, path)


def _check_scalar(schema: Schema, value: Any, path: str) -> None:
    kind = schema.type
    if kind in (ShapeType.STRING, ShapeType.ENUM):
        ok = isinstance(value, str)
    elif kind is ShapeType.BOOLEAN:
        ok = isinstance(value, bool)
    elif kind in _INT_BOUNDS or kind in (ShapeType.INT_ENUM, ShapeType.BIG_INTEGER):
        ok = isinstance(value, int) and not isinstance(value, bool)
        bound = _INT_BOUNDS.get(kind)
        if ok and bound is not None and not -bound <= value < bound:
            _fail(path, f"{value} is out of range for a {kind.value}")
    elif kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is ShapeType.BIG_DECIMAL:
        ok = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    elif kind is ShapeType.TIMESTAMP:
        ok = isinstance(value, dt.datetime) and value.tzinfo is not None
        if not ok:
            _fail(path, "expected a timezone-aware datetime")
    elif kind is ShapeType.BLOB:
        ok = isinstance(value, (bytes, bytearray, memoryview)) or (
            schema.streaming and isinstance(value, Iterable) and not isinstance(value, str)
        )
    else:
        ok = True
    if not ok:
        _fail(path, f"expected a {kind.value}, got {type(value).__name__}")


def _check_document(value: Any, path: str) -> None:
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_document(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                _fail(path, "document keys must be str")
            _check_document(item, f"{path}[{key!r}]")
        return
    _fail(path, f"a document holds only JSON values, got {type(value).__name__}")


def _check_constraints(rule: Constraints, value: Any, path: str) -> None:
    if isinstance(value, (str, bytes, list, tuple, dict)):
        size = len(value)
        if rule.min_length is not None and size < rule.min_length:
            _fail(path, f"length {size} is below the minimum {rule.min_length}")
        if rule.max_length is not None and size > rule.max_length:
            _fail(path, f"length {size} is above the maximum {rule.max_length}")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if rule.min_value is not None and value < rule.min_value:
            _fail(path, f"{value} is below the minimum {rule.min_value}")
        if rule.max_value is not None and value > rule.max_value:
            _fail(path, f"{value} is above the maximum {rule.max_value}")
    if rule.pattern is not None and isinstance(value, str) and not re.search(rule.pattern, value):
        _fail(path, f"does not match the pattern {rule.pattern!r}")


def _fail(path: str, problem: str) -> NoReturn:
    raise ParamValidationError(f"{path}: {problem}")

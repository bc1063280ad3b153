"""Client-side checks of an input value before it is serialized.

Required members and value types are always checked, so a mistake is reported with
the member's path instead of surfacing as a service error or a confusing serializer
crash. ``length``/``range``/``pattern`` are checked only on request (``constraints``),
because services relax them and some models are older than the service.

Each schema compiles once into a checker function. A failure raises ``_Invalid``, and
each enclosing level adds its path segment while the exception unwinds, so the happy
path never builds path strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.schema import Constraints, MemberSchema, Schema, ShapeType
from qsmith.runtime.serde.json import MAX_JSON_DEPTH
from qsmith.runtime.values import JsonNull, UnionVariant, UnknownUnionMember

__all__ = ["validate_input"]

Check = Callable[[Any], None]
_INT_BOUNDS = {
    ShapeType.BYTE: 2**7,
    ShapeType.SHORT: 2**15,
    ShapeType.INTEGER: 2**31,
    ShapeType.LONG: 2**63,
}
_CACHE: dict[tuple[int, bool], tuple[Schema, Check]] = {}


class _Invalid(Exception):
    def __init__(self, problem: str, segment: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.segments = [segment] if segment else []


def validate_input(schema: Schema, value: Any, *, constraints: bool = False) -> None:
    """Raise ``ParamValidationError`` naming the first member path that is wrong."""
    try:
        _checker(schema, constraints)(value)
    except _Invalid as invalid:
        path = schema.name + "".join(reversed(invalid.segments))
        raise ParamValidationError(f"{path}: {invalid.problem}") from None


def _checker(schema: Schema, constraints: bool) -> Check:
    key = (id(schema), constraints)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is schema:
        return cached[1]
    slot: list[Check] = []
    _CACHE[key] = (schema, lambda value: slot[0](value))  # recursive shapes meet themselves
    check = _build(schema, constraints)
    slot.append(check)
    _CACHE[key] = (schema, check)
    return check


def _member_checker(member: MemberSchema, constraints: bool) -> Check:
    target = member.target
    check = _checker(target, constraints)
    rules = [r for r in (target.constraints, member.constraints) if r is not None]
    if not (constraints and rules):
        return check

    def checked(value: Any) -> None:
        check(value)
        for rule in rules:
            _check_constraints(rule, value)

    return checked


def _build(schema: Schema, constraints: bool) -> Check:
    kind = schema.type
    if schema.is_event_stream:
        return _check_event_source
    if kind is ShapeType.STRUCTURE:
        return _structure(schema, constraints)
    if kind is ShapeType.UNION:
        return _union(schema, constraints)
    if kind is ShapeType.LIST:
        return _sequence(schema, constraints)
    if kind is ShapeType.MAP:
        return _mapping(schema, constraints)
    if kind is ShapeType.DOCUMENT:
        return _check_document
    return _scalar(schema)


def _structure(schema: Schema, constraints: bool) -> Check:
    cls = schema.python_type
    plan = [
        (m.python_name, m.is_required_to_send, _member_checker(m, constraints))
        for m in schema.members.values()
    ]

    def check(value: Any) -> None:
        if cls is not None:
            if not isinstance(value, cls):
                raise _Invalid(f"expected {cls.__name__}, got {type(value).__name__}")
            is_mapping = False  # a generated class (no ABC check needed, every call)
        else:
            is_mapping = isinstance(value, Mapping)
        for name, required, inner in plan:
            item = value.get(name) if is_mapping else getattr(value, name, None)
            if item is None:
                if required:
                    raise _Invalid("is required", f".{name}")
                continue
            try:
                inner(item)
            except _Invalid as invalid:
                invalid.segments.append(f".{name}")
                raise

    return check


def _union(schema: Schema, constraints: bool) -> Check:
    def check(value: Any) -> None:
        if isinstance(value, UnknownUnionMember):
            raise _Invalid(f"the unknown union member {value.tag!r} cannot be sent")
        if not isinstance(value, UnionVariant) or value.member_name not in schema.members:
            raise _Invalid(f"expected a member class of union {schema.name}")
        member = schema.members[value.member_name]
        if member.variant_type is not None and not isinstance(value, member.variant_type):
            raise _Invalid(f"expected {member.variant_type.__name__}")
        segment = f".{member.python_name}"
        if value.value is None:
            raise _Invalid("a union member's value cannot be None", segment)
        try:
            _member_checker(member, constraints)(value.value)
        except _Invalid as invalid:
            invalid.segments.append(segment)
            raise

    return check


def _sequence(schema: Schema, constraints: bool) -> Check:
    sparse = schema.sparse
    inner = _member_checker(schema.member("member"), constraints)

    def check(value: Any) -> None:
        if not isinstance(value, (list, tuple)):
            raise _Invalid(f"expected a list, got {type(value).__name__}")
        _check_items(inner, enumerate(value), sparse, "[{}]")

    return check


def _mapping(schema: Schema, constraints: bool) -> Check:
    sparse = schema.sparse
    inner = _member_checker(schema.member("value"), constraints)

    def check(value: Any) -> None:
        if not isinstance(value, Mapping):
            raise _Invalid(f"expected a dict, got {type(value).__name__}")
        for key in value:
            if not isinstance(key, str):
                raise _Invalid(f"map keys must be str, got {type(key).__name__}")
        _check_items(inner, value.items(), sparse, "[{!r}]")

    return check


def _check_items(check: Check, items: Iterable[tuple[Any, Any]], sparse: bool, fmt: str) -> None:
    for key, item in items:
        try:
            if item is None:
                if not sparse:
                    raise _Invalid("None is only allowed in a @sparse collection")
                continue
            check(item)
        except _Invalid as invalid:
            invalid.segments.append(fmt.format(key))
            raise


def _expect(kinds: type | tuple[type, ...], name: str) -> Check:
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    bool_ok = bool in allowed  # bool is an int subclass: refuse it unless asked for

    def check(value: Any) -> None:
        if not isinstance(value, allowed) or (not bool_ok and isinstance(value, bool)):
            raise _Invalid(f"expected a {name}, got {type(value).__name__}")

    return check


def _scalar(schema: Schema) -> Check:
    kind = schema.type
    name = kind.value
    if kind is ShapeType.STRING or kind is ShapeType.ENUM:
        return _expect(str, name)
    if kind is ShapeType.BOOLEAN:
        return _expect(bool, name)
    bound = _INT_BOUNDS.get(kind)
    if bound is not None:
        return _bounded_integer(bound, name)
    if kind is ShapeType.INT_ENUM or kind is ShapeType.BIG_INTEGER:
        return _expect(int, name)
    if kind is ShapeType.FLOAT or kind is ShapeType.DOUBLE:
        return _expect((int, float), name)
    if kind is ShapeType.BIG_DECIMAL:
        return _expect((int, float, Decimal), name)
    if kind is ShapeType.TIMESTAMP:
        return _check_timestamp
    if kind is ShapeType.BLOB:
        return _check_stream if schema.streaming else _expect((bytes, bytearray, memoryview), name)
    return lambda value: None


def _bounded_integer(bound: int, name: str) -> Check:
    def check(value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Invalid(f"expected a {name}, got {type(value).__name__}")
        if not -bound <= value < bound:
            raise _Invalid(f"{value} is out of range for a {name}")

    return check


def _check_timestamp(value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise _Invalid("expected a timezone-aware datetime")


def _check_stream(value: Any) -> None:
    if isinstance(value, str) or not isinstance(value, (bytes, bytearray, memoryview, Iterable)):
        raise _Invalid(f"expected bytes or an iterable of bytes, got {type(value).__name__}")


def _check_event_source(value: Any) -> None:
    # The events themselves are checked by the event stream layer as they are sent.
    if isinstance(value, (str, bytes)) or not isinstance(value, (Iterable, AsyncIterable)):
        raise _Invalid(f"expected an iterable of events, got {type(value).__name__}")


def _check_document(value: Any) -> None:
    _check_document_at(value, 1)


def _check_document_at(value: Any, depth: int) -> None:
    if value is None or isinstance(value, (bool, int, float, str, JsonNull)):
        return
    if not isinstance(value, (list, dict)):
        raise _Invalid(f"a document holds only JSON values, got {type(value).__name__}")
    if depth > MAX_JSON_DEPTH:
        raise _Invalid(f"a document nests deeper than {MAX_JSON_DEPTH} levels")

    def inner(item: Any) -> None:
        _check_document_at(item, depth + 1)

    if isinstance(value, list):
        _check_items(inner, enumerate(value), True, "[{}]")
        return
    if not all(isinstance(key, str) for key in value):
        raise _Invalid("document keys must be str")
    _check_items(inner, value.items(), True, "[{!r}]")


def _check_constraints(rule: Constraints, value: Any) -> None:
    if isinstance(value, (str, bytes, list, tuple, dict)):
        size = len(value)
        if rule.min_length is not None and size < rule.min_length:
            raise _Invalid(f"length {size} is below the minimum {rule.min_length}")
        if rule.max_length is not None and size > rule.max_length:
            raise _Invalid(f"length {size} is above the maximum {rule.max_length}")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if rule.min_value is not None and value < rule.min_value:
            raise _Invalid(f"{value} is below the minimum {rule.min_value}")
        if rule.max_value is not None and value > rule.max_value:
            raise _Invalid(f"{value} is above the maximum {rule.max_value}")
    if rule.pattern is not None and isinstance(value, str) and not re.search(rule.pattern, value):
        raise _Invalid(f"does not match the pattern {rule.pattern!r}")

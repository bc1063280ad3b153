"""How C2J types, timestamp formats and primitive-ness map onto Smithy 2.0."""

from __future__ import annotations

from qsmith.codegen.c2j.context import Context, JsonObject

SIMPLE_TYPES = {
    "string": "string",
    "blob": "blob",
    "boolean": "boolean",
    "byte": "byte",
    "short": "short",
    "integer": "integer",
    "long": "long",
    "float": "float",
    "double": "double",
    "bigdecimal": "bigDecimal",
    "bigDecimal": "bigDecimal",
    "biginteger": "bigInteger",
    "bigInteger": "bigInteger",
    "timestamp": "timestamp",
}
INTEGRAL = frozenset({"byte", "short", "integer", "long", "bigInteger"})
NUMERIC = INTEGRAL | {"float", "double", "bigDecimal"}
# The shapes that were primitives (never null) in the model C2J was generated from, unless boxed.
PRIMITIVE_ZERO: dict[str, object] = {
    "boolean": False,
    "byte": 0,
    "short": 0,
    "integer": 0,
    "long": 0,
    "float": 0,
    "double": 0,
}
TIMESTAMP_FORMATS = {
    "iso8601": "date-time",
    "rfc822": "http-date",
    "unixTimestamp": "epoch-seconds",
}


def primitive_default(ctx: Context, name: str) -> tuple[bool, object]:
    """Whether members targeting C2J shape ``name`` get a default, and which.

    C2J marks nullable numbers and booleans with ``box``; the others were primitives, which
    Smithy 2.0 spells as ``@default(0)``/``@default(false)`` on the shape and its members.
    A zero that the shape's own range forbids cannot be a default: such shapes stay nullable.
    Some C2J files never say ``box`` at all (it then tells nothing): all their shapes stay
    nullable, and ``convert_c2j`` warns once.
    """
    c2j = ctx.peek(name)
    kind = SIMPLE_TYPES.get(str(c2j.get("type")))
    if kind not in PRIMITIVE_ZERO or c2j.get("box") or not ctx.uses_box:
        return False, None
    low, high = c2j.get("min"), c2j.get("max")
    if (isinstance(low, int | float) and low > 0) or (isinstance(high, int | float) and high < 0):
        return False, None
    return True, PRIMITIVE_ZERO[kind]


def is_deprecated(c2j: JsonObject) -> bool:
    return bool(c2j.get("deprecated")) or "deprecatedMessage" in c2j or "deprecatedSince" in c2j


def deprecated_trait(c2j: JsonObject) -> JsonObject:
    trait: JsonObject = {}
    for c2j_key, smithy_key in (("deprecatedMessage", "message"), ("deprecatedSince", "since")):
        if isinstance(c2j.get(c2j_key), str):
            trait[smithy_key] = c2j[c2j_key]
    return trait


def timestamp_format(ctx: Context, c2j: JsonObject, where: str) -> str:
    value = c2j["timestampFormat"]
    if not isinstance(value, str) or value not in TIMESTAMP_FORMATS:
        ctx.diag.problem(where, f"unknown timestampFormat {value!r}")
        return str(value)
    return TIMESTAMP_FORMATS[value]

"""C2J shapes to Smithy shapes: types, constraints, enums, errors, unions and event streams.

Members (and their HTTP bindings) are converted by ``members``; this module decides what each
shape is and which traits the shape itself carries.
"""

from __future__ import annotations

from typing import Any

from qsmith.codegen.c2j.context import IDENTIFIER, Context, JsonObject
from qsmith.codegen.c2j.enums import enum_member_names
from qsmith.codegen.c2j.members import convert_member, convert_structure_members, xml_traits
from qsmith.codegen.c2j.typemap import (
    INTEGRAL,
    NUMERIC,
    PRIMITIVE_ZERO,
    SIMPLE_TYPES,
    deprecated_trait,
    is_deprecated,
    primitive_default,
    timestamp_format,
)

_COMMON = frozenset(
    {"type", "documentation", "sensitive", "deprecated", "deprecatedMessage", "deprecatedSince"}
)
_KNOWN_BY_KIND = {
    "structure": frozenset(
        {
            "members",
            "required",
            "exception",
            "fault",
            "error",
            "retryable",
            "union",
            "document",
            "event",
            "eventstream",
            "payload",
        }
    ),
    "list": frozenset({"member", "min", "max"}),
    "map": frozenset({"key", "value", "min", "max"}),
    "string": frozenset({"enum", "min", "max", "pattern"}),
    "blob": frozenset({"min", "max", "streaming", "requiresLength"}),
    "boolean": frozenset({"box"}),
    "timestamp": frozenset({"timestampFormat"}),
    "number": frozenset({"min", "max", "box"}),
}


def convert_shapes(ctx: Context) -> dict[str, JsonObject]:
    """Every C2J shape as a Smithy shape, keyed by shape id."""
    out: dict[str, JsonObject] = {}
    for name in sorted(ctx.shapes):
        where = f"shapes.{name}"
        if not IDENTIFIER.match(name):
            ctx.diag.problem(where, "shape name is not a valid Smithy identifier")
            continue
        c2j = ctx.shapes[name]
        if not isinstance(c2j, dict):
            ctx.diag.problem(where, "shape must be a JSON object")
            continue
        shape = _convert_shape(ctx, name, c2j, where)
        if shape is not None:
            out[ctx.shape_id(name)] = shape
    return out


def _convert_shape(ctx: Context, name: str, c2j: JsonObject, where: str) -> JsonObject | None:
    c2j_type = c2j.get("type")
    if c2j_type == "structure":
        shape = _structure(ctx, name, c2j, where)
        known = _KNOWN_BY_KIND["structure"]
    elif c2j_type == "list":
        shape = {
            "type": "list",
            "member": convert_member(ctx, c2j.get("member"), f"{where}.member"),
        }
        known = _KNOWN_BY_KIND["list"]
    elif c2j_type == "map":
        shape = {
            "type": "map",
            "key": convert_member(ctx, c2j.get("key"), f"{where}.key"),
            "value": convert_member(ctx, c2j.get("value"), f"{where}.value"),
        }
        known = _KNOWN_BY_KIND["map"]
    elif isinstance(c2j_type, str) and c2j_type in SIMPLE_TYPES:
        shape = _simple(ctx, name, c2j, where)
        kind = SIMPLE_TYPES[c2j_type]
        known = _KNOWN_BY_KIND["number" if kind in NUMERIC else kind]
    else:
        ctx.diag.problem(where, f"unknown shape type {c2j_type!r}")
        return None
    ctx.diag.unknown_keys(where, c2j, _COMMON | known | (_XML_SHAPE_KEYS if ctx.xml else set()))
    traits = shape.setdefault("traits", {})
    traits.update(_common_traits(c2j))
    if ctx.xml:
        traits.update(_xml_shape_traits(ctx, c2j, where))
    traits.update(_constraint_traits(ctx, shape["type"], c2j, where))
    if not traits:
        del shape["traits"]
    return shape


# Shape keys of the XML and query protocols: a structure's root element name and namespace;
# ``flattened`` on a list or map is carried by the members that target it.
_XML_SHAPE_KEYS = frozenset({"locationName", "xmlNamespace", "flattened"})


def _xml_shape_traits(ctx: Context, c2j: JsonObject, where: str) -> JsonObject:
    traits: JsonObject = {}
    if c2j.get("type") == "structure" and isinstance(c2j.get("locationName"), str):
        traits["smithy.api#xmlName"] = c2j["locationName"]
    if "xmlNamespace" in c2j:
        traits.update(
            {k: v for k, v in xml_traits(ctx, c2j, where).items() if k.endswith("xmlNamespace")}
        )
    return traits


def _common_traits(c2j: JsonObject) -> JsonObject:
    traits: JsonObject = {}
    if "documentation" in c2j:
        traits["smithy.api#documentation"] = c2j["documentation"]
    if c2j.get("sensitive"):
        traits["smithy.api#sensitive"] = {}
    if is_deprecated(c2j):
        traits["smithy.api#deprecated"] = deprecated_trait(c2j)
    return traits


def _constraint_traits(ctx: Context, kind: str, c2j: JsonObject, where: str) -> JsonObject:
    bounds = {key: c2j[key] for key in ("min", "max") if key in c2j}
    traits: JsonObject = {}
    for key, value in bounds.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            ctx.diag.problem(where, f"{key} must be a number, got {value!r}")
            return traits
    if bounds and kind in {"string", "enum", "blob", "list", "map"}:
        traits["smithy.api#length"] = {key: int(value) for key, value in bounds.items()}
    elif bounds and kind in NUMERIC:
        traits["smithy.api#range"] = {
            key: int(value) if kind in INTEGRAL or float(value).is_integer() else value
            for key, value in bounds.items()
        }
    if "pattern" in c2j and kind in {"string", "enum"}:
        traits["smithy.api#pattern"] = c2j["pattern"]
    return traits


def _simple(ctx: Context, name: str, c2j: JsonObject, where: str) -> JsonObject:
    kind = SIMPLE_TYPES[str(c2j["type"])]
    if kind == "string" and "enum" in c2j:
        return _enum(ctx, c2j["enum"], where)
    shape: JsonObject = {"type": kind, "traits": {}}
    traits = shape["traits"]
    if kind == "timestamp" and "timestampFormat" in c2j:
        traits["smithy.api#timestampFormat"] = timestamp_format(ctx, c2j, where)
    if kind == "blob" and c2j.get("streaming"):
        traits["smithy.api#streaming"] = {}
    if kind == "blob" and c2j.get("requiresLength"):
        traits["smithy.api#requiresLength"] = {}
    has_default, zero = primitive_default(ctx, name)
    if has_default:
        traits["smithy.api#default"] = zero
    elif kind in PRIMITIVE_ZERO and not c2j.get("box") and ctx.uses_box:
        ctx.diag.warn(where, "unboxed number whose range excludes 0: converted as nullable")
    return shape


def _enum(ctx: Context, values: Any, where: str) -> JsonObject:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        ctx.diag.problem(where, "enum must be a list of strings")
        return {"type": "enum", "members": {}}
    unique: list[str] = []
    for value in values:
        if value == "":
            ctx.diag.problem(where, "enum value is empty, which a Smithy enum cannot carry")
        elif value in unique:
            ctx.diag.warn(where, f"enum value {value!r} is listed twice: kept once")
        else:
            unique.append(value)
    members = {
        member: {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": value}}
        for member, value in zip(enum_member_names(unique), unique, strict=True)
    }
    return {"type": "enum", "members": members}


def _structure(ctx: Context, name: str, c2j: JsonObject, where: str) -> JsonObject:
    if c2j.get("document"):
        if c2j.get("members"):
            ctx.diag.warn(where, "document shape lists members; a Smithy document has none")
        return {"type": "document"}
    is_union = bool(c2j.get("union") or c2j.get("eventstream"))
    shape: JsonObject = {
        "type": "union" if is_union else "structure",
        "members": convert_structure_members(ctx, name, c2j, where, is_union=is_union),
        "traits": {},
    }
    if c2j.get("eventstream"):
        shape["traits"]["smithy.api#streaming"] = {}
    shape["traits"].update(_error_traits(ctx, name, c2j, where))
    return shape


def _error_traits(ctx: Context, name: str, c2j: JsonObject, where: str) -> JsonObject:
    error = c2j.get("error", {})
    if not isinstance(error, dict):
        ctx.diag.problem(where, "error must be a JSON object")
        error = {}
    ctx.diag.unknown_keys(
        f"{where}.error", error, frozenset({"code", "httpStatusCode", "senderFault"})
    )
    if not c2j.get("exception"):
        for key in ("error", "fault", "retryable"):
            if key in c2j:
                ctx.diag.warn(where, f"{key!r} on a shape without 'exception': not converted")
        return {}
    traits: JsonObject = {}
    server = bool(c2j.get("fault")) and not error.get("senderFault")
    if c2j.get("fault") and error.get("senderFault"):
        ctx.diag.warn(where, "both 'fault' and error.senderFault: treated as a client error")
    traits["smithy.api#error"] = "server" if server else "client"
    if "httpStatusCode" in error:
        status = error["httpStatusCode"]
        if isinstance(status, int) and not isinstance(status, bool):
            traits["smithy.api#httpError"] = status
        else:
            ctx.diag.problem(where, f"error.httpStatusCode must be an integer, got {status!r}")
    code = error.get("code")
    if code is not None and code != name and ctx.xml and isinstance(code, str):
        # The query protocols identify this error by its own code, not the shape name.
        query_error: JsonObject = {"code": code}
        if isinstance(error.get("httpStatusCode"), int):
            query_error["httpResponseCode"] = error["httpStatusCode"]
        traits["aws.protocols#awsQueryError"] = query_error
    elif code is not None and code != name:
        ctx.diag.warn(where, f"error code {code!r} differs from the shape name, which Smithy uses")
    retryable = c2j.get("retryable")
    if isinstance(retryable, dict):
        ctx.diag.unknown_keys(f"{where}.retryable", retryable, frozenset({"throttling"}))
        traits["smithy.api#retryable"] = {"throttling": True} if retryable.get("throttling") else {}
    elif retryable is not None:
        ctx.diag.problem(where, "retryable must be a JSON object")
    return traits

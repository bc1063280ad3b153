"""C2J members to Smithy members: targets, required-ness, defaults, wire names, HTTP bindings.

C2J puts a member's HTTP binding in ``location`` + ``locationName``; Smithy uses one trait per
binding. A body member's ``locationName`` is its wire name, which Smithy spells ``jsonName``.
"""

from __future__ import annotations

from typing import Any

from qsmith.codegen.c2j.context import IDENTIFIER, Context, JsonObject, as_object, as_strings
from qsmith.codegen.c2j.typemap import (
    deprecated_trait,
    is_deprecated,
    primitive_default,
    timestamp_format,
)

_COLLECTION_MEMBER_KEYS = frozenset({"shape", "documentation"})
# Keys of the XML and query protocols, converted when the service speaks one of them.
_XML_MEMBER_KEYS = frozenset({"locationName", "flattened", "xmlNamespace", "xmlAttribute"})
_STRUCTURE_MEMBER_KEYS = frozenset(
    {
        "shape",
        "documentation",
        "location",
        "locationName",
        "idempotencyToken",
        "box",
        "timestampFormat",
        "eventpayload",
        "eventheader",
        "deprecated",
        "deprecatedMessage",
        "deprecatedSince",
        "hostLabel",
        "contextParam",
        "queryName",
        "flattened",
        "xmlNamespace",
        "xmlAttribute",
    }
)


def convert_member(ctx: Context, ref: Any, where: str) -> JsonObject:
    """A list member, map key or map value: a target and its documentation."""
    if not isinstance(ref, dict):
        ctx.diag.problem(where, "member must be a JSON object with a 'shape'")
        return {"target": "smithy.api#Unit"}
    known = _COLLECTION_MEMBER_KEYS | (_XML_MEMBER_KEYS if ctx.xml else frozenset())
    ctx.diag.unknown_keys(where, ref, known)
    member: JsonObject = {"target": _target(ctx, ref, where)}
    traits = {"smithy.api#documentation": ref["documentation"]} if "documentation" in ref else {}
    if ctx.xml:
        traits.update(xml_traits(ctx, ref, where))
        if isinstance(ref.get("locationName"), str):
            traits["smithy.api#xmlName"] = ref["locationName"]
    if traits:
        member["traits"] = traits
    return member


def xml_traits(ctx: Context, c2j: JsonObject, where: str) -> JsonObject:
    """``flattened``, ``xmlAttribute``, ``xmlNamespace`` and ``queryName`` as Smithy traits
    (for a member, also ``flattened`` said by its list or map target)."""
    traits: JsonObject = {}
    target = ctx.peek(c2j.get("shape")) if "shape" in c2j else {}
    if c2j.get("flattened") or target.get("flattened"):
        traits["smithy.api#xmlFlattened"] = {}
    if c2j.get("xmlAttribute"):
        traits["smithy.api#xmlAttribute"] = {}
    namespace = c2j.get("xmlNamespace")
    if isinstance(namespace, dict) and isinstance(namespace.get("uri"), str):
        traits["smithy.api#xmlNamespace"] = {
            k: namespace[k] for k in ("uri", "prefix") if isinstance(namespace.get(k), str)
        }
    elif namespace is not None:
        ctx.diag.problem(where, "xmlNamespace must be an object with a string 'uri'")
    if isinstance(c2j.get("queryName"), str):
        traits["aws.protocols#ec2QueryName"] = c2j["queryName"]
    return traits


def _target(ctx: Context, ref: JsonObject, where: str) -> str:
    name = ref.get("shape")
    ctx.c2j_shape(name, where)
    return ctx.shape_id(str(name))


def convert_structure_members(
    ctx: Context, name: str, c2j: JsonObject, where: str, *, is_union: bool
) -> JsonObject:
    """The members of a structure or union, with every trait C2J gives them."""
    members = c2j.get("members", {})
    if not isinstance(members, dict):
        ctx.diag.problem(where, "members must be a JSON object")
        return {}
    required = _names_in(ctx, c2j, "required", members, where)
    if required and is_union:
        ctx.diag.warn(where, "a union has no required members: 'required' not converted")
    payload = c2j.get("payload")
    if payload is not None and (not isinstance(payload, str) or payload not in members):
        ctx.diag.problem(where, f"payload names {payload!r}, which is not a member")
    out: JsonObject = {}
    for member_name, ref in members.items():
        member_where = f"{where}${member_name}"
        if not IDENTIFIER.match(member_name):
            ctx.diag.problem(member_where, "member name is not a valid Smithy identifier")
            continue
        if not isinstance(ref, dict):
            ctx.diag.problem(member_where, "member must be a JSON object with a 'shape'")
            continue
        ctx.diag.unknown_keys(member_where, ref, _STRUCTURE_MEMBER_KEYS)
        member: JsonObject = {"target": _target(ctx, ref, member_where)}
        traits = _member_traits(ctx, member_name, ref, member_where, is_union=is_union)
        if member_name in required and not is_union:
            traits["smithy.api#required"] = {}
        if member_name == payload:
            traits["smithy.api#httpPayload"] = {}
            if ctx.xml and ctx.peek(ref.get("shape")).get("type") == "structure":
                # botocore names a structure payload's root element by the member's
                # locationName, else the member's name, never by the target's name.
                traits["smithy.api#xmlName"] = ref.get("locationName", member_name)
        if ctx.http_bindings and member_name != payload and _is_event_stream(ctx, ref):
            ctx.diag.warn(member_where, "event stream member is not the 'payload': REST needs it")
        if "smithy.api#httpLabel" in traits and "smithy.api#required" not in traits:
            ctx.diag.warn(member_where, "URI label member was not required: marked required")
            traits["smithy.api#required"] = {}
        if traits:
            member["traits"] = traits
        out[member_name] = member
    return out


def _is_event_stream(ctx: Context, ref: JsonObject) -> bool:
    return bool(ctx.peek(ref.get("shape")).get("eventstream"))


def _names_in(
    ctx: Context, c2j: JsonObject, key: str, members: JsonObject, where: str
) -> list[str]:
    names = as_strings(c2j.get(key, []), ctx.diag, f"{where}.{key}")
    for missing in [n for n in names if n not in members]:
        ctx.diag.problem(where, f"{key} names {missing!r}, which is not a member")
    return [n for n in names if n in members]


def _member_traits(
    ctx: Context, member_name: str, ref: JsonObject, where: str, *, is_union: bool
) -> JsonObject:
    traits: JsonObject = {}
    if "documentation" in ref:
        traits["smithy.api#documentation"] = ref["documentation"]
    if is_deprecated(ref):
        traits["smithy.api#deprecated"] = deprecated_trait(ref)
    if ref.get("idempotencyToken"):
        traits["smithy.api#idempotencyToken"] = {}
    if "timestampFormat" in ref:
        traits["smithy.api#timestampFormat"] = timestamp_format(ctx, ref, where)
    if ref.get("eventpayload"):
        traits["smithy.api#eventPayload"] = {}
    if ref.get("eventheader"):
        traits["smithy.api#eventHeader"] = {}
    if ref.get("hostLabel"):
        traits["smithy.api#hostLabel"] = {}
    if "contextParam" in ref:
        name = as_object(ref["contextParam"], ctx.diag, where).get("name")
        if isinstance(name, str):
            traits["smithy.rules#contextParam"] = {"name": name}
        else:
            ctx.diag.problem(where, "contextParam needs a string 'name'")
    if ctx.xml:
        traits.update(xml_traits(ctx, ref, where))
    else:
        for key in ("queryName", "flattened", "xmlNamespace", "xmlAttribute"):
            if key in ref:
                ctx.diag.warn(where, f"{key!r} belongs to the XML protocols: not converted")
    traits.update(_binding_traits(ctx, member_name, ref, where))
    has_default, zero = primitive_default(ctx, str(ref.get("shape")))
    if has_default and not is_union:
        # A member-level box keeps a primitive target nullable for this member only.
        traits["smithy.api#default"] = None if ref.get("box") else zero
    return traits


def _binding_traits(ctx: Context, member_name: str, ref: JsonObject, where: str) -> JsonObject:
    location = ref.get("location")
    wire = ref.get("locationName", member_name)
    if not isinstance(wire, str):
        ctx.diag.problem(where, f"locationName must be a string, got {wire!r}")
        return {}
    if location is None:
        if wire == member_name:
            return {}
        if ctx.xml:
            return {"smithy.api#xmlName": wire}
        if not ctx.http_bindings:
            ctx.diag.warn(where, f"wire name {wire!r} kept as jsonName, which awsJson ignores")
        return {"smithy.api#jsonName": wire}
    if location == "header":
        return {"smithy.api#httpHeader": wire}
    if location == "headers":
        return {"smithy.api#httpPrefixHeaders": "" if "locationName" not in ref else wire}
    if location == "querystring":
        target = ctx.peek(ref.get("shape"))
        if target.get("type") == "map":
            return {"smithy.api#httpQueryParams": {}}
        return {"smithy.api#httpQuery": wire}
    if location == "uri":
        return {"smithy.api#httpLabel": {}}
    if location == "statusCode":
        return {"smithy.api#httpResponseCode": {}}
    ctx.diag.warn(where, f"location {location!r} is not supported: binding not converted")
    return {}


def uri_labels(ctx: Context, input_name: str | None) -> dict[str, str]:
    """C2J label name (``locationName``) -> member name, for the URI members of an input."""
    if input_name is None:
        return {}
    members = ctx.members_of(input_name)
    return {
        str(ref.get("locationName", name)): name
        for name, ref in members.items()
        if isinstance(ref, dict) and ref.get("location") == "uri"
    }

"""C2J operations to Smithy operations: input/output/errors, @http, auth overrides, pagination."""

from __future__ import annotations

import re
from typing import Any

from qsmith.codegen.c2j.context import (
    IDENTIFIER,
    UNIT,
    Context,
    JsonObject,
    as_list,
    as_object,
    as_strings,
)
from qsmith.codegen.c2j.diagnostics import Diagnostics
from qsmith.codegen.c2j.members import uri_labels
from qsmith.codegen.c2j.service import BEARER, NO_AUTH, SIGV4
from qsmith.codegen.c2j.typemap import deprecated_trait, is_deprecated

_KNOWN_OPERATION = frozenset(
    {
        "name",
        "http",
        "input",
        "output",
        "errors",
        "documentation",
        "idempotent",
        "deprecated",
        "deprecatedMessage",
        "deprecatedSince",
        "authtype",
        "auth",
        "endpoint",
        "httpChecksumRequired",
        "httpChecksum",
        "readonly",
        "staticContextParams",
        "operationContextParams",
    }
)
# Keys C2J spells as the Smithy traits' values: the endpoint context bindings and the
# request and response checksums.
_VERBATIM_TRAITS = {
    "staticContextParams": "smithy.rules#staticContextParams",
    "operationContextParams": "smithy.rules#operationContextParams",
    "httpChecksum": "aws.protocols#httpChecksum",
}
# What every awsJson/rpcv2 operation sends: no binding, so not an @http trait of its own.
RPC_TRANSPORT = {"method": "POST", "uri": "/"}
_AUTHTYPES = {"none": [], "v4": [SIGV4], "bearer": [BEARER], "v4-unsigned-body": [SIGV4]}
_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")


def convert_operations(ctx: Context, operations: JsonObject) -> dict[str, JsonObject]:
    """Every C2J operation as a Smithy operation, keyed by shape id."""
    out: dict[str, JsonObject] = {}
    for name in sorted(operations):
        where = f"operations.{name}"
        op = as_object(operations[name], ctx.diag, where)
        if not IDENTIFIER.match(name):
            ctx.diag.problem(where, "operation name is not a valid Smithy identifier")
            continue
        if op.get("name", name) != name:
            ctx.diag.warn(where, f"'name' {op['name']!r} differs from the key; the key is used")
        ctx.diag.unknown_keys(where, op, _KNOWN_OPERATION)
        out[ctx.operation_id(name)] = _operation(ctx, op, where)
    return out


def _operation(ctx: Context, op: JsonObject, where: str) -> JsonObject:
    input_name = _io_shape(ctx, op, "input", where)
    output_name = _io_shape(ctx, op, "output", where)
    shape: JsonObject = {
        "type": "operation",
        "input": {"target": ctx.shape_id(input_name) if input_name else UNIT},
        "output": {"target": ctx.shape_id(output_name) if output_name else UNIT},
    }
    error_refs = as_list(op.get("errors", []), ctx.diag, f"{where}.errors")
    errors = [_error_ref(ctx, ref, f"{where}.errors") for ref in error_refs]
    if errors:
        shape["errors"] = [{"target": e} for e in errors if e]
    traits: JsonObject = {}
    if "documentation" in op:
        traits["smithy.api#documentation"] = op["documentation"]
    if op.get("idempotent"):
        traits["smithy.api#idempotent"] = {}
    if is_deprecated(op):
        traits["smithy.api#deprecated"] = deprecated_trait(op)
    if op.get("httpChecksumRequired"):
        traits["smithy.api#httpChecksumRequired"] = {}
    if op.get("readonly"):
        traits["smithy.api#readonly"] = {}
    if "http" in op:
        http = _http(ctx, as_object(op["http"], ctx.diag, where), input_name, f"{where}.http")
        if ctx.http_bindings or http != RPC_TRANSPORT:
            traits["smithy.api#http"] = http
    elif ctx.http_bindings:
        ctx.diag.problem(where, "a REST protocol operation needs 'http'")
    traits.update(_endpoint(ctx, op, where))
    for key, trait in _VERBATIM_TRAITS.items():
        if key in op:
            traits[trait] = as_object(op[key], ctx.diag, f"{where}.{key}")
    traits.update(_auth_override(ctx, op, where))
    if traits:
        shape["traits"] = traits
    return shape


def _io_shape(ctx: Context, op: JsonObject, key: str, where: str) -> str | None:
    if key not in op:
        return None
    ref = as_object(op[key], ctx.diag, f"{where}.{key}")
    ctx.diag.unknown_keys(f"{where}.{key}", ref, frozenset({"shape"}))
    shape = ctx.c2j_shape(ref.get("shape"), f"{where}.{key}")
    if shape is not None and shape.get("type") != "structure":
        ctx.diag.problem(f"{where}.{key}", f"{key} must be a structure")
    return str(ref.get("shape"))


def _error_ref(ctx: Context, ref: Any, where: str) -> str | None:
    ref = as_object(ref, ctx.diag, where)
    shape = ctx.c2j_shape(ref.get("shape"), where)
    if shape is None:
        return None
    if not shape.get("exception"):
        ctx.diag.problem(where, f"error {ref['shape']!r} is not marked 'exception'")
    return ctx.shape_id(str(ref["shape"]))


def _http(ctx: Context, http: JsonObject, input_name: str | None, where: str) -> JsonObject:
    ctx.diag.unknown_keys(where, http, frozenset({"method", "requestUri", "responseCode"}))
    method, uri = http.get("method"), http.get("requestUri")
    if not isinstance(method, str) or not isinstance(uri, str):
        ctx.diag.problem(where, "http needs a string method and requestUri")
        return {}
    labels = uri_labels(ctx, input_name)

    def member_label(match: re.Match[str]) -> str:
        label, greedy = match.group(1), match.group(2)
        if label not in labels:
            ctx.diag.problem(where, f"URI label {{{label}}} has no input member bound to 'uri'")
            return match.group(0)
        return "{" + labels[label] + greedy + "}"

    path, question, query = uri.partition("?")
    trait: JsonObject = {"method": method, "uri": _LABEL.sub(member_label, path) + question + query}
    if "responseCode" in http:
        code = http["responseCode"]
        if isinstance(code, int) and not isinstance(code, bool):
            trait["code"] = code
        else:
            ctx.diag.problem(where, f"responseCode must be an integer, got {code!r}")
    return trait


def _endpoint(ctx: Context, op: JsonObject, where: str) -> JsonObject:
    endpoint = op.get("endpoint")
    if endpoint is None:
        return {}
    endpoint = as_object(endpoint, ctx.diag, f"{where}.endpoint")
    ctx.diag.unknown_keys(f"{where}.endpoint", endpoint, frozenset({"hostPrefix"}))
    prefix = endpoint.get("hostPrefix")
    if not isinstance(prefix, str):
        ctx.diag.problem(f"{where}.endpoint", "hostPrefix must be a string")
    return {"smithy.api#endpoint": {"hostPrefix": prefix}}


def _auth_override(ctx: Context, op: JsonObject, where: str) -> JsonObject:
    """An operation's own auth: ``auth`` (newer C2J) or ``authtype``."""
    traits: JsonObject = {}
    if "auth" in op:
        schemes = as_strings(op["auth"], ctx.diag, f"{where}.auth")
        for scheme in schemes:
            if scheme not in (SIGV4, BEARER, NO_AUTH):
                ctx.diag.warn(where, f"auth scheme {scheme!r} is not supported: left out")
        traits["smithy.api#auth"] = [s for s in schemes if s in (SIGV4, BEARER)]
    elif "authtype" in op:
        authtype = op["authtype"]
        if isinstance(authtype, str) and authtype in _AUTHTYPES:
            traits["smithy.api#auth"] = list(_AUTHTYPES[authtype])
            if authtype == "v4-unsigned-body":
                traits["aws.auth#unsignedPayload"] = {}
        else:
            ctx.diag.warn(where, f"authtype {authtype!r} is not supported")
    return traits


# Smithy paginator paths are member names joined by dots; C2J allows JMESPath ("a[-1].b").
_MEMBER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_KNOWN_PAGINATOR = frozenset({"input_token", "output_token", "limit_key", "result_key"})


def apply_paginators(
    ctx: Context, diag: Diagnostics, pagination: JsonObject, operations: dict[str, JsonObject]
) -> None:
    """Add @paginated to the operations a paginators file names (findings go to ``diag``)."""
    for name in sorted(pagination):
        where = f"pagination.{name}"
        config = as_object(pagination[name], diag, where)
        operation = operations.get(ctx.operation_id(name))
        if operation is None:
            diag.problem(where, "names an operation the model does not have")
            continue
        diag.unknown_keys(where, config, _KNOWN_PAGINATOR)
        tokens = [_single(diag, config.get(k), where, k) for k in ("input_token", "output_token")]
        if None in tokens:
            diag.warn(where, "no single input_token and output_token: @paginated not emitted")
            continue
        trait: JsonObject = {"inputToken": tokens[0], "outputToken": tokens[1]}
        for c2j_key, smithy_key in (("limit_key", "pageSize"), ("result_key", "items")):
            value = _single(diag, config.get(c2j_key), where, c2j_key)
            if value is not None:
                trait[smithy_key] = value
        not_paths = [v for v in trait.values() if not _MEMBER_PATH.match(v)]
        if not_paths:
            diag.warn(
                where, f"{not_paths[0]!r} is not a Smithy member path: @paginated not emitted"
            )
            continue
        _check_paths(ctx, diag, operation, trait, where)
        operation.setdefault("traits", {})["smithy.api#paginated"] = trait


def _check_paths(
    ctx: Context, diag: Diagnostics, operation: JsonObject, trait: JsonObject, where: str
) -> None:
    """Warn when a paginator names a member its operation's input or output lacks."""
    for side, keys in (("input", ("inputToken", "pageSize")), ("output", ("outputToken", "items"))):
        shape_name = operation[side]["target"].partition("#")[2]
        members = ctx.members_of(shape_name)
        for key in keys:
            if key in trait and trait[key].split(".")[0] not in members:
                diag.warn(where, f"{key} {trait[key]!r} is not a member of the {side}")


def _single(diag: Diagnostics, value: object, where: str, key: str) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None or isinstance(value, str):
        return value
    diag.warn(where, f"{key} {value!r}: Smithy @paginated takes one path; not converted")
    return None

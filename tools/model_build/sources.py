"""Readers of the newest source of each API, one builder per service model."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tools.model_build import tables
from tools.model_build.engine import (
    C2J,
    JSON,
    PRELUDE,
    ZERO,
    BuildError,
    Member,
    ModelBuilder,
    Ref,
    SourceShape,
    camel,
    enum_member_name,
    error_traits,
    load_json,
    norm,
    parse_rust_type,
    service_shape,
)

EXTRACTED = "extracted"


# --------------------------------------------------------------------------- naming


def io_names(
    op: str, c2js: list[C2J], npm_ops: dict[str, JSON], suffixes: tuple[str, str]
) -> tuple[str, str]:
    """Input/output shape names as the C2J or npm sources spell them."""
    for c2j in c2js:
        found = c2j.data["operations"].get(op)
        if found and "input" in found:
            output = found.get("output", {}).get("shape", op + suffixes[1])
            return found["input"]["shape"], output
    if op in npm_ops:
        return npm_ops[op]["input"].split("#")[1], npm_ops[op]["output"].split("#")[1]
    return op + suffixes[0], op + suffixes[1]


def rust_to_smithy_names(
    prod: JSON, c2js: list[C2J], npm_names: list[str], npm_ops: dict[str, JSON], spec: Any
) -> dict[str, str]:
    """Map smithy-rs shape names back to the spelling the C2J, npm and wire use."""
    known: dict[str, str] = {}
    # Lowest priority first: every public C2J, then the npm schema, then this service's C2Js.
    for path in sorted(c2js[0].path.parents[2].glob("amzn-*/*/*.json")) if c2js else []:
        data = json.loads(path.read_text())
        for name in data.get("shapes", {}):
            known[norm(name)] = name
    for name in npm_names:
        known[norm(name)] = name
    for c2j in reversed(c2js):
        for name in c2j.shapes:
            known[norm(name)] = name
    names: dict[str, str] = {}
    for op in prod["operations"].values():
        smithy_in, smithy_out = io_names(op["name"], c2js, npm_ops, spec.io_suffixes)
        names[op["input"]] = smithy_in
        names[op["output"]] = smithy_out
    for rust, shape in prod["shapes"].items():
        if rust in names:
            continue
        if shape["kind"] == "error" and rust.endswith("Error"):
            names[rust] = known.get(norm(rust[: -len("Error")] + "Exception"), rust)
            if not names[rust].endswith("Exception"):
                names[rust] = rust[: -len("Error")] + "Exception"
        else:
            names[rust] = known.get(norm(rust), rust)
    return names


# --------------------------------------------------------------------------- smithy-rs extract


def rust_member(raw: JSON) -> Member:
    ref, optional = parse_rust_type(tables.RUST_TYPE_FIXES.get(raw["type"]) or raw["type"])
    if raw.get("serde_shape") and ref.kind in ("list", "map"):
        ref = Ref(ref.kind, raw["serde_shape"], ref.element, ref.key)
    name = raw["wire"] or camel(raw["rust"])
    default = None
    if not optional and ref.kind in ZERO and raw.get("default") == "default()":
        default = ZERO[ref.kind]
    return Member(
        name=name,
        ref=ref,
        required=bool(raw.get("required")),
        sensitive=bool(raw.get("sensitive")),
        default=default,
    )


def read_rust_shapes(builder: ModelBuilder, prod: JSON, npm_enums: dict[str, JSON]) -> None:
    names = builder.names
    c2j_shapes = {n: s for c2j in reversed(builder.c2js) for n, s in c2j.shapes.items()}
    io_uses: dict[str, int] = {}
    for raw_op in prod["operations"].values():
        for part in ("input", "output"):
            io_uses[names[raw_op[part]]] = io_uses.get(names[raw_op[part]], 0) + 1
    for rust, raw in prod["shapes"].items():
        name = names[rust]
        if raw["kind"] == "enum":
            keys = npm_enums.get(name)
            by_value = {v: k for k, v in keys.items()} if keys else {}
            raw_values = raw["values"] or tables.EMPTY_RUST_ENUMS.get(name, [])
            if not raw_values:
                raise BuildError(f"enum {name} has no values in the smithy-rs extract")
            values = [(by_value.get(v) or enum_member_name(v), v) for v in raw_values]
            builder.sources[name] = SourceShape(name, "enum", enum_values=values)
            continue
        shape = SourceShape(name, "union" if raw["kind"] == "union" else "structure")
        shape.members = [rust_member(m) for m in raw.get("members", [])]
        if raw.get("sensitive_shape"):
            shape.traits["smithy.api#sensitive"] = {}
            # smithy-rs redacts every field of a sensitive shape: the flags say nothing more.
            for member in shape.members:
                member.sensitive = None
        if raw["kind"] == "error":
            shape.traits.update(error_traits(name, c2j_shapes.get(name)))
        # @input/@output only where one operation owns the shape: the C2J lets
        # CreateArtifactUploadUrl and CreateUploadUrl share theirs.
        if raw["kind"] in ("input", "output") and io_uses[name] == 1:
            shape.traits[f"smithy.api#{raw['kind']}"] = {}
        if name in builder.sources and not same_shape(builder.sources[name], shape):
            raise BuildError(f"two smithy-rs shapes map to {name} and differ")
        builder.sources[name] = shape
    mark_sensitive_targets(builder)
    for rust, stream in prod["event_streams"].items():
        shape = builder.sources[names[rust]]
        shape.traits["smithy.api#streaming"] = {}
        order = {event["eventType"]: i for i, event in enumerate(stream["events"])}
        shape.members.sort(key=lambda m: order.get(m.name, len(order)))
        for member_name, error in stream["errors"]:
            shape.members.append(Member(member_name, Ref("named", error)))


def same_shape(a: SourceShape, b: SourceShape) -> bool:
    return a.kind == b.kind and a.members == b.members and a.traits == b.traits


def mark_sensitive_targets(builder: ModelBuilder) -> None:
    """smithy-rs redacts a field whose target shape is @sensitive: carry that to the shape."""
    for shape in list(builder.sources.values()):
        for member in shape.members:
            if member.sensitive and member.ref.kind == "named":
                target = builder.sources[builder.names.get(member.ref.name, member.ref.name)]
                target.traits["smithy.api#sensitive"] = {}
                if target.kind == "structure" or target.kind == "union":
                    for inner in target.members:
                        inner.sensitive = None if inner.sensitive else inner.sensitive


def streaming_payload_traits(builder: ModelBuilder) -> None:
    """restJson1 carries an event stream output member as the HTTP payload."""
    if tables.REST_JSON not in builder.spec.protocols:
        return
    for shape in builder.sources.values():
        for member in shape.members:
            if member.ref.kind == "stream":
                member.traits["smithy.api#httpPayload"] = {}


def paginated_ops(inventory: Path) -> dict[str, JSON]:
    """Operations smithy-rs generated paginators for, with their item member."""
    found: dict[str, JSON] = {}
    for line in inventory.read_text().splitlines():
        match = re.match(r"\| (\w+) \|.*paginated (\{.*?\}) \|", line)
        if not match:
            continue
        info = json.loads(match.group(2))
        trait: JSON = {"inputToken": "nextToken", "outputToken": "nextToken"}
        if info["items"]:
            trait["items"] = camel(info["items"][0].split("_output_output_")[1])
        if info["input_token"] != ["next_token"] or "next_token" not in info["output_token"][0]:
            raise BuildError(f"unexpected paginator tokens for {match.group(1)}: {info}")
        found[match.group(1)] = trait
    return found


def apply_http_bindings(builder: ModelBuilder) -> None:
    """@httpLabel/@httpQuery/@httpHeader on input members (restJson1 only reads them)."""
    for op, (_, uri, query) in builder.spec.http.items():
        input_name = builder.op_io[op][0]
        shape = builder.sources[input_name]
        labels = {label.rstrip("+") for label in re.findall(r"\{([^}]+)\}", uri)}
        by_name = {m.name: m for m in shape.members}
        for label in labels:
            by_name[label].traits["smithy.api#httpLabel"] = {}
            if not by_name[label].required:
                raise BuildError(f"{op}: label {label} is not required in the source")
        for member_name, key in query.items():
            by_name[member_name].traits["smithy.api#httpQuery"] = key
    for (shape_name, member_name), header in builder.spec.headers.items():
        members = {m.name: m for m in builder.sources[shape_name].members}
        members[member_name].traits["smithy.api#httpHeader"] = header


def operation_shapes(
    builder: ModelBuilder, prod_ops: dict[str, JSON], paginated: dict[str, JSON]
) -> dict[str, JSON]:
    shapes: dict[str, JSON] = {}
    for op, raw in sorted(prod_ops.items()):
        input_name, output_name = builder.op_io[op]
        body: JSON = {"type": "operation", "input": {"target": builder.shape_id(input_name)}}
        body["output"] = {"target": builder.shape_id(output_name)}
        errors = sorted(builder.shape_id(builder.names[e]) for e in raw["errors"])
        if errors:
            body["errors"] = [{"target": e} for e in errors]
        traits: JSON = {}
        if op in builder.spec.http:
            method, uri, _ = builder.spec.http[op]
            traits["smithy.api#http"] = {"method": method, "uri": uri, "code": 200}
        elif tables.REST_JSON in builder.spec.protocols:
            raise BuildError(f"{op} has no @http binding")
        if c2j_operation(builder, op).get("idempotent"):
            traits["smithy.api#idempotent"] = {}
        if op in paginated:
            trait = dict(paginated[op])
            if any(m.name == "maxResults" for m in builder.sources[input_name].members):
                trait["pageSize"] = "maxResults"
            traits["smithy.api#paginated"] = trait
        if traits:
            body["traits"] = traits
        shapes[f"{builder.spec.namespace}#{op}"] = body
    return shapes


def c2j_operation(builder: ModelBuilder, op: str) -> JSON:
    """The operation in the newest C2J that has it (empty when none has)."""
    for c2j in builder.c2js:
        if op in c2j.data["operations"]:
            found: JSON = c2j.data["operations"][op]
            return found
    return {}


def mark_idempotency(builder: ModelBuilder, prod_ops: dict[str, JSON]) -> None:
    """smithy-rs fills `clientToken` on the operations it lists as idempotent."""
    for op, raw in prod_ops.items():
        if not raw["idempotency"]:
            continue
        members = {m.name: m for m in builder.sources[builder.op_io[op][0]].members}
        members["clientToken"].traits["smithy.api#idempotencyToken"] = {}


def build_from_rust(
    spec: tables.ServiceSpec,
    upstream: Path,
    crate: str,
    c2j_paths: list[str],
    npm: JSON | None,
) -> JSON:
    prod = load_json(upstream / EXTRACTED / f"{crate}.prod.json")
    c2js = [C2J(upstream / p) for p in c2j_paths]
    builder = ModelBuilder(spec, c2js, npm)
    npm_ops = {}
    npm_enums: dict[str, JSON] = {}
    if npm is not None:
        npm_ops = {
            sid.split("#")[1]: s for sid, s in npm["shapes"].items() if s["kind"] == "operation"
        }
        npm_enums = npm["enums"]
    builder.names = rust_to_smithy_names(prod, c2js, list(builder.npm_ids), npm_ops, spec)
    builder.op_io = {
        op: (builder.names[raw["input"]], builder.names[raw["output"]])
        for op, raw in prod["operations"].items()
    }
    read_rust_shapes(builder, prod, npm_enums)
    streaming_payload_traits(builder)
    apply_http_bindings(builder)
    mark_idempotency(builder, prod["operations"])
    builder.emit_source_shapes()
    inventory = upstream / EXTRACTED / f"{crate}-inventory.md"
    operations = operation_shapes(builder, prod["operations"], paginated_ops(inventory))
    service = service_shape(spec, list(operations))
    return builder.model(service, operations)


# --------------------------------------------------------------------------- C2J (telemetry)


def c2j_ref(c2j: C2J, name: str) -> Ref:
    kind = c2j.kind(name)
    if kind in ("structure", "union", "enum"):
        return Ref("named", name)
    if kind == "list":
        return Ref("list", name, c2j_ref(c2j, c2j.shapes[name]["member"]["shape"]))
    if kind == "map":
        shape = c2j.shapes[name]
        return Ref(
            "map", name, c2j_ref(c2j, shape["value"]["shape"]), c2j_ref(c2j, shape["key"]["shape"])
        )
    if kind not in PRELUDE:
        raise BuildError(f"{c2j.path}: unsupported C2J type {kind} of {name}")
    return Ref(kind)


def read_c2j_shapes(builder: ModelBuilder, c2j: C2J) -> None:
    for name, raw in c2j.shapes.items():
        kind = c2j.kind(name)
        if kind == "enum":
            values = [(enum_member_name(v), v) for v in raw["enum"]]
            builder.sources[name] = SourceShape(name, "enum", enum_values=values)
        elif kind in ("structure", "union"):
            shape = SourceShape(name, kind)
            required = set(raw.get("required", []))
            for member_name, member in raw["members"].items():
                if set(member) - {"shape", "documentation"}:
                    raise BuildError(f"{name}.{member_name}: unhandled C2J member {member}")
                target = c2j.shapes[member["shape"]]
                ref = c2j_ref(c2j, member["shape"])
                # C2J primitives without `box` are non-nullable: Smithy 2.0 gives them a
                # zero default (smithy-rs builds them with `default()` likewise).
                default = ZERO[ref.kind] if ref.kind in ZERO and not target.get("box") else None
                shape.members.append(
                    Member(
                        member_name,
                        ref,
                        required=member_name in required,
                        sensitive=bool(target.get("sensitive")),
                        default=default,
                    )
                )
            builder.sources[name] = shape


def build_toolkit_telemetry(upstream: Path) -> JSON:
    spec = tables.TOOLKIT_TELEMETRY
    c2j = C2J(upstream / "amzn-toolkit-telemetry-client/aws-toolkit-vscode/service-2.json")
    builder = ModelBuilder(spec, [c2j], None)
    read_c2j_shapes(builder, c2j)
    for shape in builder.sources.values():
        if shape.name.endswith("Request"):
            shape.traits["smithy.api#input"] = {}
    builder.emit_source_shapes()
    operations: dict[str, JSON] = {}
    for op, raw in c2j.data["operations"].items():
        if set(raw) - {"name", "http", "input"}:
            raise BuildError(f"telemetry operation {op} has fields this builder ignores")
        http = {"method": raw["http"]["method"], "uri": raw["http"]["requestUri"], "code": 200}
        operations[f"{spec.namespace}#{op}"] = {
            "type": "operation",
            "input": {"target": builder.shape_id(raw["input"]["shape"])},
            "output": {"target": "smithy.api#Unit"},
            "traits": {"smithy.api#http": http},
        }
    return builder.model(service_shape(spec, list(operations)), operations)


# --------------------------------------------------------------------------- the five models

# Newest first, by the date each file last changed (SOURCES.md): vscode 2025-09-19, then
# language-servers 2025-09-03, then JetBrains 2025-05-19. Where vscode and language-servers give
# one member different constraints, vscode's is the later step of the same change (models/README).
CW_C2J = [
    "amzn-codewhisperer-client/aws-toolkit-vscode/user-service-2.json",
    "amzn-codewhisperer-client/aws-language-servers/bearer-token-service.json",
    "amzn-codewhisperer-client/aws-toolkit-jetbrains/service-2.json",
]
STREAMING_C2J = ["amzn-codewhisperer-streaming-client/aws-toolkit-jetbrains/service-2.json"]
CONSOLAS_C2J = ["amzn-consolas-client/aws-language-servers/service.json"]
NPM_SCHEMA = "npm-cwsc-1.0.45.schema.json"


def build_qdeveloper_streaming(upstream: Path) -> JSON:
    npm = load_json(upstream / EXTRACTED / NPM_SCHEMA)
    return build_from_rust(
        tables.QDEVELOPER_STREAMING,
        upstream,
        "amzn-qdeveloper-streaming-client",
        STREAMING_C2J,
        npm,
    )


def build_consolas(upstream: Path) -> JSON:
    spec = tables.CONSOLAS
    prod = load_json(upstream / EXTRACTED / "amzn-consolas-client.prod.json")
    spec.http = {op: ("POST", f"/{op}", {}) for op in prod["operations"]}
    return build_from_rust(spec, upstream, "amzn-consolas-client", CONSOLAS_C2J, None)


def build_codewhisperer(upstream: Path) -> JSON:
    npm = load_json(upstream / EXTRACTED / NPM_SCHEMA)
    return build_from_rust(tables.CODEWHISPERER, upstream, "amzn-codewhisperer-client", CW_C2J, npm)


BUILDERS: dict[str, Callable[[Path], JSON]] = {
    "toolkit-telemetry": build_toolkit_telemetry,
    "qdeveloper-streaming": build_qdeveloper_streaming,
    "consolas": build_consolas,
    "codewhisperer": build_codewhisperer,
}


# --------------------------------------------------------------------------- npm (streaming)

NPM_PRIMS = {"string", "boolean", "blob", "document", "timestamp", "number"}


class NpmReader:
    """Reads the smithy-typescript schema; types it collapses come from the Rust extract."""

    def __init__(self, builder: ModelBuilder, npm: JSON, prod: JSON) -> None:
        self.builder = builder
        self.npm = npm
        self.prod = prod
        self.rust_of = {smithy: rust for rust, smithy in builder.names.items()}

    def rust_member(self, owner: str, member: str) -> Ref | None:
        raw = self.prod["shapes"].get(self.rust_of.get(owner, owner))
        for m in (raw or {}).get("members", []):
            if (m["wire"] or camel(m["rust"])) == member:
                fixed = tables.RUST_TYPE_FIXES.get(m["type"], m["type"])
                return parse_rust_type(fixed)[0]
        return None

    def ref(self, target: str, rust: Ref | None, where: str) -> tuple[Ref, bool]:
        """The reference for an npm target, and whether the npm marks it sensitive."""
        if target == "string":
            if rust is not None and rust.kind == "named":
                name = self.builder.names.get(rust.name, rust.name)
                if self.builder.sources.get(name, SourceShape("", "")).kind == "enum":
                    return Ref("named", rust.name), False
            return Ref("string"), False
        if target == "number":
            if rust is None or rust.kind not in ("integer", "long", "float", "double"):
                raise BuildError(f"{where}: no numeric type for an npm number")
            return Ref(rust.kind), False
        if target in NPM_PRIMS:
            return Ref(target), False
        if target.startswith("list<"):
            element_rust = rust.element if rust is not None else None
            element, sensitive = self.ref(target[5:-1], element_rust, where)
            return Ref("list", element=replace(element, sensitive=sensitive)), False
        shape = self.npm["shapes"][target]
        name = target.split("#")[1]
        sensitive = "sensitive" in shape["traits"]
        if shape["kind"] == "simple":
            return Ref(shape["target"]), sensitive
        if shape["kind"] in ("list", "map"):
            value = shape["member"] if shape["kind"] == "list" else shape["value"]
            value_rust = rust.element if rust is not None else None
            element, element_sensitive = self.ref(value["target"], value_rust, where)
            element = replace(element, sensitive=element_sensitive)
            key = None
            if shape["kind"] == "map":
                key_rust = rust.key if rust is not None else None
                key, _ = self.ref(shape["key"]["target"], key_rust, where)
            return Ref(shape["kind"], name, element, key), sensitive
        return Ref("named", name), sensitive

    def read(self) -> None:
        for shape_id, raw in self.npm["shapes"].items():
            if shape_id.startswith("smithy.ts.sdk.synthetic") or raw["kind"] not in (
                "structure",
                "union",
                "error",
            ):
                continue
            ns, name = shape_id.split("#")
            shape = SourceShape(name, "union" if raw["kind"] == "union" else "structure")
            shape.namespace = ns
            for m in raw["members"]:
                rust = self.rust_member(name, m["name"])
                if rust is None and (name, m["name"]) in tables.NPM_NUMBER_TYPES:
                    rust = Ref(tables.NPM_NUMBER_TYPES[name, m["name"]])
                ref, sensitive = self.ref(m["target"], rust, f"{name}.{m['name']}")
                traits = {}
                for trait, value in m["memberTraits"].items():
                    traits[f"smithy.api#{trait}"] = {} if value == 1 else value
                default = None
                rust_raw = self.rust_raw_member(name, m["name"])
                if rust_raw is not None and ref.kind in ZERO:
                    default = rust_member(rust_raw).default
                shape.members.append(
                    Member(m["name"], ref, m["required"], sensitive, default, traits)
                )
            if "sensitive" in raw["traits"]:
                shape.traits["smithy.api#sensitive"] = {}
            if "streaming" in raw["traits"]:
                shape.traits["smithy.api#streaming"] = {}
            if raw["kind"] == "error":
                c2j_shapes = {n: s for c2j in self.builder.c2js for n, s in c2j.shapes.items()}
                traits = error_traits(name, c2j_shapes.get(name))
                if raw["traits"].get("httpError"):
                    traits["smithy.api#httpError"] = raw["traits"]["httpError"]
                traits["smithy.api#error"] = raw["traits"]["error"]
                shape.traits.update(traits)
            for op in self.npm["shapes"].values():
                if op["kind"] == "operation" and shape_id in (op["input"], op["output"]):
                    io = "input" if shape_id == op["input"] else "output"
                    shape.traits[f"smithy.api#{io}"] = {}
            self.builder.sources[name] = shape

    def rust_raw_member(self, owner: str, member: str) -> JSON | None:
        raw = self.prod["shapes"].get(self.rust_of.get(owner, owner))
        for m in (raw or {}).get("members", []):
            if (m["wire"] or camel(m["rust"])) == member:
                return dict(m)
        return None

    def read_enums(self) -> None:
        for rust, raw in self.prod["shapes"].items():
            if raw["kind"] != "enum":
                continue
            name = self.builder.names[rust]
            keys = self.npm["enums"].get(name)
            if keys is not None:
                values = list(keys.items())
            else:
                values = [(enum_member_name(v), v) for v in raw["values"]]
            self.builder.sources[name] = SourceShape(name, "enum", enum_values=values)


def build_codewhisperer_streaming(upstream: Path) -> JSON:
    spec = tables.CODEWHISPERER_STREAMING
    npm = load_json(upstream / EXTRACTED / NPM_SCHEMA)
    prod = load_json(upstream / EXTRACTED / "amzn-codewhisperer-streaming-client.prod.json")
    c2js = [C2J(upstream / p) for p in STREAMING_C2J]
    builder = ModelBuilder(spec, c2js, npm)
    npm_ops = {sid.split("#")[1]: s for sid, s in npm["shapes"].items() if s["kind"] == "operation"}
    npm_names = list(builder.npm_ids) + list(npm["enums"])
    builder.names = rust_to_smithy_names(prod, c2js, npm_names, npm_ops, spec)
    reader = NpmReader(builder, npm, prod)
    reader.read_enums()
    reader.read()
    builder.op_io = {
        op: (builder.names[raw["input"]], builder.names[raw["output"]])
        for op, raw in prod["operations"].items()
    }
    builder.emit_source_shapes()
    operations: dict[str, JSON] = {}
    for op, raw in sorted(prod["operations"].items()):
        npm_op = npm_ops[op]
        method, uri, code = npm_op["traits"]["http"]
        body: JSON = {
            "type": "operation",
            "input": {"target": npm_op["input"]},
            "output": {"target": npm_op["output"]},
            "errors": [
                {"target": e}
                for e in sorted(builder.shape_id(builder.names[n]) for n in raw["errors"])
            ],
            "traits": {"smithy.api#http": {"method": method, "uri": uri, "code": code}},
        }
        operations[builder.npm_ids[op]] = body
    return builder.model(service_shape(spec, list(operations)), operations)


BUILDERS["codewhisperer-streaming"] = build_codewhisperer_streaming

"""The engine that builds the five service models: source shapes merged into one model.

Each model takes its shapes and members from the newest machine-readable source of its API
(the smithy-rs extract ``*.prod.json``, the npm client's static schema, or the newest C2J file),
and its constraints from the C2J files wherever the member still exists there.  What no source
states (HTTP bindings of some services, endpoint rules, namespaces where none is published) comes
from the hand-kept tables in ``tables.py``.  Decisions are explained in
``models/README.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.model_build import tables

JSON = dict[str, Any]
PRELUDE = {
    "string": "smithy.api#String",
    "boolean": "smithy.api#Boolean",
    "integer": "smithy.api#Integer",
    "long": "smithy.api#Long",
    "float": "smithy.api#Float",
    "double": "smithy.api#Double",
    "blob": "smithy.api#Blob",
    "timestamp": "smithy.api#Timestamp",
    "document": "smithy.api#Document",
}
RUST_PRIMS = {
    "String": "string",
    "bool": "boolean",
    "i32": "integer",
    "i64": "long",
    "f32": "float",
    "f64": "double",
    "Blob": "blob",
    "DateTime": "timestamp",
    "Document": "document",
}
ZERO = {"boolean": False, "integer": 0, "long": 0, "float": 0, "double": 0}


class BuildError(Exception):
    """A source says something the builder cannot turn into a faithful model."""


def norm(name: str) -> str:
    """Key under which smithy-rs and source spellings of one name meet (case, acronyms)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def enum_member_name(value: str) -> str:
    """A Smithy identifier for an enum value whose source gives no member name."""
    ident = re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper()
    if not ident or ident[0].isdigit():
        ident = "V_" + ident
    return ident


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class Ref:
    """What a source member targets, before the builder picks the Smithy shape."""

    kind: str  # a prelude kind, "named", "list", "map" or "stream"
    name: str = ""  # the source's shape name for "named"/"stream"; a name hint for list/map
    element: Ref | None = None  # list member, or map value
    key: Ref | None = None
    sensitive: bool | None = None  # of a list member or map value, when the source says


def walk(ref: Ref) -> list[Ref]:
    """A reference and every reference nested in it."""
    nested = [ref]
    for inner in (ref.element, ref.key):
        if inner is not None:
            nested.extend(walk(inner))
    return nested


def parse_rust_type(text: str) -> tuple[Ref, bool]:
    """Parse a smithy-rs field type; returns the reference and whether it was ``Option<..>``."""
    text = text.replace(" ", "")
    optional = text.startswith("Option<")
    if optional:
        text = text[len("Option<") : -1]
    return _rust_ref(text), optional


def _rust_ref(text: str) -> Ref:
    if text.startswith("EventStream<"):
        return Ref("stream", text[len("EventStream<") : -1])
    if text.startswith("Vec<"):
        return Ref("list", element=_rust_ref(text[4:-1]))
    if text.startswith("HashMap<"):
        inner = text[len("HashMap<") : -1]
        depth = 0
        for i, ch in enumerate(inner):
            depth += ch == "<"
            depth -= ch == ">"
            if ch == "," and depth == 0:
                return Ref("map", key=_rust_ref(inner[:i]), element=_rust_ref(inner[i + 1 :]))
        raise BuildError(f"cannot parse map type {text}")
    if text in RUST_PRIMS:
        return Ref(RUST_PRIMS[text])
    return Ref("named", text)


# --------------------------------------------------------------------------- C2J


class C2J:
    """A botocore-style model, read for shape names and constraints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: JSON = json.loads(path.read_text())
        self.shapes: dict[str, JSON] = self.data["shapes"]

    def member(self, owner: str, member: str) -> JSON | None:
        shape = self.shapes.get(owner)
        if not shape or shape["type"] != "structure":
            return None
        found = shape["members"].get(member)
        return dict(found) if found else None

    def constraint_traits(self, name: str) -> JSON:
        """Length/range/pattern of one C2J shape in Smithy trait form."""
        shape = self.shapes[name]
        traits: JSON = {}
        bounds = {k: shape[k] for k in ("min", "max") if k in shape}
        if bounds:
            numeric = shape["type"] in ("integer", "long", "float", "double")
            traits["smithy.api#range" if numeric else "smithy.api#length"] = bounds
        if "pattern" in shape:
            traits["smithy.api#pattern"] = shape["pattern"]
        if shape.get("timestampFormat"):
            fmt = {"iso8601": "date-time", "unixTimestamp": "epoch-seconds", "rfc822": "http-date"}
            traits["smithy.api#timestampFormat"] = fmt[shape["timestampFormat"]]
        return traits

    def kind(self, name: str) -> str:
        shape = self.shapes[name]
        if shape["type"] == "structure":
            if shape.get("document"):
                return "document"
            if shape.get("union") or shape.get("eventstream"):
                return "union"
            return "structure"
        if shape["type"] == "string" and "enum" in shape:
            return "enum"
        return str(shape["type"])


# --------------------------------------------------------------------------- the model


@dataclass
class Member:
    name: str
    ref: Ref
    required: bool = False
    sensitive: bool | None = False  # None: unknown (a sensitive container hides it)
    default: Any = None
    traits: JSON = field(default_factory=dict)


@dataclass
class SourceShape:
    """A structure, union, error or enum as the newest source states it."""

    name: str  # Smithy name (already mapped back from smithy-rs spelling)
    kind: str  # structure | union | error | enum | intEnum
    members: list[Member] = field(default_factory=list)
    enum_values: list[tuple[str, Any]] = field(default_factory=list)
    traits: JSON = field(default_factory=dict)
    namespace: str | None = None


class ModelBuilder:
    """Turns source shapes into one Smithy JSON AST, resolving member targets."""

    def __init__(self, spec: tables.ServiceSpec, c2js: list[C2J], npm: JSON | None) -> None:
        self.spec = spec
        self.c2js = c2js
        self.npm_ids: dict[str, str] = {}
        self.npm_shapes: dict[str, JSON] = {}
        if npm is not None:
            for shape_id, shape in npm["shapes"].items():
                if shape_id.startswith("smithy.ts.sdk.synthetic"):
                    continue
                self.npm_ids.setdefault(shape_id.split("#")[1], shape_id)
                self.npm_shapes[shape_id] = shape
        self.sources: dict[str, SourceShape] = {}
        self.shapes: dict[str, JSON] = {}
        self.ids: dict[str, str] = {}  # Smithy name -> shape id, for named shapes
        self.names: dict[str, str] = {}  # source (smithy-rs) name -> Smithy name
        self.op_io: dict[str, tuple[str, str]] = {}  # operation -> (input, output) names

    # -- naming ---------------------------------------------------------------------------

    def shape_id(self, name: str, namespace: str | None = None) -> str:
        if name in self.ids:
            return self.ids[name]
        ns = namespace or self.spec.namespace_for(name, self.npm_ids.get(name))
        self.ids[name] = f"{ns}#{name}"
        return self.ids[name]

    def add_shape(self, shape_id: str, body: JSON) -> None:
        existing = self.shapes.get(shape_id)
        if existing is not None and existing != body:
            raise BuildError(f"{shape_id} defined twice with different bodies")
        self.shapes[shape_id] = body

    # -- C2J lookups ----------------------------------------------------------------------

    def c2j_member(self, owner: str, member: str) -> tuple[C2J, str] | None:
        for c2j in self.c2js:
            found = c2j.member(owner, member)
            if found:
                return c2j, found["shape"]
        return None

    def npm_member_target(self, owner: str, member: str) -> str | None:
        owner_id = self.npm_ids.get(owner)
        if owner_id is None:
            return None
        for m in self.npm_shapes[owner_id].get("members", []):
            if m["name"] == member:
                return str(m["target"])
        return None

    # -- targets --------------------------------------------------------------------------

    def target(self, owner: str, member: Member) -> tuple[str, JSON]:
        """The shape id a member targets, plus traits that must sit on the member itself."""
        hint = self.c2j_member(owner, member.name)
        npm_target = self.npm_member_target(owner, member.name)
        return self.resolve(member.ref, member.sensitive, hint, npm_target, owner, member.name)

    def resolve(
        self,
        ref: Ref,
        sensitive: bool | None,
        hint: tuple[C2J, str] | None,
        npm_target: str | None,
        owner: str,
        member: str,
    ) -> tuple[str, JSON]:
        if ref.kind == "named" or ref.kind == "stream":
            name = self.names.get(ref.name, ref.name)
            if name not in self.sources:
                raise BuildError(f"{owner}.{member} targets unknown shape {ref.name}")
            return self.shape_id(name), {}
        if ref.kind == "list":
            return self.resolve_list(ref, sensitive, hint, npm_target, owner, member), {}
        if ref.kind == "map":
            return self.resolve_map(ref, sensitive, hint, npm_target, owner, member), {}
        return self.resolve_simple(ref.kind, sensitive, hint, npm_target, owner)

    def resolve_simple(
        self,
        kind: str,
        sensitive: bool | None,
        hint: tuple[C2J, str] | None,
        npm_target: str | None,
        owner: str,
    ) -> tuple[str, JSON]:
        """A string/number/blob/... target: the C2J shape when it agrees, else a plain one."""
        member_traits: JSON = {}
        if hint is not None:
            c2j, name = hint
            c2j_kind = c2j.kind(name)
            if c2j_kind == kind:
                constraints = c2j.constraint_traits(name)
                c2j_sensitive = bool(c2j.shapes[name].get("sensitive"))
                if sensitive is None:
                    sensitive = c2j_sensitive
                if c2j_sensitive == sensitive and (constraints or sensitive):
                    traits = dict(constraints)
                    if sensitive:
                        traits["smithy.api#sensitive"] = {}
                    shape_id = self.shape_id(name, self.simple_namespace(name, npm_target, owner))
                    self.add_shape(shape_id, self.simple_body(kind, traits))
                    return shape_id, {}
                member_traits = constraints  # keep the C2J constraints on the member
        if npm_target and "#" in npm_target:
            npm_shape = self.npm_shapes.get(npm_target, {})
            npm_sensitive = "sensitive" in npm_shape.get("traits", {})
            if sensitive is None:
                sensitive = npm_sensitive
            if npm_shape.get("kind") == "simple" and npm_sensitive == sensitive:
                name = npm_target.split("#")[1]
                traits = self.named_constraints(name, kind)
                if sensitive:
                    traits["smithy.api#sensitive"] = {}
                self.add_shape(npm_target, self.simple_body(kind, traits))
                return npm_target, member_traits
        if sensitive:
            name = "Sensitive" + kind[:1].upper() + kind[1:]
            shape_id = self.shape_id(name, self.spec.common_namespace)
            self.add_shape(shape_id, self.simple_body(kind, {"smithy.api#sensitive": {}}))
            return shape_id, member_traits
        return PRELUDE[kind], member_traits

    def named_constraints(self, name: str, kind: str) -> JSON:
        """Constraints a C2J file gives the shape of this name, when it is of this kind."""
        for c2j in self.c2js:
            if name in c2j.shapes and c2j.kind(name) == kind:
                return c2j.constraint_traits(name)
        return {}

    def simple_namespace(self, name: str, npm_target: str | None, owner: str) -> str:
        if npm_target and npm_target.endswith("#" + name):
            return npm_target.split("#")[0]
        return self.owned_namespace(name, owner)

    @staticmethod
    def simple_body(kind: str, traits: JSON) -> JSON:
        body: JSON = {"type": kind}
        if traits:
            body["traits"] = traits
        return body

    def resolve_list(
        self,
        ref: Ref,
        sensitive: bool | None,
        hint: tuple[C2J, str] | None,
        npm_target: str | None,
        owner: str,
        member: str,
    ) -> str:
        assert ref.element is not None
        element_hint: tuple[C2J, str] | None = None
        traits: JSON = {}
        name = ""
        if hint is not None and hint[0].kind(hint[1]) == "list":
            c2j, name = hint
            element_hint = (c2j, c2j.shapes[name]["member"]["shape"])
            traits = c2j.constraint_traits(name)
            if c2j.shapes[name].get("sensitive"):
                traits["smithy.api#sensitive"] = {}
        npm_list = self.npm_shapes.get(npm_target or "", {})
        npm_element = None
        if npm_list.get("kind") == "list":
            name = str(npm_target).split("#")[1]  # the newer source names it
            npm_element = npm_list["member"]["target"]
            if "sensitive" in npm_list.get("traits", {}):
                traits["smithy.api#sensitive"] = {}
        if not name:
            name = pascal(ref.name) if ref.name else self.fallback_name(ref)
        element_sensitive = self.inner_sensitivity(ref.element, sensitive, traits)
        element, element_traits = self.resolve(
            ref.element, element_sensitive, element_hint, npm_element, owner, member
        )
        body: JSON = {"type": "list", "member": {"target": element}}
        if element_traits:
            body["member"]["traits"] = element_traits
        if traits:
            body["traits"] = traits
        shape_id = self.shape_id(name, self.simple_namespace(name, npm_target, owner))
        self.add_shape(shape_id, body)
        return shape_id

    @staticmethod
    def inner_sensitivity(inner: Ref, outer: bool | None, traits: JSON) -> bool | None:
        """A list member's or map value's sensitivity: stated, or implied by the member's."""
        if inner.sensitive is not None:
            return inner.sensitive
        if outer is None:
            return None
        return outer and "smithy.api#sensitive" not in traits

    def resolve_map(
        self,
        ref: Ref,
        sensitive: bool | None,
        hint: tuple[C2J, str] | None,
        npm_target: str | None,
        owner: str,
        member: str,
    ) -> str:
        assert ref.element is not None and ref.key is not None
        traits: JSON = {}
        key_hint = value_hint = None
        name = ""
        if hint is not None and hint[0].kind(hint[1]) == "map":
            c2j, name = hint
            key_hint = (c2j, c2j.shapes[name]["key"]["shape"])
            value_hint = (c2j, c2j.shapes[name]["value"]["shape"])
            traits = c2j.constraint_traits(name)
            if c2j.shapes[name].get("sensitive"):
                traits["smithy.api#sensitive"] = {}
        npm_map = self.npm_shapes.get(npm_target or "", {})
        npm_value = None
        if npm_map.get("kind") == "map":
            name = str(npm_target).split("#")[1]  # the newer source names it
            npm_value = npm_map["value"]["target"]
            if "sensitive" in npm_map.get("traits", {}):
                traits["smithy.api#sensitive"] = {}
        if not name:
            name = pascal(ref.name) if ref.name else self.fallback_name(ref)
        value_sensitive = self.inner_sensitivity(ref.element, sensitive, traits)
        key, _ = self.resolve(ref.key, False, key_hint, None, owner, member)
        value, value_traits = self.resolve(
            ref.element, value_sensitive, value_hint, npm_value, owner, member
        )
        body: JSON = {"type": "map", "key": {"target": key}, "value": {"target": value}}
        if value_traits:
            body["value"]["traits"] = value_traits
        if traits:
            body["traits"] = traits
        shape_id = self.shape_id(name, self.simple_namespace(name, npm_target, owner))
        self.add_shape(shape_id, body)
        return shape_id

    def fallback_name(self, ref: Ref) -> str:
        """Name for a list/map no source names: after its element, as the sources do."""
        assert ref.element is not None
        element = ref.element.name if ref.element.kind == "named" else ref.element.kind
        element = self.names.get(element, element)
        return element[:1].upper() + element[1:] + ("List" if ref.kind == "list" else "Map")

    # -- shapes ---------------------------------------------------------------------------

    def emit_source_shapes(self) -> None:
        enums = {n for n, s in self.sources.items() if s.kind in ("enum", "intEnum")}
        for name, shape in self.sources.items():
            if name not in enums:
                self.shape_id(name, shape.namespace)
        # An enum no source places in a namespace joins the first structure that uses it.
        for name, shape in self.sources.items():
            for member in shape.members:
                for ref in walk(member.ref):
                    target = self.names.get(ref.name, ref.name)
                    if ref.kind == "named" and target in enums and target not in self.ids:
                        self.shape_id(target, self.owned_namespace(target, name))
        for name in enums:
            self.shape_id(name, self.sources[name].namespace)
        for shape in self.sources.values():
            self.emit(shape)

    def owned_namespace(self, name: str, owner: str) -> str:
        """Namespace of a shape only the C2J names: the sources' if any, else its owner's."""
        if name in self.spec.namespace_overrides or name in self.npm_ids:
            return self.spec.namespace_for(name, self.npm_ids.get(name))
        return str(self.shape_id(owner).split("#")[0])

    def emit(self, shape: SourceShape) -> None:
        shape_id = self.shape_id(shape.name)
        traits = dict(shape.traits)
        if shape.kind in ("enum", "intEnum"):
            traits.update(self.named_constraints(shape.name, "enum"))
            members: JSON = {
                member_name: {
                    "target": "smithy.api#Unit",
                    "traits": {"smithy.api#enumValue": value},
                }
                for member_name, value in shape.enum_values
            }
            body: JSON = {"type": shape.kind, "members": members}
        else:
            body = {"type": "union" if shape.kind == "union" else "structure", "members": {}}
            for member in shape.members:
                body["members"][member.name] = self.emit_member(shape, member)
        if traits:
            body["traits"] = traits
        self.add_shape(shape_id, body)

    def emit_member(self, shape: SourceShape, member: Member) -> JSON:
        target, traits = self.target(shape.name, member)
        traits = {**traits, **member.traits}
        if member.required:
            traits["smithy.api#required"] = {}
        if member.default is not None:
            traits["smithy.api#default"] = member.default
        hint = self.c2j_member(shape.name, member.name)
        if hint is not None:
            c2j, _ = hint
            raw = c2j.member(shape.name, member.name) or {}
            if raw.get("idempotencyToken"):
                traits["smithy.api#idempotencyToken"] = {}
        out: JSON = {"target": target}
        if traits:
            out["traits"] = dict(sorted(traits.items()))
        return out

    def model(self, service: JSON, operations: dict[str, JSON]) -> JSON:
        shapes = dict(self.shapes)
        shapes.update(operations)
        shapes[self.spec.service_id] = service
        return {"smithy": "2.0", "shapes": dict(sorted(shapes.items()))}


# --------------------------------------------------------------------------- shared pieces


def error_traits(name: str, c2j_shape: JSON | None) -> JSON:
    """@error / @httpError / @retryable for a modeled error."""
    fault = tables.ERROR_FAULTS.get(name)
    if c2j_shape is not None and fault is None:
        fault = "server" if c2j_shape.get("fault") else "client"
    traits: JSON = {"smithy.api#error": fault or "client"}
    if name in tables.HTTP_ERROR_CODES:
        traits["smithy.api#httpError"] = tables.HTTP_ERROR_CODES[name]
    retryable = (c2j_shape or {}).get("retryable")
    if retryable is not None:
        traits["smithy.api#retryable"] = {"throttling": True} if retryable["throttling"] else {}
    elif name in tables.RETRYABLE:
        traits["smithy.api#retryable"] = tables.RETRYABLE[name]
    return traits


def endpoint_rule_set(spec: tables.ServiceSpec) -> JSON:
    """A rules-engine 1.0 rule set: an explicit Endpoint wins, else the service's URL."""
    parameters: JSON = {
        "Region": {
            "builtIn": "AWS::Region",
            "type": "String",
            "required": True,
            "default": "us-east-1",
            "documentation": "The AWS region the client talks to.",
        },
        "UseFIPS": {
            "builtIn": "AWS::UseFIPS",
            "type": "Boolean",
            "required": True,
            "default": False,
            "documentation": "Use a FIPS endpoint; none is published for this service.",
        },
        "UseDualStack": {
            "builtIn": "AWS::UseDualStack",
            "type": "Boolean",
            "required": True,
            "default": False,
            "documentation": "Use a dual-stack endpoint; none is published for this service.",
        },
        "Endpoint": {
            "builtIn": "SDK::Endpoint",
            "type": "String",
            "required": False,
            "documentation": "An endpoint URL that replaces the resolved one.",
        },
    }
    properties: JSON = {}
    if spec.sigv4_name:
        region = "{Region}" if "{Region}" in spec.endpoint_url else spec.fixed_region
        properties["authSchemes"] = [
            {"name": "sigv4", "signingName": spec.sigv4_name, "signingRegion": region}
        ]

    def endpoint(url: str) -> JSON:
        body: JSON = {"url": url}
        if properties:
            body["properties"] = properties
        return body

    def flag(param: str) -> JSON:
        return {"fn": "booleanEquals", "argv": [{"ref": param}, True]}

    rules: list[JSON] = [
        {
            "type": "endpoint",
            "conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
            "endpoint": endpoint("{Endpoint}"),
        },
        {
            "type": "error",
            "conditions": [flag("UseFIPS")],
            "error": "FIPS endpoints are not published for this service",
        },
        {
            "type": "error",
            "conditions": [flag("UseDualStack")],
            "error": "Dual-stack endpoints are not published for this service",
        },
    ]
    rules.append({"type": "endpoint", "conditions": [], "endpoint": endpoint(spec.endpoint_url)})
    return {"version": "1.0", "parameters": parameters, "rules": rules}


def service_shape(spec: tables.ServiceSpec, operation_ids: list[str]) -> JSON:
    traits: JSON = {
        "aws.api#service": {"sdkId": spec.sdk_id, "endpointPrefix": spec.endpoint_prefix},
        "smithy.rules#endpointRuleSet": endpoint_rule_set(spec),
        "smithy.api#documentation": spec.documentation,
    }
    for protocol in spec.protocols:
        traits[protocol] = {}
    if spec.sigv4_name:
        traits["aws.auth#sigv4"] = {"name": spec.sigv4_name}
        traits["smithy.api#auth"] = ["aws.auth#sigv4"]
    else:
        traits["smithy.api#httpBearerAuth"] = {}
        traits["smithy.api#auth"] = ["smithy.api#httpBearerAuth"]
    if spec.title:
        traits["smithy.api#title"] = spec.title
    traits.update(spec.customizations)
    return {
        "type": "service",
        "version": spec.version,
        "operations": [{"target": op} for op in sorted(operation_ids)],
        "traits": dict(sorted(traits.items())),
    }


def load_json(path: Path) -> JSON:
    data: JSON = json.loads(path.read_text())
    return data

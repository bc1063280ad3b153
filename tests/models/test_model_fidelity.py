"""Each model matches the newest machine-readable source of its API, member by member.

Sources: the smithy-rs extracts (``*.prod.json``) and, for codewhisperer-streaming, the npm
1.0.45 schema.  Every structure, union, error and operation input/output must have the same
members, with the same wire names, target kinds, required-ness and redaction (@sensitive);
enums the same values.  A
difference passes only when ``ALLOWED`` lists it with its reason; any other difference fails,
and so does a listed difference that no longer occurs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.models.ast_index import SERVICES, Model, name
from tests.models.sources import (
    UNIT,
    npm_schema,
    rust_extract,
    rust_member_name,
    rust_type,
    smithy_names,
)

Difference = tuple[str, str, str]  # (shape, member or "", what differs)

# (service, shape, member, aspect) -> why the model differs from its newest source.
_TELEMETRY_C2J = "toolkit-telemetry follows the newest C2J (aws-toolkit-vscode 2025-07-31)"
_PRODUCTS_C2J = _TELEMETRY_C2J + "; the Rust crate carries another AWSProduct value set"
ALLOWED: dict[tuple[str, str, str, str], str] = {
    # IntentMap's values (IntentData) are @sensitive in the C2J and the npm schema; the
    # smithy-rs extract does not flag redaction two levels down.
    ("qdeveloper-streaming", "IntentsEvent", "intents", "sensitive"): "nested @sensitive",
    # codewhisperer: the smithy-rs extract lists TerminalUserInteractionEventType with no value
    # at all; a Smithy enum needs one, so the model keeps the values of the C2J files.
    (
        "codewhisperer",
        "TerminalUserInteractionEventType",
        "CODEWHISPERER_TERMINAL_COMPLETION_INSERTED",
        "enum value extra",
    ): "C2J values",
    (
        "codewhisperer",
        "TerminalUserInteractionEventType",
        "CODEWHISPERER_TERMINAL_TRANSLATION_ACTION",
        "enum value extra",
    ): "C2J values",
    # toolkit-telemetry: REPORT.md names the vscode C2J the newest source; the Rust crate
    # reflects an older, different variant of the model.
    ("toolkit-telemetry", "AWSProduct", "AWS Cloud9", "enum value missing"): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit For Eclipse",
        "enum value extra",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit For VS Code",
        "enum value extra",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit For VisualStudio",
        "enum value extra",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit for Eclipse",
        "enum value missing",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit for VS Code",
        "enum value missing",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "AWS Toolkit for VisualStudio",
        "enum value missing",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "Amazon Q For JetBrains",
        "enum value extra",
    ): _PRODUCTS_C2J,
    ("toolkit-telemetry", "AWSProduct", "Amazon Q For VS Code", "enum value extra"): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "CodeWhisperer for Terminal",
        "enum value missing",
    ): _PRODUCTS_C2J,
    (
        "toolkit-telemetry",
        "AWSProduct",
        "CodeWhisperer ror JupyterLab",
        "enum value missing",
    ): _PRODUCTS_C2J,
    ("toolkit-telemetry", "PostFeedbackRequest", "ComputeEnv", "extra"): _TELEMETRY_C2J,
    ("toolkit-telemetry", "PostMetricsRequest", "ComputeEnv", "extra"): _TELEMETRY_C2J,
    ("toolkit-telemetry", "ComputeEnv", "", "shape not in source"): _TELEMETRY_C2J,
    ("toolkit-telemetry", "PostMetricsRequest", "CredentialStartUrl", "extra"): _TELEMETRY_C2J,
    ("toolkit-telemetry", "PostMetricsRequest", "SessionID", "extra"): _TELEMETRY_C2J,
    # The C2J requires MetricData (min 1, max 20); the Rust crate leaves it optional.
    ("toolkit-telemetry", "PostMetricsRequest", "MetricData", "required"): _TELEMETRY_C2J,
    # OSArchitecture: the Rust crate and the 2024-04 C2J files have it; the 2025-07 C2J dropped it.
    ("toolkit-telemetry", "PostMetricsRequest", "OSArchitecture", "missing"): _TELEMETRY_C2J,
}

NUMERIC = {"integer", "long", "float", "double"}


def model_kind(model: Model, target: str) -> str:
    kind = model.kind(target)
    if kind == "union" and "smithy.api#streaming" in model.traits(target):
        return "stream"
    return kind


def compare_members(
    shape: str,
    model_members: dict[str, Any],
    source: dict[str, tuple[bool, str, str | None]],
    model: Model,
) -> list[Difference]:
    """source: member -> (required, kind, named target or None)."""
    found: list[Difference] = []
    for member in sorted(set(source) - set(model_members)):
        found.append((shape, member, "missing"))
    for member in sorted(set(model_members) - set(source)):
        found.append((shape, member, "extra"))
    for member in sorted(set(source) & set(model_members)):
        required, kind, target_name = source[member]
        modeled = model_members[member]
        traits = modeled.get("traits", {})
        if ("smithy.api#required" in traits) != required:
            found.append((shape, member, "required"))
        actual = model_kind(model, modeled["target"])
        if kind == "number" and actual in NUMERIC:
            continue
        if kind == "string" and actual == "enum":
            continue  # the npm schema writes enum targets as plain strings
        if actual != kind:
            found.append((shape, member, f"kind {kind}->{actual}"))
        elif target_name is not None and name(modeled["target"]) != target_name:
            found.append((shape, member, f"target {target_name}->{name(modeled['target'])}"))
    return found


def redacted(model: Model, shape_id: str, member: str) -> bool:
    """Whether a client must hide the member: its target, values or container are @sensitive."""
    target = model.members(shape_id)[member]["target"]
    if "smithy.api#sensitive" in model.traits(shape_id):
        return True
    return sensitive_target(model, target)


def sensitive_target(model: Model, target: str) -> bool:
    """A @sensitive shape, or a list/map of sensitive values."""
    if "smithy.api#sensitive" in model.traits(target):
        return True
    shape = model.shapes.get(target, {})
    inner = shape.get("member", shape.get("value"))
    return inner is not None and sensitive_target(model, inner["target"])


def compare_redaction(shape_id: str, members: list[Any], model: Model) -> list[Difference]:
    """smithy-rs redacts a field in Debug when the field or its container is @sensitive."""
    found: list[Difference] = []
    modeled = model.members(shape_id)
    for member in members:
        member_name = rust_member_name(member)
        if member_name in modeled and (
            redacted(model, shape_id, member_name) != member["sensitive"]
        ):
            found.append((name(shape_id), member_name, "sensitive"))
    return found


def rust_differences(service: str, model: Model) -> list[Difference]:
    extract = rust_extract(service)
    names = smithy_names(service, model)
    by_name = model.by_name()
    found: list[Difference] = []
    for rust, raw in extract["shapes"].items():
        shape = names[rust]
        if shape == UNIT:
            if raw["members"]:
                found.append((rust, "", "output with members modeled as Unit"))
            continue
        if shape not in by_name:
            found.append((shape, "", "shape missing"))
            continue
        shape_id = by_name[shape]
        if raw["kind"] == "enum":
            values = {m["traits"]["smithy.api#enumValue"] for m in model.members(shape_id).values()}
            for value in sorted(set(raw["values"]) ^ values):
                found.append(
                    (
                        shape,
                        value,
                        "enum value " + ("missing" if value in raw["values"] else "extra"),
                    )
                )
            continue
        source: dict[str, tuple[bool, str, str | None]] = {}
        for member in raw["members"]:
            _optional, kind, named = rust_type(member["type"])
            target = None
            if named is not None:
                target = names.get(named, named)
                kind = extract["shapes"].get(named, {}).get("kind", "missing")
                kind = "structure" if kind in ("error", "input", "output") else kind
                if named in extract["event_streams"]:
                    kind = "stream"
            required = bool(member.get("required", False)) and raw["kind"] != "union"
            source[rust_member_name(member)] = (required, kind, target)
        if rust in extract["event_streams"]:
            for member_name, error in extract["event_streams"][rust]["errors"]:
                source[member_name] = (False, "structure", names.get(error, error))
        found += compare_members(shape, model.members(shape_id), source, model)
        found += compare_redaction(shape_id, raw["members"], model)
    sourced = set(names.values())
    for shape_id, shape in model.shapes.items():
        if shape["type"] in ("structure", "union", "enum") and name(shape_id) not in sourced:
            found.append((name(shape_id), "", "shape not in source"))
    return found


def npm_kind(target: str, npm: dict[str, Any]) -> tuple[str, str | None]:
    if target in ("string", "boolean", "blob", "document", "timestamp", "number"):
        return target, None
    if target.startswith("list<"):
        return "list", None
    shape = npm["shapes"][target]
    if shape["kind"] == "simple":
        return npm_kind(shape["target"], npm)[0], None
    kind = {"error": "structure"}.get(shape["kind"], shape["kind"])
    if "streaming" in shape["traits"]:
        kind = "stream"
    return kind, name(target)


def npm_differences(model: Model) -> list[Difference]:
    npm = npm_schema()
    found: list[Difference] = []
    sourced: set[str] = set()
    for shape_id, raw in npm["shapes"].items():
        if shape_id.startswith("smithy.ts.sdk.synthetic") or raw["kind"] not in (
            "structure",
            "union",
            "error",
        ):
            continue
        sourced.add(shape_id)
        if shape_id not in model.shapes:
            found.append((name(shape_id), "", "shape missing"))
            continue
        source = {}
        for m in raw["members"]:
            kind, target = npm_kind(m["target"], npm)
            source[m["name"]] = (bool(m["required"]) and raw["kind"] != "union", kind, target)
        found += compare_members(name(shape_id), model.members(shape_id), source, model)
        if "sensitive" in raw["traits"] and "smithy.api#sensitive" not in model.traits(shape_id):
            found.append((name(shape_id), "", "sensitive"))
        for m in raw["members"]:
            modeled = model.members(shape_id).get(m["name"])
            if modeled is None:
                continue
            npm_target = npm["shapes"].get(m["target"], {"traits": {}})
            npm_sensitive = "sensitive" in npm_target["traits"]
            if npm_sensitive != ("smithy.api#sensitive" in model.traits(modeled["target"])):
                found.append((name(shape_id), m["name"], "sensitive"))
    for enum, values in npm["enums"].items():
        by_name = model.by_name()
        if enum not in by_name:
            found.append((enum, "", "enum missing"))
            continue
        modeled = {
            m: t["traits"]["smithy.api#enumValue"] for m, t in model.members(by_name[enum]).items()
        }
        if modeled != values:
            found.append((enum, "", "enum members differ"))
    for shape_id, shape in model.shapes.items():
        if shape["type"] in ("structure", "union") and shape_id not in sourced:
            found.append((name(shape_id), "", "shape not in source"))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_model_matches_its_newest_source(service: str) -> None:
    model = Model.load(service)
    if service == "codewhisperer-streaming":
        found = npm_differences(model)
    else:
        found = rust_differences(service, model)
    unexplained = [d for d in found if (service, *d) not in ALLOWED]
    stale = [key for key in ALLOWED if key[0] == service and key[1:] not in set(found)]
    assert unexplained == [], f"{len(unexplained)} unexplained differences"
    assert stale == [], "ALLOWED lists differences that no longer occur"

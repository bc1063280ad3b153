"""Each model file is a sound Smithy 2.0 JSON AST on its own (a light check before the loader)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest

from tests.models.ast_index import PRELUDE, SERVICES, Model, name, references

SERVICE_FACTS = {
    # model: (service shape name, sdkId, version, protocols, auth trait, sigv4 signing name)
    "codewhisperer": (
        "AmazonCodeWhispererService",
        "CodeWhispererRuntime",
        "2022-11-11",
        {"aws.protocols#awsJson1_0", "aws.protocols#restJson1"},
        "smithy.api#httpBearerAuth",
        None,
    ),
    "codewhisperer-streaming": (
        "AmazonCodeWhispererStreamingService",
        "CodeWhispererStreaming",
        "2023-11-27",
        {"aws.protocols#awsJson1_0", "aws.protocols#restJson1"},
        "smithy.api#httpBearerAuth",
        None,
    ),
    "consolas": (
        "AWSCodeWhispererService",
        "CodeWhisperer",
        "2024-10-25",
        {"aws.protocols#awsJson1_0", "aws.protocols#restJson1"},
        "aws.auth#sigv4",
        "codewhisperer",
    ),
    "qdeveloper-streaming": (
        "AmazonQDeveloperStreamingService",
        "QDeveloperStreaming",
        "2024-06-11",
        {"aws.protocols#awsJson1_0"},
        "aws.auth#sigv4",
        "q",
    ),
    "toolkit-telemetry": (
        "ToolkitTelemetry",
        "ToolkitTelemetry",
        "2017-07-25",
        {"aws.protocols#restJson1"},
        "aws.auth#sigv4",
        "execute-api",
    ),
}
SIMPLE = {
    "string",
    "blob",
    "boolean",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
}


@pytest.fixture(params=SERVICES)
def model(request: pytest.FixtureRequest) -> Model:
    return Model.load(request.param)


def test_file_is_smithy_2_with_one_service(model: Model) -> None:
    assert model.version == "2.0"
    for shape_id in model.shapes:
        assert re.fullmatch(r"[A-Za-z_][\w.]*#[A-Za-z_]\w*", shape_id), shape_id
    model.service()


def test_every_reference_resolves_in_the_file_or_the_prelude(model: Model) -> None:
    dangling = [
        (shape_id, ref)
        for shape_id, shape in model.shapes.items()
        for ref in references(shape)
        if ref not in model.shapes and ref not in PRELUDE
    ]
    assert dangling == []


def test_service_closure_covers_every_shape(model: Model) -> None:
    service_id, _ = model.service()
    seen = {service_id}
    todo = [service_id]
    while todo:
        for ref in references(model.shapes[todo.pop()]):
            if ref in model.shapes and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    assert sorted(set(model.shapes) - seen) == []


def test_shape_names_do_not_conflict_in_the_closure(model: Model) -> None:
    """Smithy allows two shapes of one name only when both are identical simple shapes."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for shape_id in model.shapes:
        by_name[name(shape_id).lower()].append(shape_id)
    for ids in by_name.values():
        bodies = [model.shapes[i] for i in ids]
        if len(ids) > 1:
            assert all(b["type"] in SIMPLE for b in bodies), ids
            assert all(b == bodies[0] for b in bodies), ids


def test_operations_have_structure_input_output_and_error_shapes(model: Model) -> None:
    for op_id, op in model.operations().items():
        for part in ("input", "output"):
            target = op[part]["target"]
            assert target == "smithy.api#Unit" or model.kind(target) == "structure", (op_id, part)
        for error in op.get("errors", []):
            traits = model.traits(error["target"])
            assert traits.get("smithy.api#error") in ("client", "server"), error
            if "smithy.api#httpError" in traits:
                assert 400 <= traits["smithy.api#httpError"] <= 599


def test_throttling_errors_are_retryable_as_throttling(model: Model) -> None:
    for shape_id in model.shapes:
        if name(shape_id) == "ThrottlingException":
            assert model.traits(shape_id)["smithy.api#retryable"] == {"throttling": True}


def test_member_traits_fit_their_targets(model: Model) -> None:
    for shape_id, shape in model.shapes.items():
        for member_name, member in shape.get("members", {}).items():
            where = f"{shape_id}${member_name}"
            traits: dict[str, Any] = member.get("traits", {})
            kind = model.kind(member["target"])
            assert "smithy.api#sensitive" not in traits, f"{where}: Smithy 2.0 forbids it"
            if shape["type"] in ("enum", "intEnum"):
                assert member["target"] == "smithy.api#Unit", where
                assert "smithy.api#enumValue" in traits, where
                continue
            if "smithy.api#default" in traits:
                default = traits["smithy.api#default"]
                expected = bool if kind == "boolean" else (int, float)
                assert isinstance(default, expected), where
            if "smithy.api#idempotencyToken" in traits:
                assert kind == "string", where
            if "smithy.api#timestampFormat" in traits:
                assert kind == "timestamp", where
            if shape["type"] == "union":
                assert "smithy.api#required" not in traits, where


def test_enum_values_are_unique(model: Model) -> None:
    for shape_id, shape in model.shapes.items():
        if shape["type"] in ("enum", "intEnum"):
            values = [m["traits"]["smithy.api#enumValue"] for m in shape["members"].values()]
            assert len(values) == len(set(values)), shape_id
            assert values, shape_id


def test_event_streams_are_output_payloads_of_structures_and_errors(model: Model) -> None:
    streams = {i for i in model.shapes if "smithy.api#streaming" in model.traits(i)}
    for stream in streams:
        assert model.kind(stream) == "union", stream
        for member_name, member in model.members(stream).items():
            assert model.kind(member["target"]) == "structure", (stream, member_name)
    outputs = {op["output"]["target"] for op in model.operations().values()}
    for shape_id, shape in model.shapes.items():
        for member in shape.get("members", {}).values():
            if member["target"] in streams:
                assert shape_id in outputs, f"{shape_id} is not an operation output"


def test_service_shape_carries_identity_protocols_auth_and_rules(model: Model) -> None:
    service_name, sdk_id, version, protocols, auth, signing_name = SERVICE_FACTS[model.path.stem]
    service_id, service = model.service()
    traits = service["traits"]
    assert name(service_id) == service_name
    assert service["version"] == version
    assert traits["aws.api#service"]["sdkId"] == sdk_id
    assert {t for t in traits if t.startswith("aws.protocols#")} == protocols
    assert traits["smithy.api#auth"] == [auth]
    assert auth in traits
    if signing_name is not None:
        assert traits["aws.auth#sigv4"] == {"name": signing_name}
    assert sorted(op["target"] for op in service["operations"]) == sorted(model.operations())
    rules = traits["smithy.rules#endpointRuleSet"]
    assert rules["version"] == "1.0"
    assert rules["parameters"]["Region"]["builtIn"] == "AWS::Region"
    assert rules["parameters"]["Endpoint"]["builtIn"] == "SDK::Endpoint"


def test_rest_json_bindings_are_complete(model: Model) -> None:
    _, service = model.service()
    if "aws.protocols#restJson1" not in service["traits"]:
        return
    for op_id, op in model.operations().items():
        http = model.traits(op_id).get("smithy.api#http")
        assert http is not None, f"{op_id} lacks @http"
        labels = {label.rstrip("+") for label in re.findall(r"\{([^}]+)\}", http["uri"])}
        members = model.members(op["input"]["target"])
        bound = {n for n, m in members.items() if "smithy.api#httpLabel" in m.get("traits", {})}
        assert bound == labels, op_id
        for label in labels:
            assert "smithy.api#required" in members[label]["traits"], (op_id, label)
        if http["method"] == "GET":
            body = [
                n
                for n, m in members.items()
                if not {"smithy.api#httpLabel", "smithy.api#httpQuery", "smithy.api#httpHeader"}
                & set(m.get("traits", {}))
            ]
            assert body == [], f"{op_id} is a GET with body members {body}"


def test_paginated_operations_name_real_members(model: Model) -> None:
    for op_id, op in model.operations().items():
        paginated = model.traits(op_id).get("smithy.api#paginated")
        if paginated is None:
            continue
        inputs = model.members(op["input"]["target"])
        outputs = model.members(op["output"]["target"])
        assert paginated["inputToken"] in inputs, op_id
        assert paginated["outputToken"] in outputs, op_id
        if "items" in paginated:
            assert paginated["items"] in outputs, op_id
        if "pageSize" in paginated:
            assert model.kind(inputs[paginated["pageSize"]]["target"]) == "integer", op_id


def test_input_and_output_shapes_serve_only_their_operation(model: Model) -> None:
    uses: dict[str, int] = defaultdict(int)
    for shape in model.shapes.values():
        for ref in references(shape):
            uses[ref] += 1
    for op_id, op in model.operations().items():
        for part in ("input", "output"):
            target = op[part]["target"]
            if target == "smithy.api#Unit":
                continue
            if f"smithy.api#{part}" in model.traits(target):
                assert uses[target] == 1, f"{target} is used beyond {op_id}"
    for shape_id in model.shapes:
        traits = model.traits(shape_id)
        if "smithy.api#input" in traits or "smithy.api#output" in traits:
            assert any(
                shape_id in (op["input"]["target"], op["output"]["target"])
                for op in model.operations().values()
            ), shape_id

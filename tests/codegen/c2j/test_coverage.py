"""The comparison behind tests/models/test_c2j_coverage.py, on models we control."""

from __future__ import annotations

import copy
from typing import Any

from syrupy.assertion import SnapshotAssertion

from qsmith.codegen.c2j import load_c2j
from qsmith.codegen.c2j.coverage import Exemption, Finding, apply_exemptions, compare
from tests.codegen.c2j.inputs import c2j, convert
from tests.codegen.c2j.public_files import PUBLIC_C2J
from tests.support.shared import shared_path

SHAPES: dict[str, Any] = {
    "Name": {"type": "string", "min": 1, "max": 10},
    "Kind": {"type": "string", "enum": ["A", "B"]},
    "Kinds": {"type": "list", "member": {"shape": "Kind"}, "max": 3},
    "Free": {"type": "string"},
    "Busy": {
        "type": "structure",
        "members": {"message": {"shape": "Free"}},
        "exception": True,
        "retryable": {"throttling": True},
    },
    "In": {
        "type": "structure",
        "members": {
            "name": {"shape": "Name"},
            "kinds": {"shape": "Kinds"},
            "kind": {"shape": "Kind"},
            "note": {"shape": "Free"},
        },
    },
}
OPERATIONS = {"Run": {"input": {"shape": "In"}, "errors": [{"shape": "Busy"}]}}
NS = "com.amazonaws.exampleservice#"


def source_model() -> dict[str, Any]:
    return convert(c2j(SHAPES, OPERATIONS)).model


def test_identical_models_and_other_namespaces_have_no_findings() -> None:
    model = source_model()
    assert compare(model, model) == []
    renamed = convert(c2j(SHAPES, OPERATIONS), namespace="com.amazon.aws.example").model
    assert compare(model, renamed) == []


def test_constraint_moved_to_the_member_or_target_renamed_is_still_found() -> None:
    ours = source_model()
    shapes = ours["shapes"]
    shapes[f"{NS}In"]["members"]["name"] = {
        "target": "smithy.api#String",
        "traits": {"smithy.api#length": {"min": 1, "max": 10}},
    }
    shapes[f"{NS}KindList"] = shapes.pop(f"{NS}Kinds")
    shapes[f"{NS}In"]["members"]["kinds"]["target"] = f"{NS}KindList"
    assert compare(source_model(), ours) == []


def test_missing_enum_value_changed_constraint_dropped_member_and_errors() -> None:
    ours = source_model()
    shapes = ours["shapes"]
    del shapes[f"{NS}Kind"]["members"]["B"]
    shapes[f"{NS}Kinds"]["traits"]["smithy.api#length"] = {"max": 5}
    del shapes[f"{NS}In"]["members"]["name"]
    del shapes[f"{NS}In"]["members"]["note"]  # carries nothing: not a finding
    del shapes[f"{NS}Run"]["errors"]
    shapes[f"{NS}Busy"]["traits"]["smithy.api#retryable"] = {}
    assert compare(source_model(), ours) == [
        Finding("Busy", "@retryable", "C2J has {'throttling': True}, ours {}"),
        Finding("In", "kinds", "@length is {'max': 3} in the C2J, ours has {'max': 5}"),
        Finding("In", "name", "member with constraints or enums is missing"),
        Finding("Kind", "B", "enum value missing (first seen at In$kind)"),
        Finding("Run", "Busy", "error is not among our operation's errors"),
    ]


def test_missing_shapes_are_one_finding_each() -> None:
    ours = source_model()
    for name in ("In", "Busy", "Run"):
        del ours["shapes"][NS + name]
    assert compare(source_model(), ours) == [
        Finding("Busy", "*", "error shape is missing"),
        Finding("In", "*", "structure with constraints or enums is missing"),
        Finding("Run", "*", "operation is missing"),
    ]


def test_exemptions_explain_findings_and_stale_ones_are_reported() -> None:
    findings = [Finding("In", "name", "gone"), Finding("Kind", "B", "gone")]
    exemptions = [
        Exemption("In", "name", "dropped by the newer source"),
        Exemption("Kind", "C", "renamed upstream"),
    ]
    unexplained, unused = apply_exemptions(findings, exemptions)
    assert unexplained == [Finding("Kind", "B", "gone")]
    assert unused == [Exemption("Kind", "C", "renamed upstream")]


def test_older_codewhisperer_c2j_against_the_newest(snapshot: SnapshotAssertion) -> None:
    """What the 2025-05 JetBrains C2J carries that the 2025-09 language-servers C2J does not."""
    newest, older = (load_c2j(shared_path("upstream", PUBLIC_C2J[i].path)).model for i in (0, 2))
    findings = compare(older, newest)
    history = "@length is {'min': 0, 'max': 100} in the C2J, ours has {'min': 0, 'max': 250}"
    assert Finding("ConversationState", "history", history) in findings
    assert [str(f) for f in findings] == snapshot


def test_coverage_is_not_vacuous_on_public_files() -> None:
    """Dropping every enum shape from a converted public file is caught, value by value."""
    model = load_c2j(shared_path("upstream", PUBLIC_C2J[0].path)).model
    stripped = copy.deepcopy(model)
    enums = [k for k, v in stripped["shapes"].items() if v["type"] == "enum"]
    for shape_id in enums:
        stripped["shapes"][shape_id] = {"type": "string"}
    missing_values = {
        (f.shape, f.item) for f in compare(model, stripped) if "enum value" in f.detail
    }
    reachable = {
        (k.partition("#")[2], m["traits"]["smithy.api#enumValue"])
        for k in enums
        for m in model["shapes"][k]["members"].values()
    }
    assert missing_values
    assert missing_values <= reachable


def test_a_missing_enum_value_reached_from_two_structures_is_one_finding() -> None:
    shapes = {**SHAPES, "Other": {"type": "structure", "members": {"k": {"shape": "Kind"}}}}
    theirs = convert(c2j(shapes, OPERATIONS)).model
    ours = copy.deepcopy(theirs)
    del ours["shapes"][f"{NS}Kind"]["members"]["A"]
    assert compare(theirs, ours) == [
        Finding("Kind", "A", "enum value missing (first seen at In$kind)")
    ]

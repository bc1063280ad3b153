"""The IDL loader against the official serializer: Smithy's own test models, both forms.

Each suite's IDL (plus the trait definition files) and its JSON AST are loaded through
``load_model`` and compared shape by shape (``Shape.to_ast()``), trait by trait. The
protocol suites are also converted (``merge_documents``) and compared with the JSON AST
file itself, as raw data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qsmith.codegen.idl import idl_documents
from qsmith.codegen.idl.merge import merge_documents
from qsmith.codegen.model import load_model
from tests.codegen.idl.compare import compare_models
from tests.support.shared import shared_path

PROTOCOLS = ("restJson1", "awsJson1_0", "awsJson1_1")
ENDPOINT_SUITES = (
    "smithy-rules-engine-tests",
    "smithy-aws-endpoints-tests",
    "smithy-rules-engine-valid",
)

# Cases whose IDL model is known not to equal the official JSON AST: suite id -> reason.
# Each runs as a strict xfail, so it is reported, and fixing it fails until removed here.
# Empty: every suite currently matches shape by shape.
KNOWN_FAILURES: dict[str, str] = {}


def _params(ids: list[str]) -> list[object]:
    return [
        (
            pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[i]))
            if i in KNOWN_FAILURES
            else i
        )
        for i in ids
    ]


def _trait_files() -> list[Path]:
    folder = shared_path("vectors", "smithy-protocol-tests", "traits")
    # The prelude is built into the loader (as into Smithy), never loaded as a file.
    return [p for p in sorted(folder.glob("*.smithy")) if p.name != "prelude.smithy"]


def _protocol_files(protocol: str) -> list[Path]:
    model = shared_path("vectors", "smithy-protocol-tests", "model")
    own = sorted(shared_path(str(model), protocol).rglob("*.smithy"))
    return [*_trait_files(), model / "shared-types.smithy", model / "aws-config.smithy", *own]


@pytest.mark.parametrize("protocol", _params(list(PROTOCOLS)))
def test_protocol_suite_equals_json_ast(protocol: str) -> None:
    ast_path = shared_path("vectors", "smithy-protocol-tests", "json-ast", f"{protocol}.json")
    files = _protocol_files(protocol)
    assert len(files) > 20
    idl_model = load_model(files)
    ast_model = load_model(ast_path)
    comparison = compare_models(idl_model, ast_model)
    print(f"{protocol}: {comparison.report()}")
    assert comparison.report() == f"{comparison.equal} equal, 0 differing"
    assert comparison.equal > 300
    assert idl_model.metadata == ast_model.metadata


@pytest.mark.parametrize("protocol", _params([f"raw:{p}" for p in PROTOCOLS]))
def test_protocol_suite_converts_to_the_json_ast_file(protocol: str) -> None:
    name = protocol.partition(":")[2]
    documents = idl_documents(_protocol_files(name))
    converted = merge_documents(documents, load_model(documents))
    ast_path = shared_path("vectors", "smithy-protocol-tests", "json-ast", f"{name}.json")
    official = json.loads(ast_path.read_text(encoding="utf-8"))
    differing = sorted(
        shape_id
        for shape_id in set(converted["shapes"]) | set(official["shapes"])
        if converted["shapes"].get(shape_id) != official["shapes"].get(shape_id)
    )
    assert differing == []
    assert {k: v for k, v in converted.items() if k != "shapes"} == {
        k: v for k, v in official.items() if k != "shapes"
    }
    assert official["smithy"] == "2.0"


def _endpoint_cases() -> list[str]:
    root = shared_path("vectors", "endpoints")
    cases = []
    for suite in ENDPOINT_SUITES:
        for idl in sorted((root / suite / "idl").glob("*.smithy")):
            if (root / suite / "json-ast" / f"{idl.stem}.json").exists():
                cases.append(f"{suite}/{idl.stem}")
    return cases


def test_every_endpoint_suite_ships_both_forms() -> None:
    cases = _endpoint_cases()
    assert len(cases) == 40
    root = shared_path("vectors", "endpoints")
    for suite in ENDPOINT_SUITES:
        assert len(list((root / suite / "idl").glob("*.smithy"))) == len(
            [c for c in cases if c.startswith(suite + "/")]
        )


@pytest.mark.parametrize("case", _params(_endpoint_cases()))
def test_endpoint_suite_equals_json_ast(case: str) -> None:
    suite, _, stem = case.partition("/")
    root = shared_path("vectors", "endpoints", suite)
    idl_model = load_model([*_trait_files(), root / "idl" / f"{stem}.smithy"])
    ast_model = load_model(root / "json-ast" / f"{stem}.json")
    # The JSON AST was produced with only the trait files its model uses.
    comparison = compare_models(idl_model, ast_model, ignore_extra_namespaces=True)
    assert comparison.report() == f"{comparison.equal} equal, 0 differing"
    assert comparison.equal > 100
    assert idl_model.metadata == ast_model.metadata


@pytest.mark.parametrize("case", _params([f"raw:{c}" for c in _endpoint_cases()]))
def test_endpoint_suite_converts_to_the_json_ast_file(case: str) -> None:
    suite, _, stem = case.partition(":")[2].partition("/")
    root = shared_path("vectors", "endpoints", suite)
    documents = idl_documents([*_trait_files(), root / "idl" / f"{stem}.smithy"])
    converted = merge_documents(documents, load_model(documents))
    official = json.loads((root / "json-ast" / f"{stem}.json").read_text(encoding="utf-8"))
    namespaces = {shape_id.partition("#")[0] for shape_id in official["shapes"]}
    shapes = {
        shape_id: shape
        for shape_id, shape in converted["shapes"].items()
        if shape_id.partition("#")[0] in namespaces
    }
    assert (
        sorted(
            i
            for i in set(shapes) | set(official["shapes"])
            if shapes.get(i) != official["shapes"].get(i)
        )
        == []
    )
    assert {k: v for k, v in converted.items() if k != "shapes"} == {
        k: v for k, v in official.items() if k != "shapes"
    }


def test_the_smithy_prelude_file_parses_and_matches_the_built_in_prelude() -> None:
    prelude = shared_path("vectors", "smithy-protocol-tests", "traits", "prelude.smithy")
    ((_, document),) = idl_documents([prelude])
    shapes = document["shapes"]
    built_in = {shape_id: shape for shape_id, shape in load_model([]).items()}
    assert len(shapes) > 100
    # The built-in prelude keeps trait shapes minimal: enum traits are strings there.
    same_kind = {"enum": "string", "set": "list"}
    for shape_id, shape in built_in.items():
        assert shape_id in shapes, shape_id
        kind = shapes[shape_id]["type"]
        assert same_kind.get(kind, kind) == shape.kind.value, shape_id

"""Real models validate with zero problems: the protocol tests and public AWS models.

If the validator flags one of these, the validator is wrong. The aws-models folder also
holds two smithy-rs data files that are not JSON ASTs (SDK defaults, partitions); they
must be rejected with a clear message, which is asserted below rather than skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qsmith.codegen.model import ModelError, ModelIndex, load_model
from qsmith.codegen.model import traits as t
from tests.support.shared import shared_path

NOT_JSON_AST = {"sdk-default-configuration.json", "sdk-partitions.json"}


def _json_asts(*parts: str, pattern: str) -> list[Path]:
    return sorted(shared_path(*parts).glob(pattern))


def _check(path: Path) -> None:
    model = load_model(path)  # raises ModelError listing every problem
    index = ModelIndex(model)
    assert model.services(), path
    for service in model.services():
        closure = set(index.closure(service.id))
        assert {op.id for op in index.operations(service.id)} <= closure
        assert index.protocols(service.id), service.id


def test_protocol_test_models_validate() -> None:
    paths = _json_asts("vectors", "smithy-protocol-tests", "json-ast", pattern="*.json")
    assert len(paths) == 6
    for path in paths:
        _check(path)


def test_aws_models_validate() -> None:
    paths = _json_asts("vectors", "aws-models", pattern="**/*.json")
    models = [p for p in paths if p.name not in NOT_JSON_AST]
    assert len(models) >= 18
    for path in models:
        _check(path)


@pytest.mark.parametrize("name", sorted(NOT_JSON_AST))
def test_non_ast_files_are_rejected_clearly(name: str) -> None:
    path = shared_path("vectors", "aws-models", "smithy-rs", name)
    assert "smithy" not in json.loads(path.read_text())
    with pytest.raises(ModelError) as caught:
        load_model(path)
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (str(path), 'not a Smithy JSON AST: no "smithy" version key')
    ]


def test_every_service_operation_has_typed_http_traits_where_rest() -> None:
    path = shared_path("vectors", "smithy-protocol-tests", "json-ast", "restJson1.json")
    model = load_model(path)
    index = ModelIndex(model)
    service_id = "aws.protocoltests.restjson#RestJson"
    operations = index.operations(service_id)
    assert len(operations) == 113
    for operation in operations:
        http = t.HTTP.get(operation)
        assert http is not None and http.uri.startswith("/"), operation.id


@pytest.mark.parametrize(
    "parts",
    [
        ("vectors", "smithy-protocol-tests", "json-ast", "restJson1.json"),
        ("vectors", "aws-models", "smithy-rs", "transcribe-streaming.json"),
    ],
)
def test_to_ast_output_reloads_to_the_same_model(parts: tuple[str, ...]) -> None:
    model = load_model(shared_path(*parts))
    document = {
        "smithy": "2.0",
        "metadata": model.metadata,
        "shapes": {s.id: s.to_ast() for s in model.user_shapes()},
    }
    again = load_model(("again.json", json.loads(json.dumps(document))))
    assert {s.id: s.to_ast() for s in again.user_shapes()} == document["shapes"]

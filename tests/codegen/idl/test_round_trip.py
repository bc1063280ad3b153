"""Round trips through the IDL: JSON AST -> IDL (``write_idl``) -> JSON AST -> same model.

Our own service models (``models/``), the model layer's test models and the official
protocol-test JSON ASTs are written as IDL, read back and compared with the JSON AST
loaded directly, shape by shape; our hand-written IDL files go IDL -> JSON -> IDL -> JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qsmith.codegen.idl import idl_documents
from qsmith.codegen.idl.writer import write_idl
from qsmith.codegen.model import Model, load_model
from tests.support.shared import shared_path

REPO = Path(__file__).resolve().parents[3]
OWN_MODELS = sorted((REPO / "models").glob("*.json")) + sorted(
    (REPO / "tests" / "codegen" / "model" / "data").glob("*.json")
)
IDL_DATA = Path(__file__).parent / "data"
_REFERENCE_LISTS = ("operations", "collectionOperations", "resources", "errors")


def _shapes(model: Model) -> dict[str, dict[str, Any]]:
    shapes = {}
    for shape_id, shape in model.items():
        node = shape.to_ast()
        # Reading IDL orders these as the Smithy serializer does (by id, ignoring case);
        # they are sets of references, so the order of the original file does not count.
        for key in _REFERENCE_LISTS:
            if key in node:
                node[key] = sorted(node[key], key=lambda ref: ref["target"])
        if node["type"] == "operation":
            # An operation the IDL gives no input/output has smithy.api#Unit, which the
            # serializer writes out; a JSON AST may leave it implicit. Same meaning.
            for key in ("input", "output"):
                node.setdefault(key, {"target": "smithy.api#Unit"})
        shapes[shape_id] = node
    return shapes


def _through_idl(document: dict[str, Any], folder: Path) -> Model:
    paths = []
    for namespace, text in write_idl(document).items():
        path = folder / f"{namespace}.smithy"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return load_model(paths)


def _assert_same(through_idl: Model, direct: Model) -> None:
    first, second = _shapes(through_idl), _shapes(direct)
    differing = sorted(i for i in set(first) | set(second) if first.get(i) != second.get(i))
    assert differing == []
    assert through_idl.metadata == direct.metadata


def test_own_models_exist() -> None:
    assert len(OWN_MODELS) >= 5


@pytest.mark.parametrize("path", OWN_MODELS, ids=lambda p: p.name)
def test_own_model_round_trips(path: Path, tmp_path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    _assert_same(_through_idl(document, tmp_path), load_model(path))


@pytest.mark.parametrize(
    "name",
    [
        "restJson1",
        "restJson1.flat",
        "awsJson1_0",
        "awsJson1_0.flat",
        "awsJson1_1",
        "awsJson1_1.flat",
    ],
)
def test_protocol_test_json_ast_round_trips(name: str, tmp_path: Path) -> None:
    path = shared_path("vectors", "smithy-protocol-tests", "json-ast", f"{name}.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    _assert_same(_through_idl(document, tmp_path), load_model(path))


@pytest.mark.parametrize("path", sorted(IDL_DATA.glob("*.smithy")), ids=lambda p: p.name)
def test_hand_written_idl_round_trips(path: Path, tmp_path: Path) -> None:
    # Read together with every other file, so cross-file references resolve.
    others = [p for p in sorted(IDL_DATA.glob("*.smithy")) if p != path]
    documents = dict(idl_documents([path, *others]))
    first = documents[str(path)]
    copies = []
    for namespace, text in write_idl(first).items():
        copy = tmp_path / f"{namespace}.smithy"
        copy.write_text(text, encoding="utf-8")
        copies.append(copy)
    again = dict(idl_documents([*copies, *others]))
    shapes: dict[str, Any] = {}
    for copy in copies:
        shapes.update(again[str(copy)]["shapes"])
    assert shapes == first["shapes"]
    assert again[str(copies[0])].get("metadata") == first.get("metadata")
    assert again[str(copies[0])]["smithy"] == first["smithy"]

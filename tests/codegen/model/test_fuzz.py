"""Whatever JSON it is given, loading ends in a Model or a ModelError, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.codegen.model import Model, ModelError, load_model

# Words that steer random documents towards shapes the loader has to think about.
KEYS = st.sampled_from(
    [
        "type",
        "members",
        "member",
        "key",
        "value",
        "target",
        "traits",
        "mixins",
        "input",
        "output",
        "errors",
        "operations",
        "resources",
        "rename",
        "identifiers",
        "read",
        "version",
        "smithy.api#mixin",
        "smithy.api#http",
        "smithy.api#error",
        "smithy.api#enumValue",
        "smithy.api#box",
        "smithy.api#default",
    ]
)
IDS = st.sampled_from(["ex#A", "ex#B", "ex#C", "ex#A$m", "smithy.api#String", "smithy.api#Unit"])
TYPES = st.sampled_from(
    [
        "structure",
        "union",
        "list",
        "set",
        "map",
        "string",
        "integer",
        "enum",
        "intEnum",
        "operation",
        "service",
        "resource",
        "apply",
        "bogus",
    ]
)
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | IDS | TYPES
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | IDS, inner, max_size=4),
    max_leaves=12,
)
REF = st.fixed_dictionaries({"target": IDS})
SHAPE = st.fixed_dictionaries(
    {"type": TYPES},
    optional={
        "members": st.dictionaries(st.sampled_from(["a", "b"]), REF | JSON, max_size=2),
        "member": REF | JSON,
        "mixins": st.lists(REF, max_size=2),
        "traits": st.dictionaries(KEYS | IDS, JSON, max_size=2),
        "input": REF,
        "errors": st.lists(REF, max_size=2),
    },
)
DOCUMENT = st.fixed_dictionaries(
    {
        "smithy": st.sampled_from(["1.0", "2.0", "3"]),
        "shapes": st.dictionaries(IDS, SHAPE | JSON, max_size=4),
    },
    optional={"metadata": st.dictionaries(st.sampled_from(["m", "n"]), JSON, max_size=2)},
)


def _load(*documents: Any) -> Model | None:
    try:
        return load_model([(f"doc{i}.json", d) for i, d in enumerate(documents)])
    except ModelError as exc:
        assert exc.problems
        assert all(p.file for p in exc.problems)
        return None


@settings(max_examples=150)
@given(DOCUMENT, DOCUMENT)
def test_random_documents_never_crash(first: Any, second: Any) -> None:
    model = _load(first, second)
    if model is not None:
        for shape in model.values():
            json.dumps(shape.to_ast())


@settings(max_examples=100)
@given(JSON)
def test_random_json_never_crashes(document: Any) -> None:
    _load(document)


def test_deeply_nested_json_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelError) as caught:
        load_model(path)
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (str(path), "JSON nested too deeply to be a model")
    ]

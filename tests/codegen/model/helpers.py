"""Small builders for model-layer tests: a JSON AST document from shapes, and its problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qsmith.codegen.model import Model, ModelError, ModelProblem, load_model

DATA = Path(__file__).parent / "data"
NS = "example.test#"


def doc(shapes: dict[str, Any], *, version: str = "2.0", **top: Any) -> dict[str, Any]:
    return {"smithy": version, "shapes": shapes, **top}


def load(shapes: dict[str, Any], *, version: str = "2.0", name: str = "test.json") -> Model:
    return load_model((name, doc(shapes, version=version)))


def problems(shapes: dict[str, Any], *, version: str = "2.0") -> list[ModelProblem]:
    """The problems loading these shapes reports (the load must fail)."""
    with pytest.raises(ModelError) as caught:
        load(shapes, version=version)
    return caught.value.problems


def structure(**members: str | dict[str, Any]) -> dict[str, Any]:
    """A structure shape; a member is a target id or a full member node."""
    return {
        "type": "structure",
        "members": {
            name: {"target": m} if isinstance(m, str) else m for name, m in members.items()
        },
    }

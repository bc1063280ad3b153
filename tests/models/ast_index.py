"""Light reading of a Smithy JSON AST model file, for the model tests (no loader needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.shared import REPO_ROOT

MODELS_DIR = REPO_ROOT / "models"
SERVICES = (
    "codewhisperer",
    "codewhisperer-streaming",
    "consolas",
    "qdeveloper-streaming",
    "toolkit-telemetry",
)
# The prelude shapes a member may target (Smithy 2.0 prelude).
PRELUDE = {
    f"smithy.api#{name}": kind
    for name, kind in {
        "String": "string",
        "Blob": "blob",
        "BigInteger": "bigInteger",
        "BigDecimal": "bigDecimal",
        "Timestamp": "timestamp",
        "Document": "document",
        "Boolean": "boolean",
        "PrimitiveBoolean": "boolean",
        "Byte": "byte",
        "PrimitiveByte": "byte",
        "Short": "short",
        "PrimitiveShort": "short",
        "Integer": "integer",
        "PrimitiveInteger": "integer",
        "Long": "long",
        "PrimitiveLong": "long",
        "Float": "float",
        "PrimitiveFloat": "float",
        "Double": "double",
        "PrimitiveDouble": "double",
        "Unit": "structure",
    }.items()
}

Shape = dict[str, Any]


class Model:
    """One model file: shapes by id, with helpers to follow targets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data = json.loads(path.read_text())
        self.version: str = data["smithy"]
        self.shapes: dict[str, Shape] = data["shapes"]

    @classmethod
    def load(cls, service: str) -> Model:
        return cls(MODELS_DIR / f"{service}.json")

    def kind(self, shape_id: str) -> str:
        if shape_id in PRELUDE:
            return PRELUDE[shape_id]
        return str(self.shapes[shape_id]["type"])

    def traits(self, shape_id: str) -> dict[str, Any]:
        return dict(self.shapes.get(shape_id, {}).get("traits", {}))

    def service(self) -> tuple[str, Shape]:
        found = [(i, s) for i, s in self.shapes.items() if s["type"] == "service"]
        assert len(found) == 1, f"{self.path}: expected one service, found {len(found)}"
        return found[0]

    def operations(self) -> dict[str, Shape]:
        return {i: s for i, s in self.shapes.items() if s["type"] == "operation"}

    def by_name(self) -> dict[str, str]:
        """Shape name -> id for aggregate shapes (names are unique in a service closure)."""
        return {
            i.split("#")[1]: i
            for i, s in self.shapes.items()
            if s["type"] in ("structure", "union", "enum", "intEnum", "list", "map")
        }

    def members(self, shape_id: str) -> dict[str, Shape]:
        return dict(self.shapes[shape_id].get("members", {}))


def references(shape: Shape) -> Iterator[str]:
    """Every shape id a shape refers to (members, operation parts, service operations)."""
    for member in shape.get("members", {}).values():
        yield member["target"]
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["target"]
    for key in ("input", "output"):
        if key in shape:
            yield shape[key]["target"]
    for key in ("errors", "operations", "resources"):
        for ref in shape.get(key, []):
            yield ref["target"]


def name(shape_id: str) -> str:
    return shape_id.split("#")[1]

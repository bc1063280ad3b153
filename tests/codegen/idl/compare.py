"""Compare two loaded models shape by shape and trait by trait, naming every difference."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from qsmith.codegen.model import Model

_PIECES = ("members", "traits")


@dataclass
class Comparison:
    equal: int = 0
    differences: dict[str, list[str]] = field(default_factory=dict)  # shape id -> what
    only_first: list[str] = field(default_factory=list)
    only_second: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"{self.equal} equal, {len(self.differences)} differing"]
        lines += [f"only in the IDL model: {i}" for i in self.only_first]
        lines += [f"only in the JSON AST model: {i}" for i in self.only_second]
        for shape_id, what in self.differences.items():
            lines += [f"{shape_id}: {line}" for line in what]
        return "\n".join(lines)


def compare_models(idl: Model, ast: Model, *, ignore_extra_namespaces: bool = False) -> Comparison:
    """``idl`` against ``ast``. With ``ignore_extra_namespaces``, shapes of the IDL model in
    a namespace the JSON AST does not have at all are not differences (trait definition
    files loaded for the IDL that the JSON AST's producer did not load)."""
    result = Comparison()
    first = {shape_id: shape.to_ast() for shape_id, shape in idl.items()}
    second = {shape_id: shape.to_ast() for shape_id, shape in ast.items()}
    namespaces = {shape_id.partition("#")[0] for shape_id in second}
    for shape_id in sorted(set(first) - set(second)):
        if not ignore_extra_namespaces or shape_id.partition("#")[0] in namespaces:
            result.only_first.append(shape_id)
    result.only_second = sorted(set(second) - set(first))
    for shape_id in sorted(set(first) & set(second)):
        what = _differences(first[shape_id], second[shape_id])
        if what:
            result.differences[shape_id] = what
        else:
            result.equal += 1
    return result


def _differences(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    lines = []
    for key in sorted(set(first) | set(second)):
        a, b = first.get(key), second.get(key)
        if a == b:
            continue
        if key in _PIECES and isinstance(a, dict) and isinstance(b, dict):
            for name in sorted(set(a) | set(b)):
                if a.get(name) != b.get(name):
                    lines.append(
                        f"{key}[{name}]: IDL {_short(a.get(name))} != AST {_short(b.get(name))}"
                    )
        else:
            lines.append(f"{key}: IDL {_short(a)} != AST {_short(b)}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:200] + "..."

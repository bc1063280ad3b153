"""Merge the JSON AST documents of several files into one document (``model convert``).

Shapes are copied as the files define them (mixins kept, not flattened) and ``apply``
entries are folded into the shapes they target when those are in the output. When
Smithy 1.0 files are merged with 2.0 ones, the output is 2.0, so each 1.0 shape is
written as the loaded model holds it: with the defaults 1.0 implied (no 1.0 shape
uses mixins, so nothing is lost by taking the loaded, resolved form).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qsmith.codegen.model import Model
from qsmith.codegen.model.mixins import apply_traits

__all__ = ["merge_documents"]


def merge_documents(documents: list[tuple[str, Mapping[str, Any]]], model: Model) -> dict[str, Any]:
    """One JSON AST document holding every shape of ``documents``.

    ``model`` is the model loaded from the same documents (so they are known valid).
    """
    is_2 = [str(doc.get("smithy", "")).startswith("2") for _, doc in documents]
    upgrade = any(is_2)
    shapes: dict[str, dict[str, Any]] = {}
    from_model: set[str] = set()
    applies: list[tuple[str, dict[str, Any]]] = []
    for (_, document), version_2 in zip(documents, is_2, strict=True):
        for shape_id, node in document.get("shapes", {}).items():
            if node.get("type") == "apply":
                applies.append((shape_id, dict(node.get("traits", {}))))
            elif upgrade and not version_2:
                shapes[shape_id] = model[shape_id].to_ast()
                from_model.add(shape_id)
            else:
                shapes[shape_id] = _copy(node)
    pending: dict[str, dict[str, Any]] = {}
    for target, traits in applies:
        container, dollar, member = target.partition("$")
        if container in from_model:
            continue  # the loaded shape already carries every applied trait
        holder = _holder(shapes.get(container), member if dollar else None)
        if holder is None:
            apply_traits(pending.setdefault(target, {}), traits)
        else:
            apply_traits(holder.setdefault("traits", {}), traits)
    for target, traits in pending.items():
        shapes[target] = {"type": "apply", "traits": traits}
    merged: dict[str, Any] = {"smithy": "2.0" if upgrade else "1.0"}
    if model.metadata:  # the serializer leaves out an empty metadata object
        merged["metadata"] = dict(model.metadata)
    merged["shapes"] = dict(sorted(shapes.items()))
    return merged


def _holder(node: dict[str, Any] | None, member: str | None) -> dict[str, Any] | None:
    if node is None or member is None:
        return node
    for key in ("member", "key", "value"):
        if key == member and key in node:
            return node[key]  # type: ignore[no-any-return]
    return node.get("members", {}).get(member)  # type: ignore[no-any-return]


def _copy(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: _copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copy(item) for item in node]
    return node

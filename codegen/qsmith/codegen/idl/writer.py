"""Write a JSON AST document as Smithy IDL, one file per namespace.

The output is meant to be read back (round trips of our models through the IDL), not
to be pretty: every shape id is written absolute, every trait as ``@id(value)`` with
the value as JSON (which is valid IDL node syntax, so strings and object keys stay
quoted and are never taken for shape ids), documentation as a trait rather than
``///`` (a doc comment cannot hold every string).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["write_idl"]

_ENTITY_REFS = ("input", "output", "create", "put", "read", "update", "delete", "list")
_ENTITY_LISTS = ("operations", "collectionOperations", "resources", "errors")
_ENTITY_MAPS = ("identifiers", "properties")


def write_idl(document: Mapping[str, Any]) -> dict[str, str]:
    """``{namespace: IDL text}`` for the shapes and metadata of ``document``."""
    version = str(document.get("smithy", "2.0"))
    by_namespace: dict[str, list[str]] = {}
    for shape_id, node in document.get("shapes", {}).items():
        namespace = shape_id.partition("#")[0]
        by_namespace.setdefault(namespace, []).append(_statement(shape_id, node))
    files: dict[str, str] = {}
    for number, (namespace, statements) in enumerate(sorted(by_namespace.items())):
        head = [f"$version: {json.dumps(version)}", ""]
        if number == 0:
            # Metadata is model-wide: written once, in the first file.
            for key, value in document.get("metadata", {}).items():
                head.append(f"metadata {json.dumps(key)} = {_node(value)}")
            head.append("")
        head += [f"namespace {namespace}", ""]
        files[namespace] = "\n".join(head + statements)
    return files


def _node(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _traits(traits: Mapping[str, Any], indent: str) -> list[str]:
    return [f"{indent}@{trait_id}({_node(value)})" for trait_id, value in traits.items()]


def _statement(shape_id: str, node: Mapping[str, Any]) -> str:
    kind = node["type"]
    if kind == "apply":
        body = "\n".join(_traits(node.get("traits", {}), "    "))
        return f"apply {shape_id} {{\n{body}\n}}\n"
    lines = _traits(node.get("traits", {}), "")
    header = f"{kind} {shape_id.partition('#')[2]}"
    mixins = [m["target"] for m in node.get("mixins", ())]
    if mixins:
        header += f" with [{', '.join(mixins)}]"
    if kind in ("service", "resource", "operation"):
        lines.append(header + " {")
        lines += _entity_body(node)
        lines.append("}")
    elif "members" in node or "member" in node or "key" in node or kind in _BODIES:
        lines.append(header + " {")
        lines += _members(node)
        lines.append("}")
    else:
        lines.append(header)
    return "\n".join(lines) + "\n"


_BODIES = frozenset({"enum", "intEnum", "structure", "union", "list", "set", "map"})


def _members(node: Mapping[str, Any]) -> list[str]:
    members: dict[str, Any] = dict(node.get("members", {}))
    for name in ("member", "key", "value"):
        if name in node:
            members[name] = node[name]
    lines = []
    enum = node["type"] in ("enum", "intEnum")
    for name, member in members.items():
        lines += _traits(member.get("traits", {}), "    ")
        # An enum member's target is always smithy.api#Unit, and the IDL cannot say it.
        lines.append(f"    {name}" if enum else f"    {name}: {member['target']}")
    return lines


def _entity_body(node: Mapping[str, Any]) -> list[str]:
    lines = []
    if "version" in node:
        lines.append(f"    version: {_node(node['version'])}")
    for key in _ENTITY_REFS:
        if key in node:
            lines.append(f"    {key}: {node[key]['target']}")
    for key in _ENTITY_LISTS:
        if key in node:
            lines.append(f"    {key}: [{', '.join(ref['target'] for ref in node[key])}]")
    for key in _ENTITY_MAPS:
        if key in node:
            pairs = ", ".join(f"{name}: {ref['target']}" for name, ref in node[key].items())
            lines.append(f"    {key}: {{{pairs}}}")
    if "rename" in node:
        lines.append(f"    rename: {_node(node['rename'])}")
    return lines

"""Renames for C2J shape names that Smithy cannot hold side by side.

C2J allows names that differ only in case (ec2's ``MaxResults`` and ``maxResults``) and a
shape named like an operation (medialive's ``BatchDelete``); Smithy forbids both within one
service. The converter renames, deterministically, instead of failing the model. In each
group of names equal ignoring case, the name kept is the one the wire depends on most:

1. an operation (its name is the awsJson target and the query ``Action``),
2. an error structure (its name is the error code),
3. another structure or a union (its name is a generated class),
4. any other shape (lists, maps, simple types: their names reach no code),

ties broken by the name in code-point order. Every other name of the group becomes
``<name>_2``, ``<name>_3``… in that order (skipping any name already used), and each rename
is a warning.
"""

from __future__ import annotations

from collections import defaultdict

from qsmith.codegen.c2j.context import JsonObject


def shape_renames(shapes: JsonObject, operations: JsonObject) -> dict[str, str]:
    """C2J shape name -> the Smithy name it takes, for the shapes that must yield."""
    groups: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for name in operations:
        groups[name.lower()].append((0, name, True))
    for name, shape in shapes.items():
        groups[name.lower()].append((_rank(shape), name, False))
    taken = set(groups)
    renames: dict[str, str] = {}
    for key in sorted(groups):
        members = sorted(groups[key])
        for _, name, is_operation in members[1:]:
            if is_operation:
                continue  # two operations equal ignoring case: left for validation to report
            suffix = 2
            while f"{name}_{suffix}".lower() in taken:
                suffix += 1
            renames[name] = f"{name}_{suffix}"
            taken.add(renames[name].lower())
    return renames


def _rank(shape: object) -> int:
    if not isinstance(shape, dict):
        return 3
    if shape.get("type") == "structure":
        return 1 if shape.get("exception") else 2
    return 2 if shape.get("type") == "union" else 3

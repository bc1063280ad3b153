"""How long import-c2j takes on the largest public C2J file, against botocore loading it.

Baseline: botocore building its ServiceModel from the same parsed document and resolving
every shape and structure member (what botocore does before its first call). Printed ratio: ours / baseline.
Run: .venv/bin/python benchmarks/c2j_import.py  (needs ../shared or $QSMITH_SHARED).
"""

from __future__ import annotations

import json
import os
import sys
import timeit
from pathlib import Path
from typing import Any

from botocore.model import ServiceModel

from qsmith.codegen.c2j import convert_c2j

RELATIVE = "upstream/amzn-codewhisperer-client/aws-toolkit-vscode/user-service-2.json"
ROUNDS = 20


def shared_file() -> Path:
    root = os.environ.get("QSMITH_SHARED") or Path(__file__).resolve().parents[1].parent / "shared"
    return Path(root) / RELATIVE


def botocore_load(document: dict[str, Any]) -> None:
    model = ServiceModel(document)
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.type_name == "structure":
            _ = shape.members  # resolves every member's target shape
    for name in model.operation_names:
        model.operation_model(name)


def main() -> int:
    path = shared_file()
    if not path.exists():
        print(f"skipped: {path} is missing")
        return 0
    document = json.loads(path.read_text(encoding="utf-8"))
    ours = min(timeit.repeat(lambda: convert_c2j(document), number=1, repeat=ROUNDS))
    baseline = min(timeit.repeat(lambda: botocore_load(document), number=1, repeat=ROUNDS))
    print(f"file: {path.name} ({len(document['shapes'])} shapes)")
    print(f"import-c2j (convert to Smithy JSON AST): {ours * 1000:.2f} ms")
    print(f"baseline botocore ServiceModel (all shapes and operations): {baseline * 1000:.2f} ms")
    print(f"ratio ours/baseline: {ours / baseline:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long reading Smithy IDL takes, against ``json.loads`` of the same model as JSON AST.

For each protocol-test suite in ``../shared/vectors/smithy-protocol-tests`` (the IDL
files of the suite plus the trait definitions, and the official JSON AST of the same
model): the floor is ``json.loads`` of the JSON AST text; measured are the IDL to JSON
AST conversion (``idl_documents``: tokenize, parse, resolve) and, for context, a full
``load_model`` of each form. Best of several rounds; ratios are to the floor.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from qsmith.codegen.idl import idl_documents
from qsmith.codegen.model import load_model

REPO = Path(__file__).resolve().parents[1]
SUITES = REPO.parent / "shared" / "vectors" / "smithy-protocol-tests"
PROTOCOLS = ("restJson1", "awsJson1_0", "awsJson1_1")
ROUNDS = 5


def _best_of(action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _idl_files(protocol: str) -> list[Path]:
    traits = [p for p in sorted((SUITES / "traits").glob("*.smithy")) if p.stem != "prelude"]
    model = SUITES / "model"
    own = sorted((model / protocol).rglob("*.smithy"))
    return [*traits, model / "shared-types.smithy", model / "aws-config.smithy", *own]


def main() -> int:
    if not SUITES.is_dir():
        print(f"shared test data missing: {SUITES}")
        return 1
    print(f"best of {ROUNDS}; floor = json.loads of the official JSON AST of the same model")
    header = f"{'suite':11} {'IDL lines':>9} {'json.loads':>10} {'IDL->AST':>9} {'ratio':>6}"
    print(header + f" {'load(JSON)':>10} {'load(IDL)':>9} {'ratio':>6}")
    for protocol in PROTOCOLS:
        files = _idl_files(protocol)
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
        ast_path = SUITES / "json-ast" / f"{protocol}.json"
        ast_text = ast_path.read_text(encoding="utf-8")
        floor = _best_of(functools.partial(json.loads, ast_text))
        convert = _best_of(functools.partial(idl_documents, files))
        load_json = _best_of(functools.partial(load_model, ast_path))
        load_idl = _best_of(functools.partial(load_model, files))
        print(
            f"{protocol:11} {lines:9d} {floor * 1000:8.1f}ms {convert * 1000:7.1f}ms "
            f"{convert / floor:5.1f}x {load_json * 1000:8.1f}ms {load_idl * 1000:7.1f}ms "
            f"{load_idl / load_json:5.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

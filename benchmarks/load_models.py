"""How long loading + indexing each Smithy model takes.

Times ``load_model`` and then ``ModelIndex`` closures of every service, for each file
in ``models/`` (or the paths given on the command line; when ``models/`` holds no
model, the shared Smithy protocol-test JSON ASTs). Baseline in the same run: plain
``json.loads`` of the same file, so the ratio shows what the model layer adds.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from qsmith.codegen.model import ModelIndex, load_model

REPO = Path(__file__).resolve().parents[1]
SHARED_JSON_AST = REPO.parent / "shared" / "vectors" / "smithy-protocol-tests" / "json-ast"
ROUNDS = 5


def _best_of(action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _load_and_index(path: Path) -> int:
    model = load_model(path)
    index = ModelIndex(model)
    return sum(len(index.closure(s.id)) for s in model.services())


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv]
    if not paths:
        paths = sorted((REPO / "models").glob("*.json"))
        if not paths:
            print(f"models/ holds no model; timing the shared JSON ASTs in {SHARED_JSON_AST}")
            paths = sorted(SHARED_JSON_AST.glob("*.json"))
    if not paths:
        print("nothing to time: no model files found")
        return 1
    print(f"best of {ROUNDS}; baseline = json.loads of the same file")
    print(f"{'file':44} {'shapes':>7} {'json.loads':>11} {'load+index':>11} {'ratio':>7}")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        baseline = _best_of(functools.partial(json.loads, text))
        measured = _best_of(functools.partial(_load_and_index, path))
        shapes = len(load_model(path))
        print(
            f"{path.name:44} {shapes:7d} {baseline * 1000:9.1f}ms {measured * 1000:9.1f}ms "
            f"{measured / baseline:6.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

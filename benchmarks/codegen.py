"""Generating every client from ``models/``: cold (no black cache) and warm (cache present).

Two views of the same work, each run in a fresh interpreter so imports count as they do
for a user typing ``qsmith codegen --all``:

- end to end: ``python -m qsmith.cli.main codegen --all`` into a temporary folder, first
  with an empty black cache (cold), then again with models unchanged (warm). These are
  the figures held against the targets (cold under 10 s, warm under 2 s).
- split: the pipeline pieces called one by one (``load_model``, ``build_service_plan``,
  ``render_unformatted``, ``format_many``), cold with ``cache_dir=None`` and warm with
  the cache the cold end-to-end run left, to show where the time goes. The split run
  checks that its output equals the committed ``generated/`` tree, so it times the real
  pipeline.

Baselines in the same run: ``python -c pass`` (interpreter start-up) and a bare
``json.load`` of every model file (reading the input and nothing else).

Run: ``.venv/bin/python benchmarks/codegen.py [rounds]`` (default 2; best of the rounds).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
GENERATED = ROOT / "generated" / "qsmith" / "clients"
COLD_TARGET = 10.0
WARM_TARGET = 2.0


def _run_seconds(args: list[str], cwd: Path) -> float:
    return _run(args, cwd)[0]


def _run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the child and its pool workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _json_load_seconds() -> float:
    start = time.perf_counter()
    for path in sorted(MODELS.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            json.load(handle)
    return time.perf_counter() - start


def end_to_end(rounds: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best cold and warm (wall, CPU) of ``qsmith codegen --all``, each round in a new folder."""
    command = [sys.executable, "-m", "qsmith.cli.main", "codegen", "--all"]
    command += ["--models", str(MODELS), "--out", "out"]
    cold = warm = (float("inf"), float("inf"))
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="qsmith-bench-") as scratch:
            # The black cache is `.qsmith-cache/` under the working directory: fresh here.
            cold = min(cold, _run(command, Path(scratch)))
            warm = min(warm, _run(command, Path(scratch)))
    return cold, warm


def split(cache_dir: Path | None, rounds: int) -> dict[str, float]:
    """Seconds per pipeline piece, each the best of ``rounds`` fresh interpreters."""
    args = [sys.executable, __file__, "--split-child", str(cache_dir or "")]
    best: dict[str, float] = {}
    for _ in range(rounds):
        done = subprocess.run(args, check=True, capture_output=True, text=True)
        figures: dict[str, float] = json.loads(done.stdout)
        best = {k: min(v, best.get(k, v)) for k, v in figures.items()}
    return best


def _split_child(cache_arg: str) -> None:
    """Run the pipeline piece by piece; print the seconds of each as JSON on stdout."""
    clock = time.perf_counter
    start = clock()
    from qsmith.codegen.formatting import format_many
    from qsmith.codegen.model import ModelIndex, load_model
    from qsmith.codegen.naming import module_name
    from qsmith.codegen.plan.build import build_service_plan
    from qsmith.codegen.render import render_unformatted

    figures = {"import": clock() - start, "load": 0.0, "plan": 0.0, "render": 0.0}
    packages: dict[str, dict[str, str]] = {}
    for path in sorted(MODELS.glob("*.json")):
        start = clock()
        model = load_model(path)
        index = ModelIndex(model)
        services = [s.id for s in model.services() if index.closure(s.id)]
        figures["load"] += clock() - start
        if len(services) != 1:
            raise SystemExit(f"{path}: the benchmark expects one service per model file")
        start = clock()
        package = module_name(path.stem)
        plan = build_service_plan(model, services[0], package)
        figures["plan"] += clock() - start
        start = clock()
        packages[package] = render_unformatted(plan)
        figures["render"] += clock() - start
    keys = [(p, n) for p, files in sorted(packages.items()) for n in files if n.endswith(".py")]
    start, cpu = clock(), _cpu_seconds()
    formatted = format_many(
        [packages[p][n] for p, n in keys], Path(cache_arg) if cache_arg else None
    )
    figures["black"] = clock() - start
    figures["black_cpu"] = _cpu_seconds() - cpu
    # How many files black changed at all: the templates aim at black's layout already.
    unformatted = [packages[p][n] for p, n in keys]
    figures["files"] = len(keys)
    figures["changed_by_black"] = sum(a != b for a, b in zip(unformatted, formatted, strict=True))
    for (package, name), text in zip(keys, formatted, strict=True):
        packages[package][name] = text
    figures["lines"] = sum(t.count("\n") for files in packages.values() for t in files.values())
    figures["same_as_committed"] = float(_same_as_committed(packages))
    print(json.dumps(figures))


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (black's pool workers)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _same_as_committed(packages: dict[str, dict[str, str]]) -> bool:
    for package, files in packages.items():
        for name, text in files.items():
            committed = GENERATED / package / name
            if not committed.is_file() or committed.read_text(encoding="utf-8") != text:
                print(f"differs from the committed tree: {committed}", file=sys.stderr)
                return False
    return True


def _row(label: str, seconds: float, target: float | None = None, cpu: float | None = None) -> None:
    ratio = f"  {seconds / target:5.2f}x of the {target:.0f} s target" if target else ""
    used = f"  (CPU {cpu:5.2f} s)" if cpu is not None else ""
    print(f"  {label:34} {seconds:8.3f} s{ratio}{used}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--split-child"]:
        _split_child(argv[1] if len(argv) > 1 else "")
        return 0
    rounds = int(argv[0]) if argv else 2
    models = sorted(MODELS.glob("*.json"))
    startup = min(_run_seconds([sys.executable, "-c", "pass"], ROOT) for _ in range(5))
    load = min(_json_load_seconds() for _ in range(5))
    print(f"{len(models)} model files, {sum(p.stat().st_size for p in models) / 1e6:.1f} MB;")
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load_avg}; best of {rounds} round(s), wall clock")
    print("baselines:")
    _row("python -c pass (start-up)", startup)
    _row("json.load of every model", load)

    cold, warm = end_to_end(rounds)
    print("end to end (`qsmith codegen --all`, fresh interpreter):")
    _row("cold (empty black cache)", cold[0], COLD_TARGET, cold[1])
    _row("warm (models unchanged, cache)", warm[0], WARM_TARGET, warm[1])

    with tempfile.TemporaryDirectory(prefix="qsmith-bench-cache-") as cache:
        for label, cache_dir in (("cold", None), ("warm", Path(cache))):
            if cache_dir is not None:
                split(cache_dir, 1)  # fill the cache; the next runs are warm
            figures = split(cache_dir, rounds)
            load_render = figures["load"] + figures["plan"] + figures["render"]
            print(f"split, {label} ({int(figures['lines'])} lines emitted):")
            _row("import the generator", figures["import"])
            _row("load + index models", figures["load"])
            _row("plan", figures["plan"])
            _row("render (jinja2 + imports)", figures["render"])
            _row("= load + render", load_render)
            _row("black (format_many)", figures["black"], cpu=figures["black_cpu"])
            changed, files = int(figures["changed_by_black"]), int(figures["files"])
            print(f"  black changed {changed} of the {files} rendered Python files")
            if not figures["same_as_committed"]:
                print("  WARNING: the split output differs from the committed generated/ tree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

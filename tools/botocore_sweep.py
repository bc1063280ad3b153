"""Convert and generate every service model the installed botocore ships; report the figures.

    .venv/bin/python tools/botocore_sweep.py [--only NAME ...] [--format] [--import]

For each ``botocore/data/<service>/<newest version>/service-2.json.gz`` (with its
``paginators-1.json`` when there is one): ``qsmith.codegen.c2j`` converts it, the model is
loaded and validated, a ``ServicePlan`` is built and every file rendered and parsed (with
``--format``, black runs too, as ``qsmith codegen`` does; it is most of the time). With
``--import`` the package is written to a scratch folder, imported, and its sync and async
clients constructed (every protocol).

Prints one line per failure and a summary: models converted, generated, failed by cause
(the exception type and the first line of its message, with numbers and names blanked),
total time and the slowest model.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import botocore  # type: ignore[import-untyped]

from qsmith.codegen.c2j import load_c2j
from qsmith.codegen.model import ModelIndex, load_model
from qsmith.codegen.naming import module_name
from qsmith.codegen.plan.build import build_service_plan
from qsmith.codegen.render import format_source, render_unformatted, write_package

# Module prefix of the scratch packages, so that they never shadow real clients.
SCRATCH = "qsmith_sweep"


@dataclass
class Outcome:
    service: str
    protocols: tuple[str, ...] = ()
    converted: bool = False
    generated: bool = False
    constructed: bool | None = None  # None: not tried
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def report(self, seconds: float) -> str:
        done = self.outcomes
        failed = [o for o in done if o.error]
        causes = Counter(_cause(o.error or "") for o in failed)
        slowest = max(done, key=lambda o: o.seconds, default=None)
        by_protocol = Counter(
            (o.protocols[0].rpartition("#")[2] if o.protocols else "none") for o in done
        )
        lines = [
            f"botocore {botocore.__version__}: {len(done)} service models",
            f"  converted: {sum(o.converted for o in done)}",
            f"  generated: {sum(o.generated for o in done)}",
            f"  constructed: {sum(o.constructed is True for o in done)}"
            f" of {sum(o.constructed is not None for o in done)} tried",
            f"  failed: {len(failed)}",
            *(f"    {count:4d}  {cause}" for cause, count in causes.most_common()),
            "  by first protocol: "
            + ", ".join(f"{name} {count}" for name, count in sorted(by_protocol.items())),
            f"  total time: {seconds:.1f} s",
        ]
        if slowest is not None:
            lines.append(f"  slowest: {slowest.service} ({slowest.seconds:.2f} s)")
        return "\n".join(lines)


def service_models(data: Path, only: list[str] | None = None) -> Iterator[tuple[str, Path]]:
    """(service, newest service-2.json.gz) for every service folder, in name order."""
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        if only and folder.name not in only:
            continue
        versions = sorted(folder.glob("*/service-2.json*"))
        if versions:
            yield folder.name, versions[-1]


def sweep_one(
    service: str, path: Path, *, out: Path | None = None, format_code: bool = False
) -> Outcome:
    """Convert, generate and (with ``out``) import and construct one botocore model."""
    outcome = Outcome(service)
    started = time.perf_counter()
    try:
        paginators = next(iter(sorted(path.parent.glob("paginators-1.json*"))), None)
        conversion = load_c2j(path, paginators=paginators)
        outcome.converted = True
        model = load_model((f"{service}.json", conversion.model))
        (service_shape,) = model.services()
        outcome.protocols = tuple(ModelIndex(model).protocols(service_shape.id))
        package = module_name(service)
        module = f"{SCRATCH}.{package}" if out is not None else ""
        plan = build_service_plan(model, service_shape.id, package, module=module)
        files = render_unformatted(plan)
        for name, text in files.items():
            if name.endswith(".py"):
                ast.parse(format_source(text) if format_code else text, name)
        outcome.generated = True
        if out is not None:
            write_package(files, out / SCRATCH / package)
            outcome.constructed = _construct(module)
    except Exception as exc:  # the sweep reports every failure, whatever its kind
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - started
    return outcome


def _construct(module: str) -> bool:
    """Import the client module and construct both clients (every protocol the runtime
    speaks; a failure raises and is reported)."""
    client = importlib.import_module(f"{module}.client")
    where = {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:9"}
    with client.Client(**where):
        pass
    client.AsyncClient(**where)
    return True


def _cause(error: str) -> str:
    """The kind of an error: its first line with quoted names and numbers blanked."""
    first = error.splitlines()[0] if error else ""
    first = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", first)
    first = re.sub(r"\b[\w.]+#\w+(\$\w+)?", "<shape>", first)
    return re.sub(r"\d+", "N", first)[:160]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="service folder names to sweep")
    parser.add_argument("--format", action="store_true", help="run black over every file too")
    parser.add_argument(
        "--import", dest="imports", action="store_true", help="import and construct clients"
    )
    args = parser.parse_args(argv)
    data = Path(botocore.__file__).parent / "data"
    summary = Summary()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qsmith-sweep-") as scratch:
        out = Path(scratch) if args.imports else None
        if out is not None:
            sys.path.insert(0, str(out))
        for service, path in service_models(data, args.only):
            outcome = sweep_one(service, path, out=out, format_code=args.format)
            summary.outcomes.append(outcome)
            if outcome.error:
                print(f"FAIL {service}: {outcome.error.splitlines()[0][:300]}", flush=True)
    print(summary.report(time.perf_counter() - started))
    return 1 if any(o.error for o in summary.outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

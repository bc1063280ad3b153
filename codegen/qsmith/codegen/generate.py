"""The generator's entry point: every model in a folder to its client package.

Each ``models/*.json`` is loaded and validated on its own (a model file is one
service's whole model); the problems of every file are reported together as one
ModelError. Each service becomes ``<out>/qsmith/clients/<package>/``, the package named
after the model file (``codewhisperer-streaming.json`` -> ``codewhisperer_streaming``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from qsmith.codegen.formatting import DEFAULT_CACHE_DIR, format_many
from qsmith.codegen.model import Model, ModelIndex, load_model
from qsmith.codegen.naming import module_name
from qsmith.codegen.plan.build import build_service_plan
from qsmith.codegen.render import render_unformatted, write_package
from qsmith.runtime.errors import CodegenError, ModelError, ModelProblem

CLIENTS_DIR = Path("qsmith") / "clients"


@dataclass
class BuildReport:
    model_files: list[Path] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    lines: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.model_files)} model file(s) read, "
            f"{len(self.services)} service(s) validated, "
            f"{len(self.generated)} client package(s) generated ({self.lines} lines), "
            f"{len(self.written)} file(s) written"
        )


def generate_all(
    models_dir: Path,
    out_dir: Path,
    *,
    check: bool = False,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> BuildReport:
    """Generate a client package for every service in ``models_dir`` into ``out_dir``.

    With ``check``, nothing is written: ``report.stale`` lists every file that differs
    from a fresh generation (or is missing, or should not be there). ``cache_dir`` keeps
    black's output by content (None: format everything afresh).
    """
    files = (
        sorted([*models_dir.glob("*.json"), *models_dir.glob("*.smithy")])
        if models_dir.is_dir()
        else []
    )
    report = BuildReport(model_files=files)
    problems: list[ModelProblem] = []
    packages: dict[str, dict[str, str]] = {}
    for path in files:
        try:
            model = load_model(path)
        except ModelError as exc:
            problems.extend(exc.problems)
            continue
        for service_id, package in _services(model, path):
            report.services.append(service_id)
            if package in packages:
                raise CodegenError(f"{path}: {service_id}: package {package} is generated twice")
            packages[package] = render_unformatted(build_service_plan(model, service_id, package))
    if problems:
        raise ModelError(problems)
    _format_packages(packages, cache_dir)
    clients = out_dir / CLIENTS_DIR
    for package, rendered in sorted(packages.items()):
        report.generated.append(package)
        report.lines += sum(text.count("\n") for text in rendered.values())
        target = clients / package
        if check:
            report.stale += _differences(rendered, target)
        else:
            report.written += write_package(rendered, target)
            _remove_extra_files(rendered, target)
    for orphan in _orphan_packages(clients, packages):
        if check:
            report.stale.append(orphan)
        else:
            shutil.rmtree(out_dir / orphan)
    return report


def _format_packages(packages: dict[str, dict[str, str]], cache_dir: Path | None) -> None:
    """Run black over every Python file of every package at once (cached, in parallel)."""
    keys = [(p, n) for p, files in sorted(packages.items()) for n in files if n.endswith(".py")]
    formatted = format_many([packages[p][n] for p, n in keys], cache_dir)
    for (package, name), text in zip(keys, formatted, strict=True):
        packages[package][name] = text


def _services(model: Model, path: Path) -> list[tuple[str, str]]:
    index = ModelIndex(model)
    services = [s for s in model.services() if index.closure(s.id)]
    if len(services) == 1:
        return [(services[0].id, module_name(path.stem))]
    return [(s.id, module_name(s.name)) for s in services]


def _differences(rendered: dict[str, str], target: Path) -> list[str]:
    stale = []
    for name, text in sorted(rendered.items()):
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
    if target.is_dir():
        stale += [
            str(p) for p in sorted(target.iterdir()) if p.is_file() and p.name not in rendered
        ]
    return stale


def _remove_extra_files(rendered: dict[str, str], target: Path) -> None:
    for path in target.iterdir():
        if path.is_file() and path.name not in rendered:
            path.unlink()


def _orphan_packages(clients: Path, packages: dict[str, dict[str, str]]) -> list[str]:
    """Generated package folders no model produces any more (relative to the out dir)."""
    if not clients.is_dir():
        return []
    return [
        str(CLIENTS_DIR / p.name)
        for p in sorted(clients.iterdir())
        if p.is_dir() and p.name not in packages and p.name != "__pycache__"
    ]

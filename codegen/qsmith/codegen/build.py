"""The generator's entry point: every model in a folder to its client package.

Each ``models/*.json`` is loaded and validated on its own (a model file is one
service's whole model); the problems of every file are reported together as one
ModelError. The code generator itself has not landed yet, so nothing is generated and
the summary says so rather than pretending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qsmith.codegen.model import ModelIndex, load_model
from qsmith.runtime.errors import ModelError, ModelProblem


@dataclass
class BuildReport:
    model_files: list[Path] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.model_files)} model file(s) read, "
            f"{len(self.services)} service(s) validated, "
            f"{len(self.generated)} client package(s) generated"
        )
        if self.services and not self.generated:
            text += " (the code generator is not implemented yet)"
        return text


def generate_all(models_dir: Path, out_dir: Path, *, check: bool = False) -> BuildReport:
    """Generate a client package for every service in ``models_dir`` into ``out_dir``.

    Raises ModelError with the problems of every invalid model file.
    """
    files = sorted(models_dir.glob("*.json")) if models_dir.is_dir() else []
    report = BuildReport(model_files=files)
    problems: list[ModelProblem] = []
    for path in files:
        try:
            model = load_model(path)
        except ModelError as exc:
            problems.extend(exc.problems)
            continue
        index = ModelIndex(model)
        report.services.extend(s.id for s in model.services() if index.closure(s.id))
    if problems:
        raise ModelError(problems)
    return report

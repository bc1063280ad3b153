"""The generator's entry point: every model in a folder to its client package.

The model loader and the templates join this pipeline as they land; until a model
file's services can be generated, the report says so rather than pretending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildReport:
    model_files: list[Path] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.model_files)} model file(s) read, "
            f"{len(self.generated)} client package(s) generated"
        )


def generate_all(models_dir: Path, out_dir: Path, *, check: bool = False) -> BuildReport:
    """Generate a client package for every service in ``models_dir`` into ``out_dir``."""
    files = sorted(models_dir.glob("*.json")) if models_dir.is_dir() else []
    return BuildReport(model_files=files)

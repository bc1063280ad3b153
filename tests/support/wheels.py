"""Built wheels installed into fresh virtual environments, offline.

A wheel is installed with ``--no-deps --no-index``; the third-party distributions it
declares are then linked in from the test environment (``isolated.link_distributions``),
so a test sees exactly what a user's ``pip install`` would bring and never reaches an
index. ``declared_requirements`` lets the test check that what it linked is what the
wheel's metadata asks for.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

from tests.support.isolated import link_distributions, requirement_closure
from tests.support.shared import REPO_ROOT

# Folder of each distribution's pyproject.toml, relative to the repository.
DISTRIBUTION_FOLDERS: dict[str, str] = {"qsmith": ".", "qsmith-runtime": "runtime"}


def build_wheels(into: Path) -> dict[str, Path]:
    """Build every distribution of the repository; distribution name -> wheel file.

    One pip run builds them all; with hatchling installed (``[dev]``) it builds in this
    environment, offline, instead of setting up an isolated one per wheel.
    """
    sources = [str(REPO_ROOT / folder) for folder in DISTRIBUTION_FOLDERS.values()]
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation]
    subprocess.run(
        [*pip_wheel, "-w", str(into), *sources],
        check=True,
        capture_output=True,
    )
    return wheels_in(into)


def wheels_in(folder: Path) -> dict[str, Path]:
    """Distribution name -> its wheel in ``folder`` (one of each)."""
    wheels: dict[str, Path] = {}
    for name in DISTRIBUTION_FOLDERS:
        (wheel,) = folder.glob(f"{name.replace('-', '_')}-*.whl")
        wheels[name] = wheel
    return wheels


def declared_requirements(wheel: Path, extra: str = "") -> set[str]:
    """Distribution names the wheel requires (without extras, or with ``extra``)."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    names = set()
    for raw in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(raw)
        if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
            names.add(requirement.name.lower())
    return names


@dataclass(frozen=True)
class Venv:
    """A fresh virtual environment without pip; wheels go in through the test's pip."""

    root: Path

    @classmethod
    def create(cls, root: Path) -> Venv:
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", root], check=True, capture_output=True
        )
        return cls(root)

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def script(self, name: str) -> Path:
        return self.root / "bin" / name

    @property
    def site_packages(self) -> Path:
        relative = Path(sysconfig.get_path("purelib")).relative_to(sys.prefix)
        return self.root / relative

    def install(self, *wheels: Path) -> None:
        """Install ``wheels`` alone: no dependency, no index."""
        pip = [sys.executable, "-m", "pip", "--python", str(self.python)]
        subprocess.run(
            [*pip, "install", "--quiet", "--no-deps", "--no-index", *map(str, wheels)],
            check=True,
            capture_output=True,
        )

    def link_third_party(self, *names: str) -> set[str]:
        """Link ``names`` and what they need from the test environment; returns them all."""
        closure = requirement_closure(*names) if names else set()
        link_distributions(closure, self.site_packages)
        return closure

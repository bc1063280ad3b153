"""A site-packages folder holding only some distributions and what they require.

In a virtual environment every package shares one site-packages, so putting it on a
child's path would let anything leak in. Instead the declared dependencies' requirement
closure is read from the installed metadata (markers evaluated for this interpreter,
extras off) and each distribution's top-level modules are symlinked into a new folder.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def requirement_closure(names: list[str]) -> list[importlib.metadata.Distribution]:
    """The installed distributions ``names`` need, transitively, sorted by name."""
    found: dict[str, importlib.metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found:
            continue
        dist = importlib.metadata.distribution(name)
        found[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return [found[n] for n in sorted(found)]


def top_level_paths(dist: importlib.metadata.Distribution) -> set[Path]:
    """The package folders and single-file modules a distribution installs."""
    paths: set[Path] = set()
    for file in dist.files or []:
        parts = Path(file).parts
        if parts[0] == ".." or parts[0].endswith((".dist-info", ".egg-info", ".pth")):
            continue
        if len(parts) == 1 and not parts[0].endswith(".py"):
            continue
        if parts[0] == "__pycache__":
            continue
        paths.add(Path(str(dist.locate_file(parts[0]))))
    return paths


def isolated_site_packages(names: list[str], folder: Path) -> list[str]:
    """Symlink the closure of ``names`` into ``folder``; returns the distribution names."""
    folder.mkdir(parents=True, exist_ok=True)
    dists = requirement_closure(names)
    for dist in dists:
        for path in top_level_paths(dist):
            (folder / path.name).symlink_to(path)
    return [dist.metadata["Name"] for dist in dists]

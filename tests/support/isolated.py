"""A Python path holding only the named distributions and what they require.

In a virtualenv every package shares one site-packages folder, so "only httpx is
installed" cannot be had by pointing at it; instead the top-level packages of the
distributions in the requirement closure are linked into a fresh folder.
"""

from __future__ import annotations

import importlib.metadata as metadata
from pathlib import Path

from packaging.requirements import Requirement


def requirement_closure(*names: str) -> set[str]:
    """The distributions ``names`` need at run time (markers evaluated, extras left out)."""
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        for raw in metadata.requires(name) or []:
            requirement = Requirement(raw)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return seen


def link_distributions(names: set[str], into: Path) -> Path:
    """Link each distribution's top-level modules into ``into``; returns ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        distribution = metadata.distribution(name)
        for top in _top_levels(distribution):
            source = Path(str(distribution.locate_file(top)))
            target = into / top
            if source.exists() and not target.exists():
                target.symlink_to(source, target_is_directory=source.is_dir())
    return into


def _top_levels(distribution: metadata.Distribution) -> set[str]:
    tops = set()
    for file in distribution.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".data")) or first == "..":
            continue
        tops.add(first)
    return tops

"""Which qsmith runtime modules a set of sources needs: the import closure, by ``ast``.

Starting from the client's modules, every import of ``qsmith.runtime`` (or
``qsmith.testing``, when vendored) pulls in that module, the packages above it (importing
a module runs their ``__init__``) and, for ``from package import name``, the submodule
``name`` when there is one. Any other ``qsmith`` import is an error: nothing outside those
packages can be vendored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qsmith.codegen.vendor.imports import ImportSite, ancestors, import_sites, third_party
from qsmith.runtime.errors import CodegenError

QSMITH = "qsmith"


@dataclass
class Closure:
    """The modules to vendor (name -> file) and the third-party packages they import."""

    modules: dict[str, Path] = field(default_factory=dict)
    third_party: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Source:
    """A module to start from: its dotted name, text, and whether it is a package."""

    module: str
    text: str
    is_package: bool
    filename: str


def import_closure(
    starts: list[Source],
    available: Mapping[str, Path],
    roots: tuple[str, ...],
    *,
    internal: tuple[str, ...] = (),
) -> Closure:
    """The modules of ``available`` (under ``roots``) that ``starts`` need, transitively.

    Imports of the ``internal`` packages (the clients being vendored, which ``starts``
    already holds) are not followed.
    """
    closure = Closure()
    pending = list(starts)
    while pending:
        source = pending.pop()
        sites = import_sites(
            source.text, source.module, is_package=source.is_package, filename=source.filename
        )
        closure.third_party |= third_party(site.module for site in sites)
        sites = [s for s in sites if not _within(s.module, internal)]
        for name in _needed(sites, available, roots, source.filename):
            if name in closure.modules:
                continue
            path = available[name]
            closure.modules[name] = path
            text = path.read_text(encoding="utf-8")
            pending.append(Source(name, text, path.name == "__init__.py", str(path)))
    return closure


def _needed(
    sites: list[ImportSite], available: Mapping[str, Path], roots: tuple[str, ...], filename: str
) -> list[str]:
    needed: list[str] = []
    for site in sites:
        if site.module.split(".")[0] != QSMITH:
            continue
        root = next((r for r in roots if _within(site.module, (r,))), None)
        if root is None:
            raise CodegenError(
                f"{filename}:{site.line}: imports {site.module}, which cannot be vendored "
                f"(only {', '.join(roots)})"
            )
        if site.module not in available:
            raise CodegenError(f"{filename}:{site.line}: imports {site.module}, which is missing")
        needed += [*ancestors(site.module, root), site.module]
        needed += [f"{site.module}.{n}" for n in site.names if f"{site.module}.{n}" in available]
    return needed


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)

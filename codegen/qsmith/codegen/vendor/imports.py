"""The import graph of Python sources, read with ``ast``: what a module imports, anywhere.

Every ``import`` and ``from ... import`` counts, at module level or inside a function,
a ``TYPE_CHECKING`` block or a ``try``: a vendored tree must import (and type-check)
without the package it was copied from. Dynamic imports (``importlib.import_module``
with a literal name) are reported too, so nothing escapes the walk.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qsmith.runtime.errors import CodegenError

_DYNAMIC_IMPORTERS = ("import_module", "__import__")


@dataclass(frozen=True)
class ImportSite:
    """One imported module name (absolute), where it is imported."""

    module: str
    line: int
    # For ``from M import a``: the names, which may be submodules of M.
    names: tuple[str, ...] = ()


def module_files(package: str) -> dict[str, Path]:
    """Dotted module name -> source file of ``package`` and every module beneath it."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise CodegenError(f"{package} is not an installed package")
    files: dict[str, Path] = {}
    for location in spec.submodule_search_locations:
        root = Path(location)
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join((package, *parts))] = path
    return files


def import_sites(source: str, module: str, *, is_package: bool, filename: str) -> list[ImportSite]:
    """Every module ``source`` imports, relative imports made absolute."""
    tree = ast.parse(source, filename=filename)
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            sites += [ImportSite(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package=is_package, filename=filename)
            names = tuple(alias.name for alias in node.names if alias.name != "*")
            sites.append(ImportSite(base, node.lineno, names))
        elif isinstance(node, ast.Call) and _dynamic_target(node) is not None:
            sites.append(ImportSite(_dynamic_target(node) or "", node.lineno))
    return sites


def _dynamic_target(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in _DYNAMIC_IMPORTERS or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _absolute(node: ast.ImportFrom, module: str, *, is_package: bool, filename: str) -> str:
    if node.level == 0:
        return node.module or ""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    if node.level - 1 >= len(package_parts):
        raise CodegenError(f"{filename}:{node.lineno}: relative import beyond the top package")
    base = package_parts[: len(package_parts) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def third_party(modules: Iterable[str]) -> set[str]:
    """Top-level names among ``modules`` that are neither the standard library nor qsmith."""
    tops = {m.split(".")[0] for m in modules if m}
    return {
        t for t in tops if t not in sys.stdlib_module_names and t not in ("qsmith", "__future__")
    }


def ancestors(module: str, root: str) -> Iterator[str]:
    """``root`` and every package between it and ``module`` (``module`` excluded)."""
    parts = module.split(".")
    for end in range(len(root.split(".")), len(parts)):
        yield ".".join(parts[:end])

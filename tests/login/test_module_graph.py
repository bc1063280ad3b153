"""The modules of ``qsmith.login`` import each other one way only (issue 21: the profile
adapter cycle). Every import counts, including those inside functions: a deferred import
hides a cycle from the interpreter, not from a reader."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.shared import REPO_ROOT

PACKAGE = "qsmith.login"
FOLDER = REPO_ROOT / "apps" / "qsmith" / "login"


def _imported_siblings(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    prefix = PACKAGE + "."
    return {name[len(prefix) :].split(".")[0] for name in names if name.startswith(prefix)}


def import_graph() -> dict[str, set[str]]:
    modules = {path.stem: path for path in FOLDER.glob("*.py") if path.stem != "__init__"}
    return {name: _imported_siblings(path) & set(modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path of module names, or ``[]``."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for target in sorted(graph[module]):
            cycle = visit(target, [*path, module])
            if cycle:
                return cycle
        done.add(module)
        return []

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle:
            return cycle
    return []


def test_the_login_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "profiles" in graph["profile_adapter"]  # the adapter depends on the interface
    assert find_cycle(graph) == []


def test_the_cycle_finder_finds_a_deferred_import_cycle() -> None:
    graph = {"profiles": {"profile_adapter"}, "profile_adapter": {"profiles"}, "state": set()}
    assert find_cycle(graph) == ["profile_adapter", "profiles", "profile_adapter"]

"""The runtime's seams: protocol facts live with the protocol, service facts with the service.

An AST scan of every module under runtime/qsmith: a protocol's trait id or short name may
appear as a string only in that protocol's own module and in the registry
(``qsmith.runtime.protocols``), so choosing by string membership cannot creep back; and
no string anywhere in the generic runtime names an Amazon Q service (their behaviour
comes from their models, see models/README.md).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from qsmith.runtime.protocols import PROTOCOLS
from tests.support.shared import REPO_ROOT

RUNTIME = REPO_ROOT / "runtime" / "qsmith"
REGISTRY = RUNTIME / "runtime" / "protocols" / "__init__.py"
Q_SERVICE = re.compile(r"codewhisperer|qdeveloper|consolas", re.IGNORECASE)


def _module_file(trait_id: str) -> Path:
    module = PROTOCOLS[trait_id].__module__
    return REPO_ROOT / "runtime" / Path(*module.split(".")).with_suffix(".py")


def _protocol_names() -> dict[str, Path]:
    """Each protocol name (trait id and short name) and the module allowed to say it."""
    names: dict[str, Path] = {}
    for trait_id in PROTOCOLS:
        home = _module_file(trait_id)
        names[trait_id] = home
        names[trait_id.rpartition("#")[2]] = home
    return names


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings(path: Path, *, docstrings: bool) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = set() if docstrings else _docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def test_the_registry_knows_every_protocol_module() -> None:
    names = _protocol_names()
    assert len(names) == 2 * len(PROTOCOLS)
    assert all(path.is_file() for path in names.values())


def test_protocol_names_appear_only_in_their_module_and_the_registry() -> None:
    names = _protocol_names()
    strays = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {text!r}"
        for path in sorted(RUNTIME.rglob("*.py"))
        if path != REGISTRY
        for line, text in _strings(path, docstrings=False)
        if text in names and names[text] != path
    ]
    assert strays == []


def test_the_generic_runtime_names_no_amazon_q_service() -> None:
    strays = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {text[:60]!r}"
        for path in sorted(RUNTIME.rglob("*.py"))
        for line, text in _strings(path, docstrings=True)
        if Q_SERVICE.search(text)
    ]
    assert strays == []

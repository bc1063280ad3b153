"""Facts every wheel must carry: the licence text, and ``py.typed`` for each package so
strict type checkers read qsmith's annotations."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.support.shared import REPO_ROOT

CODE_DIRS = ("runtime", "codegen", "generated", "apps")


def packages_in_tree() -> set[str]:
    """``qsmith.<name>`` for every folder directly under a code dir's ``qsmith/``."""
    return {
        f"qsmith/{folder.name}"
        for code in CODE_DIRS
        for folder in (REPO_ROOT / code / "qsmith").iterdir()
        if folder.is_dir() and any(folder.glob("*.py"))
    }


def test_the_licence_is_apache_2_and_the_runtime_has_the_same_text() -> None:
    text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text  # the full text, not a pointer to it
    assert (REPO_ROOT / "runtime" / "LICENSE").read_text(encoding="utf-8") == text


def test_every_package_in_the_tree_is_typed() -> None:
    missing = sorted(p for p in packages_in_tree() if not any(REPO_ROOT.glob(f"*/{p}/py.typed")))
    assert not missing, missing


def test_every_wheel_carries_the_licence_and_py_typed(wheels: dict[str, Path]) -> None:
    shipped: set[str] = set()
    for name, wheel in wheels.items():
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), name
        folders = {"/".join(n.split("/")[:2]) for n in names if n.startswith("qsmith/")}
        typed = {"/".join(n.split("/")[:2]) for n in names if n.endswith("/py.typed")}
        assert folders == typed | {f for f in folders if f.endswith(".py")}, (name, folders - typed)
        shipped |= folders
    assert shipped >= packages_in_tree()

"""Rewrite vendored sources to their new package, and prove no ``qsmith`` import is left.

The rewrite is textual on purpose: a dotted name such as ``qsmith.runtime.client`` is
replaced wherever it stands (imports, ``import a.b`` attribute chains, docstrings), so the
code, its documentation and its type-checking imports stay consistent. The scan that
follows parses every file again and refuses the tree if any import (static, or dynamic
with a literal name) still names ``qsmith``, or names a vendored module that is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from qsmith.codegen.vendor.imports import import_sites


def rewriter(renames: Mapping[str, str]) -> re.Pattern[str]:
    """A pattern matching any of the dotted names (whole names, not prefixes of words)."""
    names = sorted(renames, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def rewrite_source(text: str, pattern: re.Pattern[str], renames: Mapping[str, str]) -> str:
    return pattern.sub(lambda match: renames[match.group(1)], text)


def module_of(relative_path: str, package: str) -> tuple[str, bool]:
    """The dotted module name of a file of the vendored tree, and whether it is a package."""
    parts = relative_path.removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join([package, *parts]), is_package


def leftover_problems(files: Mapping[str, str], package: str) -> list[str]:
    """``path:line: ...`` for every import of qsmith, or of a vendored module that is absent."""
    modules = {module_of(p, package)[0] for p in files if p.endswith(".py")}
    problems = []
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        module, is_package = module_of(path, package)
        for site in import_sites(text, module, is_package=is_package, filename=path):
            if site.module.split(".")[0] == "qsmith":
                problems.append(f"{path}:{site.line}: still imports {site.module}")
            elif _inside(site.module, package) and site.module not in modules:
                problems.append(f"{path}:{site.line}: imports {site.module}, not vendored")
    return problems


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")

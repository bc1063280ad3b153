"""Import code a test wrote to a scratch folder, then forget it.

Python caches imported modules in ``sys.modules``; a test that imports a scratch package
must drop those entries afterwards, or a later test importing a package of the same name
would silently get the old one.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def forget(package: str) -> None:
    """Drop ``package`` and every module below it from ``sys.modules``."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


@contextmanager
def importable(folder: Path, package: str) -> Iterator[Path]:
    """``folder`` on ``sys.path`` while in use; afterwards ``package`` is forgotten."""
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))
        forget(package)

"""A folder built once per test run and shared by every pytest-xdist worker.

A session-scoped fixture runs once per worker; what it builds (wheels, generated clients)
is the same for all of them. ``built_once`` builds it in the run's common temporary folder
under a file lock: the first worker builds, the others wait and reuse it. Without xdist the
folder is the session's own. A failed build leaves no folder behind, so the next worker
tries again and fails the same way.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ["built_once"]


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """``<run temp>/name``, made by ``build(folder)`` unless another worker already did."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    folder = root / name
    done = root / f"{name}.built"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder

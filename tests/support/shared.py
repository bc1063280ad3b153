"""The one way tests find ``../shared`` (or ``$QSMITH_SHARED``).

When a file is missing the test is skipped with a message naming it, except under
``QSMITH_REQUIRE_SHARED=1`` (set by ``.ci/run``), where a missing file fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_root() -> Path:
    configured = os.environ.get("QSMITH_SHARED")
    return Path(configured) if configured else REPO_ROOT.parent / "shared"


def shared_required() -> bool:
    return os.environ.get("QSMITH_REQUIRE_SHARED") == "1"


def shared_path(*parts: str) -> Path:
    """Path of a file or folder under shared/; skips (or fails under CI) when absent."""
    path = shared_root().joinpath(*parts)
    if not path.exists():
        message = f"shared test data missing: {path}"
        if shared_required():
            pytest.fail(message + " (QSMITH_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return path

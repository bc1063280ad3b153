"""The slow-modules-first list in tests/conftest.py names modules that exist."""

from __future__ import annotations

from tests.conftest import SLOWEST_MODULES_FIRST
from tests.support.shared import REPO_ROOT


def test_every_module_named_first_exists_once() -> None:
    missing = [m for m in SLOWEST_MODULES_FIRST if not (REPO_ROOT / m).is_file()]
    assert missing == []
    assert len(set(SLOWEST_MODULES_FIRST)) == len(SLOWEST_MODULES_FIRST)

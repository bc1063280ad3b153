"""The repository's wheels, built once per test run (shared by xdist workers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.once import built_once
from tests.support.wheels import build_wheels, wheels_in


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return wheels_in(built_once(tmp_path_factory, "wheels", build_wheels))

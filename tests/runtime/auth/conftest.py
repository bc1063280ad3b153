"""Isolation for identity tests: a fake HOME and no AWS_*/QSMITH_* variables from the host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    keep = {"QSMITH_SHARED", "QSMITH_REQUIRE_SHARED"}
    for name in list(os.environ):
        if name.startswith(("AWS_", "QSMITH_")) and name not in keep:
            monkeypatch.delenv(name)
    return home

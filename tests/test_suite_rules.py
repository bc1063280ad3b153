"""How the suite itself runs: the slow-modules-first list, and missing outside programs."""

from __future__ import annotations

import pytest

from tests.conftest import SLOWEST_MODULES_FIRST
from tests.support.shared import REPO_ROOT
from tests.support.tools import tool_missing


def test_every_module_named_first_exists_once() -> None:
    missing = [m for m in SLOWEST_MODULES_FIRST if not (REPO_ROOT / m).is_file()]
    assert missing == []
    assert len(set(SLOWEST_MODULES_FIRST)) == len(SLOWEST_MODULES_FIRST)


def test_a_missing_program_skips_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QSMITH_REQUIRE_TOOLS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="redis-server is not installed"):
        tool_missing("redis-server is not installed")


def test_a_missing_program_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSMITH_REQUIRE_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match=r"codex .* \(QSMITH_REQUIRE_TOOLS=1\)"):
        tool_missing("codex (Codex CLI, from npm) is not installed")

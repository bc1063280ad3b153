"""The one way a test reports a missing outside program (redis-server, chromium, an npm
agent): skipped with a message naming it and how to install it, except under
``QSMITH_REQUIRE_TOOLS=1`` (set by ``.ci/run``, which installs them), where it fails the run,
so that CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["tool_missing", "tools_required"]


def tools_required() -> bool:
    return os.environ.get("QSMITH_REQUIRE_TOOLS") == "1"


def tool_missing(message: str) -> NoReturn:
    """Skip with ``message`` (the program and how to install it), or fail under CI."""
    if tools_required():
        pytest.fail(message + " (QSMITH_REQUIRE_TOOLS=1)")
    pytest.skip(message)

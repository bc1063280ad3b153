from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from qsmith.testing import LoopbackServer

settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A running loopback HTTP server, stopped after the test."""
    with LoopbackServer() as server:
        yield server

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from qsmith.runtime.redaction import LOGGERS_TO_REDACT, RedactingFilter, install_log_redaction
from qsmith.testing.raw_server import RawSocketServer


@pytest.fixture
def redacted_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for every logger, with qsmith's redaction installed (then removed)."""
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog
    for name in LOGGERS_TO_REDACT:
        logger = logging.getLogger(name)
        for log_filter in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(log_filter)


@pytest.fixture(scope="module")
def server() -> Iterator[RawSocketServer]:
    """One raw-socket loopback server for a module's wire fault cells."""
    with RawSocketServer() as running:
        yield running


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff the shells would sleep, recorded instead of slept."""
    slept: list[float] = []

    def record(seconds: float, deadline: object) -> None:
        slept.append(seconds)

    async def arecord(seconds: float, deadline: object) -> None:
        slept.append(seconds)

    monkeypatch.setattr("qsmith.runtime.client.sync._sleep", record)
    monkeypatch.setattr("qsmith.runtime.client.aio._sleep", arecord)
    return slept

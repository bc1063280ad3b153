from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from qsmith.runtime.redaction import LOGGERS_TO_REDACT, RedactingFilter, install_log_redaction


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

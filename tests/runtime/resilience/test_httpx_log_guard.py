"""The guard behind the client fault matrix's log checks: they can fail.

Unfiltered, httpx logs a presigned URL's signature at INFO; with qsmith's redaction
installed the same call leaves no canary in any record. (The fault matrix itself runs
against the real generated clients: ``test_client_fault_matrix.py``.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from qsmith.runtime.redaction import LOGGERS_TO_REDACT, RedactingFilter
from qsmith.runtime.retry import StandardRetryStrategy
from qsmith.runtime.transport import TransportConfig, build_sync_client
from qsmith.testing import FakeService, json_response
from tests.runtime.resilience.loop import CANARIES, Call, call_sync

OPERATION = "GenerateThing"


def _call(url: str) -> Call:
    return Call(
        url=url,
        operation=OPERATION,
        strategy=StandardRetryStrategy(),
        config=TransportConfig(trust_env=False),
    )


@pytest.fixture
def unfiltered() -> Iterator[None]:
    """No redacting filter on any logger (clients built by earlier tests installed one)."""
    removed: list[tuple[logging.Logger, logging.Filter]] = []
    for name in LOGGERS_TO_REDACT:
        logger = logging.getLogger(name)
        for log_filter in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(log_filter)
            removed.append((logger, log_filter))
    yield
    for logger, log_filter in removed:
        logger.addFilter(log_filter)


def test_without_redaction_the_canaries_do_reach_httpx_logs(
    unfiltered: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    with FakeService("awsJson1_0") as fake:
        fake.set_default(OPERATION, json_response({"ok": True}))
        with httpx.Client(trust_env=False) as client:
            call_sync(client, _call(fake.url))
    assert any(CANARIES[0] in r.getMessage() for r in caplog.records)


def test_with_redaction_no_canary_reaches_httpx_logs(
    redacted_logs: pytest.LogCaptureFixture,
) -> None:
    with FakeService("awsJson1_0") as fake:
        fake.set_default(OPERATION, json_response({"ok": True}))
        call = _call(fake.url)
        with build_sync_client(call.config) as client:
            call_sync(client, call)
    assert any(r.name == "httpx" for r in redacted_logs.records)
    for record in redacted_logs.records:
        assert all(canary not in record.getMessage() for canary in CANARIES), record.name

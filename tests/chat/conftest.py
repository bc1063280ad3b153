"""Chat tests never reach the real STS: a ``custom:`` conversation looks up the caller's account."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(autouse=True)
def sts_on_a_closed_loopback_port(monkeypatch: pytest.MonkeyPatch) -> str:
    """``AWS_ENDPOINT_URL_STS`` at a port nothing listens on (tests that fake STS replace it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
    return url

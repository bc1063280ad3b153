"""One fake Amazon Q and one served gateway per test module; scripts reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed: pip install 'qsmith[gateway]'"
)

from qsmith.gateway.app import GatewayConfig  # noqa: E402
from qsmith.gateway.q_backend import AmazonQBackend  # noqa: E402
from tests.gateway.harness import FakeQ, ServedGateway  # noqa: E402


@pytest.fixture(scope="module")
def fake_q_server() -> Iterator[FakeQ]:
    with FakeQ() as service:
        yield service


@pytest.fixture
def fake_q(fake_q_server: FakeQ) -> FakeQ:
    fake_q_server.reset()
    fake_q_server.script_defaults()
    return fake_q_server


@pytest.fixture(scope="module")
def backend(fake_q_server: FakeQ) -> AmazonQBackend:
    return AmazonQBackend(token="token-canary", endpoint_url=fake_q_server.url, max_attempts=1)


@pytest.fixture(scope="module")
def gateway(backend: AmazonQBackend) -> Iterator[ServedGateway]:
    with ServedGateway(backend, GatewayConfig(keepalive_interval=5.0, models_ttl=0.0)) as served:
        yield served

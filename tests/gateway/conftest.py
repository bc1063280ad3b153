from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed: pip install 'qsmith[gateway]'"
)

from qsmith.gateway.app import GatewayConfig
from qsmith.gateway.q_backend import AmazonQBackend
from tests.gateway.harness import FakeQ, ServedGateway

API_KEY = "gateway-key-canary"


@pytest.fixture
def fake_q() -> Iterator[FakeQ]:
    with FakeQ() as service:
        yield service


@pytest.fixture
def backend(fake_q: FakeQ) -> AmazonQBackend:
    return AmazonQBackend(token="token-canary", endpoint_url=fake_q.url, max_attempts=1)


@pytest.fixture
def gateway(backend: AmazonQBackend) -> Iterator[ServedGateway]:
    with ServedGateway(backend, GatewayConfig(keepalive_interval=5.0)) as served:
        yield served

"""One fake Amazon Q and one served gateway per test module; scripts reset per test.

Nothing here imports the gateway extra at import time: each test module skips itself
(with the install hint) when the extra or an SDK is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from qsmith.gateway.chat_backend import ChatBackend
    from tests.gateway.harness import FakeQ, ServedGateway


@pytest.fixture(scope="module")
def fake_q_server() -> Iterator[FakeQ]:
    from tests.gateway.harness import FakeQ

    with FakeQ() as service:
        yield service


@pytest.fixture
def fake_q(fake_q_server: FakeQ) -> FakeQ:
    fake_q_server.reset()
    fake_q_server.script_defaults()
    return fake_q_server


@pytest.fixture(scope="module")
def backend(fake_q_server: FakeQ) -> ChatBackend:
    from qsmith.gateway.chat_backend import ChatBackend

    return ChatBackend(token="token-canary", endpoint_url=fake_q_server.url, max_attempts=1)


@pytest.fixture(scope="module")
def gateway(backend: ChatBackend) -> Iterator[ServedGateway]:
    from qsmith.gateway.app import GatewayConfig
    from tests.gateway.harness import ServedGateway

    with ServedGateway(backend, GatewayConfig(keepalive_interval=5.0, models_ttl=0.0)) as served:
        yield served

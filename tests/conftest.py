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

# `make test` runs pytest-xdist with `--dist loadscope --no-loadscope-reorder`: whole modules
# go to workers in collection order. The modules that take longest (generating and
# type-checking scratch clients, or waiting on servers and timeouts) are collected first,
# so that the run ends on small modules spread over every worker rather than on one worker
# alone with a long module. Measured on 2 cores; the order changes speed only.
SLOWEST_MODULES_FIRST = (
    "tests/codegen/test_own_models.py",
    "tests/codegen/c2j/test_botocore_models.py",
    "tests/codegen/test_waiters.py",
    "tests/codegen/test_protocol_round_trips.py",
    "tests/protocols/test_smithy_protocol_tests.py",
    "tests/telemetry/test_codegen.py",
    "tests/runtime/resilience/test_wire_fault_matrix.py",
    "tests/pool/test_two_processes.py",
    "tests/pool/test_failover_acceptance.py",
    "tests/integration/test_generated_clients.py",
    "tests/codegen/c2j/test_botocore_protocol_sample.py",
    "tests/vendor/test_vendor.py",
    "tests/login/test_cli.py",
    "tests/runtime/resilience/test_client_fault_matrix.py",
    "tests/vendor/test_vendor_streaming.py",
    "tests/codegen/test_endpoint_operation_inputs.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {module: index for index, module in enumerate(SLOWEST_MODULES_FIRST)}
    last = len(rank)
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], last))


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A running loopback HTTP server, stopped after the test."""
    with LoopbackServer() as server:
        yield server

"""The protocol-test services, generated once per run (shared by xdist workers) into a scratch
folder.

They are importable as ``qsmith.clients.protocoltest_<service>`` while the session runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qsmith.codegen.conformance.protocol_cases import VECTORS
from qsmith.codegen.conformance.protocol_clients import (
    generate_protocol_clients,
    importable_clients,
)
from qsmith.codegen.formatting import DEFAULT_CACHE_DIR
from tests.support.once import built_once
from tests.support.shared import REPO_ROOT, shared_path


@dataclass(frozen=True)
class ProtocolClients:
    root: Path  # holds qsmith/clients/<package>/
    packages: dict[str, str]  # service id -> package name


@pytest.fixture(scope="session")
def protocol_clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProtocolClients]:
    shared = shared_path(*VECTORS).parents[2]

    def generate(root: Path) -> None:
        cache_dir = REPO_ROOT / DEFAULT_CACHE_DIR
        packages = generate_protocol_clients(shared, root, black=True, cache_dir=cache_dir)
        (root / "packages.json").write_text(json.dumps(packages), encoding="utf-8")

    root = built_once(tmp_path_factory, "protocol-clients", generate)
    packages = json.loads((root / "packages.json").read_text(encoding="utf-8"))
    with importable_clients(root):
        yield ProtocolClients(root, packages)

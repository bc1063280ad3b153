"""The official Smithy protocol tests, client side, for every protocol qsmith speaks.

Every case runs through clients generated from the test models (see conftest.py): the
request is built by the client core from the generated input class; responses, errors
and event streams are read into the generated classes. The cases, their checks and the
known failures are ``qsmith.codegen.conformance``'s, shared with ``qsmith conformance``.
"""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.codegen.conformance.protocol_cases import PROTOCOLS, VECTORS, ProtocolCase, collect
from qsmith.codegen.conformance.protocol_checks import check_protocol_case
from qsmith.codegen.conformance.protocol_clients import CLIENTS_SUBDIR
from tests.protocols.conftest import ProtocolClients
from tests.support.mypy_run import mypy_strict
from tests.support.shared import REPO_ROOT, shared_path, shared_root


def _params() -> list[Any]:
    params: list[Any] = []
    for protocol in PROTOCOLS:
        cases = collect(protocol, shared_root())
        if not cases:  # data missing: one case that skips (or fails under CI) by name
            params.append(pytest.param(None, id=f"{protocol}:missing-data"))
        for case in cases:
            reason = KNOWN_FAILURES[protocol].get(case.id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_protocol_case(case: ProtocolCase | None, protocol_clients: ProtocolClients) -> None:
    shared_path(*VECTORS)
    assert case is not None
    check_protocol_case(case, protocol_clients.packages)


def test_every_protocol_has_its_cases() -> None:
    shared_path(*VECTORS)
    counts = {p: len(collect(p, shared_root())) for p in PROTOCOLS}
    assert counts == {
        "restJson1": 328,
        "awsJson1_0": 70,
        "awsJson1_1": 118,
        "awsQuery": 78,
        "ec2Query": 60,
        "restXml": 191,
        "restXmlWithNamespace": 2,
        "rpcv2Cbor": 72,
        "rpcv2Json": 73,
        "rpcv2CborAws": 4,
    }


def test_known_failures_name_real_cases() -> None:
    shared_path(*VECTORS)
    for protocol in PROTOCOLS:
        collected = {case.id for case in collect(protocol, shared_root())}
        stale = sorted(set(KNOWN_FAILURES[protocol]) - collected)
        assert not stale, f"{protocol} known failures that name no case: {stale}"


def test_generated_protocol_clients_pass_mypy_strict(protocol_clients: ProtocolClients) -> None:
    """The widest test of the generator's output: every shape the protocol tests model."""
    root = protocol_clients.root
    config = root / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = True\npython_version = 3.11\n"
        "explicit_package_bases = True\nnamespace_packages = True\n"
    )
    # The scratch tree stands in for generated/ (both hold qsmith.clients).
    path = [root, *(REPO_ROOT / folder for folder in ("runtime", "codegen", "apps"))]
    packages = [str(CLIENTS_SUBDIR / p) for p in sorted(protocol_clients.packages.values())]
    result = mypy_strict(*packages, cwd=root, mypy_path=path, config=config)
    assert result.returncode == 0, result.stdout + result.stderr

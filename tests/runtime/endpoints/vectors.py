"""The endpoint test cases under ``../shared/vectors/endpoints`` (read in place).

Loading lives in ``qsmith.codegen.conformance.endpoints`` (shared with ``qsmith
conformance``); these helpers bind it to the tests' shared folder. A missing shared
tree yields no cases; the presence test in ``test_vectors.py`` then skips (or fails
under QSMITH_REQUIRE_SHARED=1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qsmith.codegen.conformance import endpoints
from qsmith.codegen.conformance.endpoints import EndpointCase as Case
from tests.support.shared import shared_root

__all__ = ["Case", "all_cases", "codewhisperer_bdd", "endpoints_root"]


def endpoints_root() -> Path:
    return endpoints.endpoints_root(shared_root())


def all_cases() -> list[Case]:
    return endpoints.all_endpoint_cases(shared_root())


def codewhisperer_bdd() -> dict[str, Any]:
    return endpoints.codewhisperer_bdd(shared_root())

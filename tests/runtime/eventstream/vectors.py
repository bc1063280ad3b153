"""The event stream vectors of ``shared/vectors/eventstream/`` for the tests.

Loading lives in ``qsmith.codegen.conformance.eventstream`` (shared with ``qsmith
conformance``). Cases are listed at collection time (one test id per case); when the
data is missing, a single placeholder case asks ``shared_path`` for it inside the test,
which skips, or fails under ``QSMITH_REQUIRE_SHARED=1``.
"""

from __future__ import annotations

from qsmith.codegen.conformance.eventstream import FILES, VECTOR_DIR, expected_header, load_vectors
from qsmith.codegen.conformance.eventstream import Vector as Case
from tests.support.shared import shared_path, shared_root

__all__ = ["MISSING", "Case", "expected_header", "load_cases", "require"]

MISSING = Case("missing", "shared data", {})


def load_cases() -> list[Case]:
    """Every case of every file, or ``[MISSING]`` when the folder is absent."""
    return load_vectors(shared_root()) or [MISSING]


def require(case: Case) -> None:
    """Skip or fail (under CI) when the case is the missing-data placeholder."""
    if case is MISSING:
        for name in FILES:
            shared_path(*VECTOR_DIR, name)

"""Every endpoint test case under ../shared/vectors/endpoints, as one pytest case each.

The cases and their checks are ``qsmith.codegen.conformance.endpoints``'s, shared with
``qsmith conformance``: the Smithy rules-engine compliance tests and validator fixtures,
the AWS endpoint-function tests, real services' rule sets with their tests, and the
CodeWhisperer streaming decision diagram against its legacy region table. Cases with
``operationInputs`` also run once per input, binding parameters the way a client does.
"""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.conformance.base import Case
from qsmith.codegen.conformance.endpoints import endpoint_cases
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from tests.runtime.endpoints.vectors import all_cases, endpoints_root
from tests.support.shared import shared_path, shared_root

CASES = endpoint_cases(shared_root())
KNOWN = KNOWN_FAILURES["endpoints"]


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=(
                [pytest.mark.xfail(reason=KNOWN[case.id], strict=True)] if case.id in KNOWN else []
            ),
        )
        for case in CASES
    ]


def test_shared_vectors_are_present() -> None:
    shared_path("vectors", "endpoints")
    count = len(all_cases())
    assert count >= 1900, f"only {count} endpoint cases found under {endpoints_root()}"


def test_known_failures_name_real_cases() -> None:
    shared_path("vectors", "endpoints")
    assert set(KNOWN) <= {case.id for case in CASES}


@pytest.mark.parametrize("case", _params())
def test_endpoint_case(case: Case) -> None:
    case.check()

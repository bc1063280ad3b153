"""Every case of the SigV4 suites in shared/vectors/sigv4 (aws-c-auth v4, botocore, smithy-rs).

The cases and their checks are ``qsmith.codegen.conformance.sigv4``'s, shared with
``qsmith conformance``: 38 aws-c-auth cases signed twice (header and presigned query),
34 botocore cases and 2 smithy-rs double-encoding cases. Known failures: the shared
list (empty); no case is skipped.
"""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.conformance.base import Case
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.codegen.conformance.sigv4 import aws_c_auth_names, botocore_names, sigv4_cases
from qsmith.runtime.auth.sigv4 import canonical_path
from tests.support.shared import shared_path, shared_root

KNOWN = KNOWN_FAILURES["sigv4"]


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=(
                [pytest.mark.xfail(strict=True, reason=KNOWN[case.id])] if case.id in KNOWN else []
            ),
        )
        for case in sigv4_cases(shared_root())
    ]


def test_suites_are_complete() -> None:
    shared_path("vectors", "sigv4", "aws-c-auth", "v4")
    shared_path("vectors", "sigv4", "botocore", "aws4_testsuite")
    shared_path("vectors", "sigv4", "smithy-rs-extras")
    assert len(aws_c_auth_names(shared_root())) == 38
    assert len(botocore_names(shared_root())) == 34
    assert len(sigv4_cases(shared_root())) == 38 * 2 + 34 + 2


def test_known_failures_name_real_cases() -> None:
    shared_path("vectors", "sigv4")
    assert set(KNOWN) <= {case.id for case in sigv4_cases(shared_root())}


@pytest.mark.parametrize("case", _params())
def test_sigv4_case(case: Case) -> None:
    case.check()


def test_single_encoding_switch_keeps_wire_path() -> None:
    assert canonical_path("/a%3Ab/c d", normalize=False, double_encode=False) == "/a%3Ab/c d"
    assert canonical_path("/a%3Ab", normalize=False, double_encode=True) == "/a%253Ab"
    assert canonical_path("//a/./b/../c//", normalize=True, double_encode=False) == "/a/c/"
    assert (
        canonical_path("//a/./b/../c//", normalize=False, double_encode=False) == "//a/./b/../c//"
    )

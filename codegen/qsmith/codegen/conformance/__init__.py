"""Conformance: the field's own test suites, run against qsmith.

Six suites — the Smithy protocol tests for restJson1, awsJson1_0 and awsJson1_1 (through
clients generated from the test models), the SigV4 suites, the event stream vectors and
the endpoint rule tests — as named cases shared by pytest and ``qsmith conformance``,
with one known-failures list per suite (``known_failures``).
"""

from __future__ import annotations

from qsmith.codegen.conformance.base import Case, CaseMismatch, SuiteReport, run_cases
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.codegen.conformance.runner import SUITE_NAMES, format_reports, run_all

__all__ = [
    "KNOWN_FAILURES",
    "SUITE_NAMES",
    "Case",
    "CaseMismatch",
    "SuiteReport",
    "format_reports",
    "run_all",
    "run_cases",
]

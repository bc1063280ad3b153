"""The protocol suites (restJson1, awsJson1_0, awsJson1_1) as conformance cases."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

from qsmith.codegen.conformance.base import Case
from qsmith.codegen.conformance.protocol_cases import collect
from qsmith.codegen.conformance.protocol_checks import check_protocol_case

__all__ = ["protocol_suite_cases"]


def protocol_suite_cases(protocol: str, shared: Path, packages: Mapping[str, str]) -> list[Case]:
    """Every client case of one protocol, checked through the generated ``packages``."""
    return [
        Case(case.id, partial(check_protocol_case, case, packages))
        for case in collect(protocol, shared)
    ]

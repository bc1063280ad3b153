"""Run every conformance suite and report one line per suite, then the failing cases."""

from __future__ import annotations

import tempfile
from pathlib import Path

from qsmith.codegen.conformance.base import SuiteReport, run_cases
from qsmith.codegen.conformance.endpoints import endpoint_cases
from qsmith.codegen.conformance.eventstream import eventstream_cases
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.codegen.conformance.protocol_cases import PROTOCOLS, VECTORS
from qsmith.codegen.conformance.protocol_clients import (
    generate_protocol_clients,
    importable_clients,
)
from qsmith.codegen.conformance.protocols import protocol_suite_cases
from qsmith.codegen.conformance.sigv4 import sigv4_cases, suite_dir
from qsmith.runtime.errors import ConfigError

__all__ = ["MissingSharedData", "format_reports", "run_all"]

SUITE_NAMES = (*PROTOCOLS, "sigv4", "eventstream", "endpoints")


class MissingSharedData(ConfigError):
    """The shared test data folder lacks a suite's vectors."""


def run_all(shared: Path) -> list[SuiteReport]:
    """Every suite, in the order of SUITE_NAMES, against the vectors under ``shared``."""
    _require(shared)
    reports = []
    with tempfile.TemporaryDirectory(prefix="qsmith-conformance-") as scratch:
        # Formatting never changes behaviour; leaving black out keeps the command quick.
        packages = generate_protocol_clients(shared, Path(scratch), black=False)
        with importable_clients(Path(scratch)):
            for protocol in PROTOCOLS:
                cases = protocol_suite_cases(protocol, shared, packages)
                reports.append(run_cases(protocol, cases, KNOWN_FAILURES[protocol]))
    reports.append(run_cases("sigv4", sigv4_cases(shared), KNOWN_FAILURES["sigv4"]))
    reports.append(
        run_cases("eventstream", eventstream_cases(shared), KNOWN_FAILURES["eventstream"])
    )
    reports.append(run_cases("endpoints", endpoint_cases(shared), KNOWN_FAILURES["endpoints"]))
    return reports


def _require(shared: Path) -> None:
    needed = [
        shared.joinpath(*VECTORS),
        suite_dir(shared),
        shared / "vectors" / "eventstream",
        shared / "vectors" / "endpoints",
    ]
    missing = [str(p) for p in needed if not p.is_dir()]
    if missing:
        raise MissingSharedData(f"shared test data missing: {', '.join(missing)}")


def format_reports(reports: list[SuiteReport]) -> str:
    lines = [report.line() for report in reports]
    failures = [(r.name, case, why) for r in reports for case, why in r.failed]
    if failures:
        lines.append("")
        lines.append("failing cases:")
        lines += [f"  {name}: {case}: {why}" for name, case, why in failures]
    return "\n".join(lines)

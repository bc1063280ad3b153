"""What every conformance suite is made of: named cases, their checks, and a tally.

A case is a name and a check that raises when qsmith disagrees with the suite. The
same case lists drive pytest (one parametrized test per case) and ``qsmith
conformance`` (which runs them all and counts), so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "CaseMismatch", "SuiteReport", "expect", "expect_equal", "run_cases"]


class CaseMismatch(AssertionError):
    """qsmith's answer differs from the one a conformance case expects."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CaseMismatch(message)


def expect_equal(got: Any, want: Any, what: str) -> None:
    if got != want:
        raise CaseMismatch(f"{what}: got {got!r}, expected {want!r}")


@dataclass(frozen=True)
class Case:
    """One named case of a suite; ``check()`` raises when qsmith gets it wrong."""

    id: str
    check: Callable[[], None] = field(compare=False, repr=False)


@dataclass
class SuiteReport:
    name: str
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case id, why)
    known: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.name}: {len(self.passed)} passed, {len(self.failed)} failed, "
            f"{len(self.known)} known failures"
        )


def run_cases(name: str, cases: Iterable[Case], known_failures: Mapping[str, str]) -> SuiteReport:
    """Run every case; a known failure that passes counts as failed (the list only shrinks)."""
    report = SuiteReport(name)
    for case in cases:
        try:
            case.check()
        except Exception as exc:  # any exception is the case failing; the report names it
            if case.id in known_failures:
                report.known.append(case.id)
            else:
                report.failed.append((case.id, f"{type(exc).__name__}: {exc}"[:500]))
        else:
            if case.id in known_failures:
                report.failed.append((case.id, "listed as a known failure but passes"))
            else:
                report.passed.append(case.id)
    return report

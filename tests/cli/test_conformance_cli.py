"""``qsmith conformance``: one line per suite, failing cases after, exit status 1 on failure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from qsmith.cli.main import main
from qsmith.codegen.conformance import Case, SuiteReport, format_reports, run_cases
from tests.support.shared import shared_path

LINE = re.compile(r"^(\w+): (\d+) passed, (\d+) failed, (\d+) known failures$")
SUITES = [
    "restJson1",
    "awsJson1_0",
    "awsJson1_1",
    "awsQuery",
    "ec2Query",
    "restXml",
    "restXmlWithNamespace",
    "rpcv2Cbor",
    "rpcv2Json",
    "rpcv2CborAws",
    "sigv4",
    "eventstream",
    "endpoints",
]


def _qsmith() -> list[str]:
    script = Path(sys.executable).with_name("qsmith")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from qsmith.cli.main import main; main()"]


def test_conformance_prints_one_line_per_suite_and_passes(tmp_path: Path) -> None:
    shared = shared_path("vectors").parent
    result = subprocess.run(
        [*_qsmith(), "conformance", "--shared", str(shared)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    parsed = [LINE.match(line) for line in lines[: len(SUITES)]]
    assert all(parsed), lines
    counts = {m.group(1): tuple(int(g) for g in m.groups()[1:]) for m in parsed if m}
    assert list(counts) == SUITES
    for suite, (passed, failed, _known) in counts.items():
        assert passed > 0 and failed == 0, (suite, counts[suite])
    for protocol in ("awsJson1_0", "awsJson1_1", "awsQuery", "ec2Query", "rpcv2Cbor"):
        assert counts[protocol][2] == 0
    assert lines[len(SUITES) :] == []  # nothing failed, so no case names follow


def test_missing_shared_data_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["conformance", "--shared", str(tmp_path / "none")])
    assert exited.value.code == 1
    assert "error: shared test data missing" in capsys.readouterr().err


def _fail() -> None:
    raise AssertionError("wrong answer")


def test_a_failing_case_is_named_and_a_fixed_known_failure_fails() -> None:
    cases = [
        Case("ok", lambda: None),
        Case("bad", _fail),
        Case("known", _fail),
        Case("fixed", lambda: None),
    ]
    report = run_cases("demo", cases, {"known": "listed", "fixed": "listed"})
    assert report.line() == "demo: 1 passed, 2 failed, 1 known failures"
    text = format_reports([report, SuiteReport("empty")])
    assert "demo: bad: AssertionError: wrong answer" in text
    assert "demo: fixed: listed as a known failure but passes" in text
    assert "empty: 0 passed, 0 failed, 0 known failures" in text

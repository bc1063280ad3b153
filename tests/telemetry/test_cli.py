"""``qsmith codegen telemetry`` (the click command; ``codegen`` becomes its group later)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qsmith.cli.telemetry_codegen import telemetry
from qsmith.codegen.telemetry import DefinitionsError
from tests.support.shared import REPO_ROOT
from tests.telemetry.helpers import SAMPLE, write_json

PROJECT_DEFINITIONS = REPO_ROOT / "apps" / "qsmith" / "telemetry" / "definitions.json"
PROJECT_METRICS = REPO_ROOT / "apps" / "qsmith" / "telemetry" / "metrics.py"


def test_writes_the_module_and_reports_counts(tmp_path: Path) -> None:
    defs = write_json(tmp_path / "defs.json", SAMPLE)
    out = tmp_path / "pkg" / "metrics.py"
    result = CliRunner().invoke(telemetry, [str(defs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 2 metric builder(s), 2 enum(s)\n"
    assert "def sample_run(" in out.read_text()
    again = CliRunner().invoke(telemetry, [str(defs), "--out", str(out), "--check"])
    assert again.exit_code == 0 and "is up to date" in again.output


def test_check_fails_on_a_stale_module(tmp_path: Path) -> None:
    defs = write_json(tmp_path / "defs.json", SAMPLE)
    out = tmp_path / "metrics.py"
    out.write_text("# stale\n")
    result = CliRunner().invoke(telemetry, [str(defs), "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "differs from a fresh generation" in result.output
    assert out.read_text() == "# stale\n"


def test_overrides_are_noted_on_stderr(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", SAMPLE)
    b = write_json(tmp_path / "b.json", {"metrics": [{"name": "sample_ping", "description": "x"}]})
    result = CliRunner().invoke(telemetry, [str(a), str(b), "--out", str(tmp_path / "m.py")])
    assert result.exit_code == 0
    assert f"note: metric sample_ping: {b} replaces {a}" in result.stderr


def test_invalid_definitions_raise_the_typed_error_naming_file_and_metric(tmp_path: Path) -> None:
    bad = copy.deepcopy(SAMPLE)
    bad["metrics"][0]["metadata"].append({"type": "nowhere"})
    defs = write_json(tmp_path / "defs.json", bad)
    out = tmp_path / "metrics.py"
    result = CliRunner().invoke(telemetry, [str(defs), "--out", str(out)])
    # qsmith's main() prints QsmithError as "error: ..." and exits 1; the command raises it.
    assert isinstance(result.exception, DefinitionsError)
    assert f"{defs}: metric sample_run: metadata refers to type nowhere" in str(result.exception)
    assert not out.exists()


def test_arguments_are_required() -> None:
    result = CliRunner().invoke(telemetry, ["--out", "x.py"])
    assert result.exit_code == 2 and "Missing argument 'DEFINITIONS...'" in result.output


def test_the_committed_project_builders_regenerate_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "metrics.py"
    result = CliRunner().invoke(telemetry, [str(PROJECT_DEFINITIONS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PROJECT_METRICS.read_bytes()


def test_the_project_builders_work() -> None:
    from qsmith.telemetry import metrics

    datum = metrics.qsmith_codegen(
        qsmith_generator=metrics.QsmithGenerator.TELEMETRY,
        qsmith_model_count=1,
        qsmith_file_count=1,
        qsmith_version="0.1.0",
        result=metrics.Result.SUCCEEDED,
        value=42.0,
    )
    assert datum.unit.value == "Milliseconds" and not datum.passive
    assert datum.metadata_dict() == {
        "qsmithGenerator": "telemetry",
        "qsmithModelCount": "1",
        "qsmithFileCount": "1",
        "qsmithVersion": "0.1.0",
        "result": "Succeeded",
    }
    assert metrics.METRICS["qsmith_apiCall"].passive


def test_runs_as_a_module_until_it_is_hooked_under_codegen(tmp_path: Path) -> None:
    out = tmp_path / "metrics.py"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "qsmith.cli.telemetry_codegen",
            str(PROJECT_DEFINITIONS),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == PROJECT_METRICS.read_bytes()

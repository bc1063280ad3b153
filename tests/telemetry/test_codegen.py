"""Generating metric builders: snapshots on the upstream files, mypy, behaviour of the code."""

from __future__ import annotations

import copy
import hashlib
import inspect
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from qsmith.codegen.telemetry import load_definitions, parse_definitions, render_module
from qsmith.runtime.errors import CodegenError
from qsmith.runtime.telemetry import MetricDatum, MetricFieldError, MetricUnit
from tests.support.mypy_run import mypy_strict
from tests.telemetry.helpers import (
    SAMPLE,
    common_definitions,
    import_source,
    q_cli_definitions,
)


def summary(source: str) -> str:
    """One line per enum and builder signature: a stable, reviewable view of a large output."""
    lines = [f"sha256 {hashlib.sha256(source.encode()).hexdigest()}"]
    signature: list[str] = []
    for line in source.splitlines():
        if line.startswith("class "):
            lines.append(line)
        elif line.startswith("def ") or signature:
            signature.append(line.strip())
            if line.startswith(") -> "):
                lines.append(" ".join(signature).replace("( *, ", "(*, ").replace(", )", ")"))
                signature = []
        elif (
            line.startswith("    name=")
            or line.startswith("    unit=")
            or line.startswith("    passive=")
        ):
            lines.append("  " + line.strip())
    return "\n".join(lines) + "\n"


def test_q_cli_definitions_full_output(snapshot: SnapshotAssertion) -> None:
    # descriptions=False: the snapshot holds names, types and flags, not the upstream prose.
    module = render_module(load_definitions([q_cli_definitions()]), descriptions=False)
    assert (module.metrics, module.enums) == (18, 0)
    assert module.source == snapshot


def test_common_definitions_summary(snapshot: SnapshotAssertion) -> None:
    module = render_module(load_definitions([common_definitions()]), descriptions=False)
    assert (module.metrics, module.enums) == (374, 73)
    assert summary(module.source) == snapshot


def test_generation_is_deterministic() -> None:
    definitions = load_definitions([q_cli_definitions()])
    first = render_module(definitions).source
    again = render_module(load_definitions([q_cli_definitions()])).source
    assert first == again


def test_generated_modules_are_mypy_strict_clean(tmp_path: Path) -> None:
    both = load_definitions([common_definitions(), q_cli_definitions()])
    (tmp_path / "toolkit_metrics.py").write_text(render_module(both).source)
    (tmp_path / "sample_metrics.py").write_text(
        render_module(parse_definitions([("sample.json", SAMPLE)])).source
    )
    # A caller's misuse must be caught statically: a missing required field, a wrong type.
    (tmp_path / "misuse.py").write_text(
        "from sample_metrics import sample_run\n"
        "sample_run(attempts=1)\n"
        'sample_run(result="Failed", attempts="1")\n'
    )
    # One mypy run for all three: the generated modules must be clean, the misuse caught.
    run = mypy_strict("toolkit_metrics.py", "sample_metrics.py", "misuse.py", cwd=tmp_path)
    errors = [line for line in run.stdout.splitlines() if ": error: " in line]
    assert errors and all(line.startswith("misuse.py:") for line in errors), run.stdout
    assert 'Missing named argument "result"' in run.stdout
    assert 'Argument "attempts" to "sample_run" has incompatible type "str"' in run.stdout


@pytest.fixture
def sample(tmp_path: Path):
    source = render_module(parse_definitions([("sample.json", SAMPLE)])).source
    return import_source(source, tmp_path, "sample_metrics")


def test_builders_carry_unit_passive_and_wire_values(sample) -> None:
    datum = sample.sample_run(
        result=sample.Result.FAILED,
        attempts=3,
        ratio=0.5,
        is_retry=True,
        level=sample.Level.V_2,
        value=12.5,
        epoch_timestamp=1_700_000_000_000,
    )
    assert datum == MetricDatum(
        metric_name="sample_run",
        epoch_timestamp=1_700_000_000_000,
        unit=MetricUnit.MILLISECONDS,
        value=12.5,
        passive=True,
        metadata=(
            ("result", "Failed"),
            ("attempts", "3"),
            ("ratio", "0.5"),
            ("isRetry", "true"),
            ("level", "2"),
        ),
    )
    ping = sample.sample_ping()
    assert (ping.unit, ping.passive, ping.metadata, ping.value) == (MetricUnit.NONE, False, (), 1.0)
    assert ping.epoch_timestamp > 1_700_000_000_000  # now, in milliseconds


def test_enums_are_open(sample) -> None:
    datum = sample.sample_run(result="TimedOut", attempts=1, level=7)
    assert datum.metadata_dict() == {"result": "TimedOut", "attempts": "1", "level": "7"}
    assert [m.value for m in sample.Result] == ["Succeeded", "Failed", "Cancelled"]


def test_required_fields_are_enforced(sample) -> None:
    with pytest.raises(TypeError, match="result"):
        sample.sample_run(attempts=1)
    with pytest.raises(MetricFieldError, match="metric sample_run: field result is required"):
        sample.sample_run(result=None, attempts=1)
    with pytest.raises(MetricFieldError, match="field attempts must be a int, got bool"):
        sample.sample_run(result="Failed", attempts=True)
    with pytest.raises(MetricFieldError, match="field ratio must be a double, got str"):
        sample.sample_run(result="Failed", attempts=1, ratio="0.5")
    with pytest.raises(MetricFieldError, match="value must be finite and >= 0"):
        sample.sample_run(result="Failed", attempts=1, value=-1)
    with pytest.raises(MetricFieldError, match="epoch_timestamp must be an int"):
        sample.sample_ping(epoch_timestamp=1.5)


def test_metrics_registry_and_docstrings(sample) -> None:
    assert list(sample.METRICS) == ["sample_run", "sample_ping"]
    spec = sample.METRICS["sample_run"]
    assert [(f.key, f.required) for f in spec.fields][:2] == [("result", True), ("attempts", True)]
    doc = sample.sample_run.__doc__
    assert "A run happened." in doc and "passive (emitted without a user action)" in doc
    assert "is_retry: ``isRetry``, optional. Whether retried." in doc
    # quotes and backslashes of a description survive into the docstring without breaking it
    assert 'How it ended, e.g. "Failed" \\ or """ quoted' in sample.Result.__doc__


def test_name_clashes_are_reported_not_guessed() -> None:
    clash = copy.deepcopy(SAMPLE)
    clash["types"].append({"name": "is_retry", "type": "boolean", "description": "x"})
    clash["metrics"][0]["metadata"].append({"type": "is_retry"})
    with pytest.raises(CodegenError, match="metric sample_run: field is_retry becomes parameter"):
        render_module(parse_definitions([("sample.json", clash)]))
    reserved = copy.deepcopy(SAMPLE)
    reserved["types"].append({"name": "epochTimestamp", "type": "int", "description": "x"})
    reserved["metrics"][1]["metadata"] = [{"type": "epochTimestamp"}]
    with pytest.raises(CodegenError, match="epoch_timestamp, which 'epoch_timestamp' already"):
        render_module(parse_definitions([("sample.json", reserved)]))


@pytest.mark.parametrize(
    "description",
    ['ends with a quote"', 'two""', "bell\x07 and nul\x00", "trailing backslash \\", "tab\there"],
)
def test_awkward_descriptions_make_valid_docstrings(description: str, tmp_path: Path) -> None:
    document = copy.deepcopy(SAMPLE)
    document["metrics"][1]["description"] = description
    document["types"][0]["description"] = description
    module = import_source(
        render_module(parse_definitions([("d.json", document)])).source, tmp_path, "awkward"
    )
    shown = description.replace("\t", " ")  # the text survives; whitespace runs become one space
    assert inspect.getdoc(module.sample_ping).startswith(shown + "\n")
    assert inspect.getdoc(module.Result).rstrip() == shown  # black may pad a closing quote

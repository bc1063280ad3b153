"""The ``import-c2j`` click command: directly, through the ``qsmith`` group, and as a process."""

from __future__ import annotations

import gzip
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.cli.model_c2j import import_c2j
from qsmith.codegen.c2j import load_c2j
from qsmith.runtime.errors import ModelError
from tests.codegen.c2j.inputs import c2j
from tests.codegen.c2j.test_operations import PAGED_OPERATIONS, PAGED_SHAPES


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_writes_deterministic_json_to_stdout(tmp_path: Path) -> None:
    source = write(tmp_path / "service-2.json", c2j(PAGED_SHAPES, PAGED_OPERATIONS))
    first = CliRunner().invoke(import_c2j, [str(source)])
    second = CliRunner().invoke(import_c2j, [str(source)])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout == load_c2j(source).to_json()
    model = json.loads(first.stdout)
    assert model["smithy"] == "2.0"
    assert "com.amazonaws.exampleservice#ListThings" in model["shapes"]
    assert first.stdout.startswith('{\n    "shapes": {\n')  # sorted keys, 4-space indent


def test_paginators_namespace_and_output_file(tmp_path: Path) -> None:
    source = write(tmp_path / "service-2.json", c2j(PAGED_SHAPES, PAGED_OPERATIONS))
    pages = {
        "pagination": {"ListThings": {"input_token": "nextToken", "output_token": "nextToken"}}
    }
    paginators = write(tmp_path / "paginators-1.json", pages)
    out = tmp_path / "out" / "model.json"
    result = CliRunner().invoke(
        import_c2j,
        [
            str(source),
            "--paginators",
            str(paginators),
            "--namespace",
            "com.example",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}: 9 shapes, 0 warning(s)" in result.stderr
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["shapes"]["com.example#ListThings"]["traits"]["smithy.api#paginated"] == {
        "inputToken": "nextToken",
        "outputToken": "nextToken",
    }
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in out.parent.iterdir()] == ["model.json"]  # no temporary left behind


def test_warnings_go_to_stderr(tmp_path: Path) -> None:
    document = c2j({"Name": {"type": "string", "xmlNamespace": "urn:x"}})
    source = write(tmp_path / "service-2.json", document)
    result = CliRunner().invoke(import_c2j, [str(source)])
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: {source}: shapes.Name: unsupported C2J key 'xmlNamespace' "
        "(value 'urn:x') is not converted\n"
    )
    assert "warning" not in result.stdout


def test_malformed_input_raises_model_error_naming_file_and_shape(tmp_path: Path) -> None:
    document = c2j({"Holder": {"type": "structure", "members": {"x": {"shape": "Missing"}}}})
    source = write(tmp_path / "service-2.json", document)
    result = CliRunner().invoke(import_c2j, [str(source)])
    assert result.exit_code == 1
    assert isinstance(result.exception, ModelError)
    assert f"{source}: shapes.Holder$x: refers to undefined shape 'Missing'" in str(
        result.exception
    )


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(import_c2j, [str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_runs_as_qsmith_model_import_c2j(tmp_path: Path) -> None:
    """Registered in MODEL_SUBCOMMANDS: the real ``qsmith`` group finds and runs it."""
    source = write(tmp_path / "service-2.json", c2j(PAGED_SHAPES, PAGED_OPERATIONS))
    result = CliRunner().invoke(cli, ["model", "import-c2j", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == load_c2j(source).to_json()
    listing = CliRunner().invoke(cli, ["model", "--help"])
    assert "import-c2j" in listing.stdout


def test_qsmith_entry_point_reports_a_bad_c2j_as_one_error_line(tmp_path: Path) -> None:
    """Through ``main()``, as the installed ``qsmith`` script runs: exit 1, no traceback."""
    document = c2j({"Holder": {"type": "structure", "members": {"x": {"shape": "Missing"}}}})
    source = write(tmp_path / "service-2.json", document)
    command = [sys.executable, "-m", "qsmith.cli.main", "model", "import-c2j", str(source)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.startswith("error: ")
    assert f"{source}: shapes.Holder$x: refers to undefined shape 'Missing'" in out.stderr
    assert "Traceback" not in out.stderr


def test_reads_gzip_compressed_models_as_botocore_ships_them(tmp_path: Path) -> None:
    document = c2j(PAGED_SHAPES, PAGED_OPERATIONS)
    plain = write(tmp_path / "service-2.json", document)
    packed = tmp_path / "service-2.json.gz"
    packed.write_bytes(gzip.compress(json.dumps(document).encode()))
    result = CliRunner().invoke(import_c2j, [str(packed)])
    assert result.exit_code == 0, result.output
    assert result.stdout == load_c2j(plain).to_json()


def test_a_damaged_gzip_file_is_a_model_error_naming_it(tmp_path: Path) -> None:
    packed = tmp_path / "service-2.json.gz"
    packed.write_bytes(gzip.compress(b'{"metadata": {}}')[:-6])
    with pytest.raises(ModelError) as caught:
        load_c2j(packed)
    (problem,) = caught.value.problems
    assert problem.file == str(packed) and "gzip" in problem.message
    packed.write_bytes(b"not gzip at all")
    with pytest.raises(ModelError, match="not a gzip file"):
        load_c2j(packed)

"""``qsmith model validate|stats|show``, the group's command list, and the build's model check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from syrupy.assertion import SnapshotAssertion

from qsmith.cli.main import cli
from qsmith.cli.model import MODEL_SUBCOMMANDS
from qsmith.codegen.generate import generate_all
from qsmith.runtime.errors import ModelError

DATA = Path(__file__).resolve().parents[1] / "codegen" / "model" / "data"
BROKEN = {
    "smithy": "2.0",
    "shapes": {
        "ex#A": {"type": "structure", "members": {"x": {"target": "ex#Missing"}}},
        "ex#Op": {"type": "operation", "input": {"target": "smithy.api#String"}},
    },
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["model", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(BROKEN))
    return path


def test_model_group_loads_its_commands_lazily() -> None:
    probe = (
        "import sys\n"
        "from qsmith.cli.model import model, MODEL_SUBCOMMANDS\n"
        "model.list_commands(None)\n"
        "loaded = ('qsmith.cli.model_commands', 'qsmith.codegen.model', 'qsmith.codegen.c2j')\n"
        "print(*(name in sys.modules for name in loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False"
    code, output = run("--help")
    assert code == 0
    assert set(MODEL_SUBCOMMANDS) == {"validate", "stats", "show", "convert", "import-c2j"}
    for name in MODEL_SUBCOMMANDS:
        assert name in output


def test_validate_prints_one_ok_line_per_file() -> None:
    code, output = run("validate", str(DATA / "library.json"), str(DATA / "legacy_v1.json"))
    assert code == 0
    assert output.splitlines() == [
        f"OK {DATA / 'library.json'}: 27 shape(s), 1 service(s)",
        f"OK {DATA / 'legacy_v1.json'}: 7 shape(s), 1 service(s)",
    ]


def test_validate_together_loads_one_model() -> None:
    code, output = run(
        "validate", "--together", str(DATA / "library.json"), str(DATA / "legacy_v1.json")
    )
    assert code == 0
    assert output.strip().endswith("34 shape(s), 2 service(s)")


def test_validate_prints_every_problem_and_exits_1(broken: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    code, output = run("validate", str(DATA / "library.json"), str(broken), str(missing))
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith("OK ")
    assert f"error: {broken}: ex#A$x: member target ex#Missing does not exist" in lines
    assert (
        f"error: {broken}: ex#Op: operation input smithy.api#String is a string, "
        "expected a structure"
    ) in lines
    assert f"error: {missing}: file not found" in lines
    assert lines[-1] == "3 problem(s) found"
    assert "Traceback" not in output


def test_stats_snapshot(snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    code, output = run("stats", "library.json", "legacy_v1.json")
    assert code == 0
    assert output == snapshot


def test_stats_of_a_bad_model_fails(broken: Path) -> None:
    code, output = run("stats", str(broken))
    assert code == 1
    assert "member target ex#Missing does not exist" in output


def test_show_prints_the_shape_as_json_ast() -> None:
    code, output = run("show", "example.library#Genre", "--model", str(DATA / "library.json"))
    assert code == 0
    assert json.loads(output) == {
        "example.library#Genre": {
            "type": "enum",
            "members": {
                "FICTION": {
                    "target": "smithy.api#Unit",
                    "traits": {"smithy.api#enumValue": "fiction"},
                },
                "NON_FICTION": {
                    "target": "smithy.api#Unit",
                    "traits": {"smithy.api#enumValue": "non-fiction"},
                },
            },
        }
    }


def test_show_a_member_after_1_0_mapping() -> None:
    code, output = run(
        "show", "example.legacy#GetInput$count", "--model", str(DATA / "legacy_v1.json")
    )
    assert code == 0
    assert json.loads(output) == {
        "example.legacy#GetInput$count": {
            "target": "smithy.api#PrimitiveInteger",
            "traits": {"smithy.api#default": 0},
        }
    }


def test_show_an_unknown_shape_suggests_close_ids() -> None:
    code, output = run("show", "example.library#GetBok", "--model", str(DATA / "library.json"))
    assert code == 1
    assert "no shape example.library#GetBok in the model" in output
    assert "did you mean example.library#GetBook" in output


def test_build_validates_every_model_file(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "library.json").write_text((DATA / "library.json").read_text())
    report = generate_all(models, tmp_path / "out", cache_dir=None)
    assert report.services == ["example.library#Library"]
    assert report.generated == ["library"]
    assert (tmp_path / "out" / "qsmith" / "clients" / "library" / "client.py").is_file()
    (models / "zbroken.json").write_text(json.dumps(BROKEN))
    with pytest.raises(ModelError) as caught:
        generate_all(models, tmp_path / "out")
    assert {p.file for p in caught.value.problems} == {str(models / "zbroken.json")}
    assert len(caught.value.problems) == 2


def test_codegen_command_reports_model_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    probe = [sys.executable, "-m", "qsmith.cli.main", "codegen", "--all", "--models"]
    out = subprocess.run(
        [*probe, str(tmp_path), "--out", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "malformed JSON at line 1, column 2" in out.stderr
    assert "Traceback" not in out.stderr

"""``qsmith model convert`` and ``.smithy`` files given to the other model commands."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.cli.model import MODEL_SUBCOMMANDS
from qsmith.codegen.model import load_model

IDL_DATA = Path(__file__).resolve().parents[1] / "codegen" / "idl" / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["model", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_convert_is_registered() -> None:
    assert MODEL_SUBCOMMANDS["convert"] == "qsmith.cli.model_convert:convert"


def test_convert_writes_one_json_ast_for_several_files(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    sources = [IDL_DATA / "apply.smithy", IDL_DATA / "apply_target.smithy"]
    code, _, err = run("convert", *map(str, sources), "-o", str(out))
    assert code == 0, err
    assert "wrote" in err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["smithy"] == "2.0"
    # The apply to the other file's shape is folded in; the inherited member's stays.
    assert document["shapes"]["example.other#External"] == {
        "type": "string",
        "traits": {"smithy.api#tags": ["external"]},
    }
    assert document["shapes"]["example.apply#Thing$id"]["type"] == "apply"
    as_json = load_model(out)
    as_idl = load_model(sources)
    assert {k: s.to_ast() for k, s in as_json.items()} == {k: s.to_ast() for k, s in as_idl.items()}


def test_convert_to_stdout_and_mixed_versions(tmp_path: Path) -> None:
    code, out, _ = run("convert", str(IDL_DATA / "version1.smithy"), str(IDL_DATA / "enums.smithy"))
    assert code == 0
    document = json.loads(out)
    # A 1.0 file merged with a 2.0 one is written with the defaults 1.0 implied.
    assert document["smithy"] == "2.0"
    counters = document["shapes"]["example.v1#Counters"]
    assert counters["members"]["plain"]["traits"] == {"smithy.api#default": 0}
    path = tmp_path / "merged.json"
    path.write_text(out, encoding="utf-8")
    reloaded = load_model(path)
    original = load_model([IDL_DATA / "version1.smithy", IDL_DATA / "enums.smithy"])
    assert {k: s.to_ast() for k, s in reloaded.items()} == {
        k: s.to_ast() for k, s in original.items()
    }


def test_convert_reports_the_place_of_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.smithy"
    bad.write_text('$version: "2.0"\nnamespace a\nstructure S {\n    a String\n}\n')
    out = tmp_path / "never.json"
    code, _, err = run("convert", str(bad), "-o", str(out))
    assert code == 1
    assert f"error: {bad}: line 4, column 7: expected ':' after the member name a" in err
    assert not out.exists()


def test_convert_reports_malformed_json_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"smithy": ')
    code, _, err = run("convert", str(IDL_DATA / "enums.smithy"), str(broken))
    assert code == 1
    assert f"{broken}: malformed JSON at line 1, column 12" in err


def test_validate_and_stats_accept_smithy_files() -> None:
    code, out, _ = run("validate", str(IDL_DATA / "resources.smithy"))
    assert code == 0
    assert "resources.smithy: 19 shape(s), 1 service(s)" in out
    code, out, _ = run("stats", str(IDL_DATA / "resources.smithy"))
    assert code == 0
    assert "services: 1" in out

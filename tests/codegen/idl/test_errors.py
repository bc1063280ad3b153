"""Malformed IDL: a typed error naming the file, line and column, and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from qsmith.codegen.idl import IdlError, parse_idl
from qsmith.codegen.model import ModelError, load_model

HEAD = '$version: "2.0"\nnamespace example.bad\n'

# (name, source, line, column, part of the message)
CASES = [
    ("unterminated string", HEAD + 'string A\n@since("1.0)\n', 4, 8, "unterminated string"),
    ("stray character", HEAD + "string A %\n", 3, 10, "unexpected character '%'"),
    ("bad escape", HEAD + '@since("a\\qb")\nstring A\n', 3, 8, "invalid escape sequence"),
    ("lone surrogate", HEAD + '@since("\\uD83D")\nstring A\n', 3, 8, "unpaired UTF-16 surrogate"),
    ("short unicode escape", HEAD + '@since("\\u12")\nstring A\n', 3, 8, "escape sequence '\\u'"),
    ("malformed number", HEAD + "@range(min: 1.)\ninteger A\n", 3, 13, "malformed number '1.'"),
    ("text block start", HEAD + '@documentation("""x\n""")\nstring A\n', 3, 16, "line break"),
    ("no namespace", '$version: "2.0"\nstring A\n', 2, 8, "before the namespace"),
    ("unknown keyword", HEAD + "strin A\n", 3, 1, "expected a shape statement"),
    ("duplicate shape", HEAD + "string A\n\nstring A\n", 5, 8, "already defined at line 3"),
    ("unresolved target", HEAD + "structure S {\n    a: Missing\n}\n", 4, 8, "Missing"),
    ("unsupported version", '$version: "3.0"\nnamespace a\n', 1, 11, "unsupported"),
    ("unknown control", '$colour: "red"\n', 1, 2, "unknown control statement"),
    ("control after shapes", HEAD + 'string A\n$version: "2.0"\n', 4, 1, "must come first"),
    ("metadata after shapes", HEAD + "string A\nmetadata a = 1\n", 4, 1, "must come before"),
    ("use without namespace", '$version: "2.0"\nuse a#B\n', 2, 1, "right after the namespace"),
    (
        "inline errors",
        HEAD + "operation Op {\n    errors := {}\n}\n",
        4,
        5,
        "errors cannot be defined inline",
    ),
    (
        "unknown operation property",
        HEAD + "operation Op {\n    inputs: Unit\n}\n",
        4,
        5,
        "unknown operation property 'inputs'",
    ),
    (
        "default in a 1.0 file",
        '$version: "1.0"\nnamespace a\nstructure S {\n    a: Integer = 1\n}\n',
        4,
        16,
        "only allowed with $version",
    ),
    (
        "mixin in a 1.0 file",
        '$version: "1.0"\nnamespace a\nstructure S with [T] {}\n',
        3,
        13,
        "only allowed with $version",
    ),
    (
        "elided member not found",
        HEAD + "@mixin\nstructure M {}\nstructure S with [M] {\n    $x\n}\n",
        6,
        6,
        "elided member $x",
    ),
    ("intEnum without value", HEAD + "intEnum E {\n    A\n}\n", 4, 5, "needs a value"),
    ("enum value type", HEAD + "enum E {\n    A = 1\n}\n", 4, 9, "must be a string"),
    ("list member name", HEAD + "list L {\n    item: String\n}\n", 4, 5, "only have the members"),
    (
        "trait twice",
        HEAD + '@since("1")\n@since("2")\nstring A\n',
        4,
        2,
        "applied twice with different values",
    ),
    (
        "doc comment and documentation trait disagree",
        HEAD + '/// One.\n@documentation("Two.")\nstring A\n',
        4,
        2,
        "applied twice",
    ),
    ("use conflict", HEAD + "use a.b#A\nstring A\n", 4, 8, "conflicts with the use"),
    ("unterminated list", HEAD + '@tags(["a"\nstring A\n', 3, 7, "no ']' closes this '['"),
    ("unterminated object", HEAD + '@deprecated(message: "x"\n', 3, 12, "no ')' closes this '('"),
    (
        "apply to a missing member",
        HEAD + "structure S {}\napply S$nope @required\n",
        4,
        7,
        "which S does not have",
    ),
    (
        "nesting too deep",
        HEAD + "@tags(" + "[" * 5000 + "]" * 5000 + ")\nstring A\n",
        3,
        207,
        "nested more than 200 deep",
    ),
    ("apply without a trait", HEAD + "string A\napply A\n", 5, 1, "expected a trait"),
]


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_error_names_file_line_and_column(
    tmp_path: Path, source: str, line: int, column: int, message: str
) -> None:
    path = tmp_path / "bad.smithy"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    text = str(problem)
    assert text.startswith(f"{path}: line {line}, column {column}: "), text
    assert message in text


def test_parse_error_is_an_idl_error_with_its_position() -> None:
    with pytest.raises(IdlError) as caught:
        parse_idl(HEAD + "string A %\n", "mem.smithy")
    error = caught.value
    assert (error.file, error.line, error.column) == ("mem.smithy", 3, 10)
    assert isinstance(error, ModelError)


def test_every_bad_file_is_reported(tmp_path: Path) -> None:
    first, second = tmp_path / "a.smithy", tmp_path / "b.smithy"
    first.write_text(HEAD + "string A %\n", encoding="utf-8")
    second.write_text(HEAD + "strin B\n", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model([first, second])
    assert [p.file for p in caught.value.problems] == [str(first), str(second)]


def test_missing_idl_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        load_model(tmp_path / "absent.smithy")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'absent.smithy'}: file not found"
    ]


def test_targets_in_json_sources_are_left_to_the_loader(tmp_path: Path) -> None:
    # The IDL refers to a shape only a JSON AST source defines: that is fine together...
    idl = tmp_path / "a.smithy"
    idl.write_text(HEAD + "structure S {\n    a: Other\n}\n", encoding="utf-8")
    other = {"smithy": "2.0", "shapes": {"example.bad#Other": {"type": "string"}}}
    loaded = load_model([idl, ("other.json", other)])
    assert loaded.shape("example.bad#S").members["a"].target == "example.bad#Other"
    # ...and alone the loader reports the dangling target.
    with pytest.raises(ModelError):
        load_model([idl, ("empty.json", {"smithy": "2.0"})])

"""A bad model is one ModelError listing every problem with its file and shape id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qsmith.codegen.model import ModelError, ModelProblem, load_model
from qsmith.codegen.model import traits as t
from tests.codegen.model.helpers import NS, load, problems, structure

ERR = {"smithy.api#error": "client"}


def only(found: list[ModelProblem]) -> tuple[str | None, str | None, str]:
    assert len(found) == 1, found
    return found[0].file, found[0].shape_id, found[0].message


def test_unknown_member_target() -> None:
    assert only(problems({NS + "S": structure(a=NS + "Missing")})) == (
        "test.json",
        NS + "S$a",
        f"member target {NS}Missing does not exist",
    )


def test_members_on_a_non_aggregate_shape() -> None:
    shape = {"type": "string", "members": {"a": {"target": "smithy.api#String"}}}
    file, shape_id, message = only(problems({NS + "S": shape}))
    assert (file, shape_id) == ("test.json", NS + "S")
    assert message.startswith("a string shape cannot have 'members'")


def test_a_list_without_member_and_a_map_without_value() -> None:
    found = problems(
        {
            NS + "L": {"type": "list"},
            NS + "M": {"type": "map", "key": {"target": "smithy.api#String"}},
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "L", "a list shape needs a 'member'"),
        (NS + "M", "a map shape needs a 'key' and a 'value'"),
    }


@pytest.mark.parametrize("bad_id", ["NoNamespace", "ns#", "ns#1Bad", "ns#A$b", "n s#A"])
def test_invalid_shape_id(bad_id: str) -> None:
    assert only(problems({bad_id: {"type": "string"}})) == (
        "test.json",
        bad_id,
        "invalid shape id (expected namespace#Name)",
    )


def test_invalid_target_id() -> None:
    assert only(problems({NS + "S": structure(a="not an id")})) == (
        "test.json",
        NS + "S$a",
        "member target 'not an id' is not a valid shape id",
    )


@pytest.mark.parametrize(
    ("trait", "value", "expected"),
    [
        ("smithy.api#http", {"method": "GET", "uri": "/", "code": "200"}, "an object {method"),
        ("smithy.api#http", {"uri": "/"}, "an object {method"),
        ("smithy.api#jsonName", 5, "a string"),
        ("smithy.api#required", True, "an object"),
        ("smithy.api#timestampFormat", "iso", '"date-time"'),
        ("smithy.api#httpError", "404", "an HTTP status code from 100 to 599"),
        ("smithy.api#httpError", 99, "an HTTP status code from 100 to 599"),
        ("smithy.api#httpError", 600, "an HTTP status code from 100 to 599"),
        ("smithy.api#retryable", {"throttling": "yes"}, "{throttling?: boolean}"),
        ("smithy.api#length", {"min": "1"}, "{min?: integer"),
        ("smithy.api#auth", ["not-an-id"], "a list of shape ids"),
        ("aws.auth#sigv4", {}, "an object {name: string}"),
        ("aws.protocols#restJson1", {"http": "h2"}, "eventStreamHttp"),
        ("smithy.rules#endpointRuleSet", [], "an object"),
        ("smithy.api#enum", [{"name": "A"}], "a list of objects {value: string"),
    ],
)
def test_trait_value_of_the_wrong_kind(trait: str, value: Any, expected: str) -> None:
    file, shape_id, message = only(problems({NS + "S": {**structure(), "traits": {trait: value}}}))
    assert (file, shape_id) == ("test.json", NS + "S")
    assert message.startswith(f"trait {trait} must be ")
    assert expected in message


def test_wrong_trait_kinds_on_members_name_the_member() -> None:
    shape = structure(a={"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": 1}})
    file, shape_id, message = only(problems({NS + "S": shape}))
    assert (file, shape_id) == ("test.json", NS + "S$a")
    assert message.startswith("trait smithy.api#httpHeader must be a string")


@pytest.mark.parametrize("status", [308, 200, 404, 599])
def test_any_http_status_is_a_valid_http_error(status: int) -> None:
    """The prelude leaves httpError unconstrained; Smithy only warns on a 3xx client error."""
    traits = {"smithy.api#error": "client", "smithy.api#httpError": status}
    model = load({NS + "E": {**structure(), "traits": traits}})
    assert t.HTTP_ERROR.get(model.shape(NS + "E")) == status


def test_error_trait_must_be_client_or_server() -> None:
    _, _, message = only(problems({NS + "E": {**structure(), "traits": {"smithy.api#error": "x"}}}))
    assert message.startswith('trait smithy.api#error must be "client" or "server"')


def test_operation_input_and_output_must_be_structures() -> None:
    found = problems(
        {
            NS
            + "Op": {
                "type": "operation",
                "input": {"target": "smithy.api#String"},
                "output": {"target": NS + "Nope"},
            }
        }
    )
    assert {(p.file, p.shape_id, p.message) for p in found} == {
        (
            "test.json",
            NS + "Op",
            "operation input smithy.api#String is a string, expected a structure",
        ),
        ("test.json", NS + "Op", f"operation output {NS}Nope does not exist"),
    }


def test_operation_errors_must_be_error_structures() -> None:
    found = problems(
        {
            NS + "Plain": structure(),
            NS
            + "Op": {
                "type": "operation",
                "errors": [{"target": NS + "Plain"}, {"target": "smithy.api#String"}],
            },
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "Op", f"error {NS}Plain is a structure without the @error trait"),
        (NS + "Op", "error smithy.api#String is a string, expected a structure"),
    }


def test_service_and_resource_references_are_checked() -> None:
    found = problems(
        {
            NS
            + "Svc": {
                "type": "service",
                "operations": [{"target": NS + "NotOp"}],
                "resources": [{"target": NS + "Missing"}],
                "rename": {NS + "NotOp": "bad name"},
            },
            NS + "NotOp": structure(),
            NS + "Res": {"type": "resource", "read": {"target": NS + "NotOp"}},
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "Svc", f"operation {NS}NotOp is a structure, expected an operation"),
        (NS + "Svc", f"resource {NS}Missing does not exist"),
        (NS + "Svc", f"rename of {NS}NotOp to invalid name 'bad name'"),
        (NS + "Res", f"lifecycle operation {NS}NotOp is a structure, expected an operation"),
    }


def test_members_must_target_data_shapes() -> None:
    found = problems(
        {
            NS + "Op": {"type": "operation"},
            NS + "S": structure(op=NS + "Op"),
        }
    )
    assert only(found)[1:] == (
        NS + "S$op",
        f"member target {NS}Op is an operation; members target data shapes",
    )


def test_enum_members() -> None:
    found = problems(
        {
            NS + "E": {"type": "enum", "members": {"A": {"target": "smithy.api#String"}}},
            NS + "I": {"type": "intEnum", "members": {"A": {"target": "smithy.api#Unit"}}},
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "E$A", "enum members must target smithy.api#Unit"),
        (NS + "I$A", "intEnum members need an integer @enumValue"),
    }


def test_map_key_must_be_a_string() -> None:
    shape = {
        "type": "map",
        "key": {"target": "smithy.api#Integer"},
        "value": {"target": "smithy.api#String"},
    }
    assert only(problems({NS + "M": shape}))[1:] == (
        NS + "M$key",
        "a map key must target a string or enum, not an integer",
    )


def test_unknown_type_and_unknown_keys() -> None:
    found = problems(
        {
            NS + "A": {"type": "table"},
            NS + "B": {"type": "string", "colour": "red"},
            NS + "C": {"type": "structure", "members": {"a": {"target": 5}}},
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "A", "unknown shape type 'table'"),
        (NS + "B", "at colour: unknown key"),
        (NS + "C", "at members.a.target: Input should be a valid string"),
    }


def test_every_problem_is_reported_together_without_a_traceback() -> None:
    with pytest.raises(ModelError) as caught:
        load_model(
            (
                "many.json",
                {
                    "smithy": "2.0",
                    "shapes": {
                        NS + "A": structure(x=NS + "Missing1"),
                        NS + "B": structure(y=NS + "Missing2"),
                        NS + "C": {"type": "string", "traits": {"smithy.api#jsonName": 1}},
                    },
                },
            )
        )
    error = caught.value
    assert len(error.problems) == 3
    text = str(error)
    assert text.startswith("3 problem(s) in the model:")
    assert f"many.json: {NS}A$x: member target {NS}Missing1 does not exist" in text
    assert "Traceback" not in text


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "smithy": "2.0",\n  "shapes": {,}\n}\n')
    with pytest.raises(ModelError) as caught:
        load_model(path)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert problem.message.startswith("malformed JSON at line 3, column 14:")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ModelError) as caught:
        load_model([path, tmp_path])
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (str(path), "file not found"),
        (str(tmp_path), "is a directory, not a JSON AST file"),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a Smithy JSON AST: the top level is not a JSON object"),
        ({"version": "1"}, 'not a Smithy JSON AST: no "smithy" version key'),
        ({"smithy": "3.0"}, "unsupported Smithy version '3.0'"),
        ({"smithy": "2.0", "shapez": {}}, "at shapez: unknown key"),
    ],
)
def test_documents_that_are_not_json_asts(document: Any, message: str) -> None:
    with pytest.raises(ModelError) as caught:
        load_model(("doc.json", document))
    assert [(p.file, p.message) for p in caught.value.problems] == [("doc.json", message)]


def test_redefining_a_prelude_shape() -> None:
    assert only(problems({"smithy.api#String": {"type": "integer"}})) == (
        "test.json",
        "smithy.api#String",
        "redefines a shape of the Smithy prelude",
    )

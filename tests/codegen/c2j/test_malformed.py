"""Malformed C2J input: one ModelError listing every problem with file and place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qsmith.codegen.c2j import load_c2j
from qsmith.runtime.errors import ModelError
from tests.codegen.c2j.inputs import REST_METADATA, c2j, convert


def problems_of(document: dict[str, Any], **kwargs: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(ModelError) as caught:
        convert(document, **kwargs)
    assert all(p.file in ("input.json", "<paginators>") for p in caught.value.problems)
    return [(p.shape_id, p.message) for p in caught.value.problems]


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    shapes: dict[str, Any] = {
        "Holder": {
            "type": "structure",
            "required": ["ghost"],
            "members": {"x": {"shape": "Missing"}, "bad-name": {"shape": "Holder"}},
            "payload": "nothing",
        },
        "Weird": {"type": "tuple"},
        "When": {"type": "timestamp", "timestampFormat": "julian"},
        "Bounds": {"type": "string", "min": "one"},
        "Empty": {"type": "string", "enum": ["A", ""]},
    }
    operations = {"Run": {"input": {"shape": "Nope"}, "errors": [{"shape": "Holder"}]}}
    assert problems_of(c2j(shapes, operations)) == [
        ("shapes.Bounds", "min must be a number, got 'one'"),
        ("shapes.Empty", "enum value is empty, which a Smithy enum cannot carry"),
        ("shapes.Holder", "required names 'ghost', which is not a member"),
        ("shapes.Holder", "payload names 'nothing', which is not a member"),
        ("shapes.Holder$x", "refers to undefined shape 'Missing'"),
        ("shapes.Holder$bad-name", "member name is not a valid Smithy identifier"),
        ("shapes.Weird", "unknown shape type 'tuple'"),
        ("shapes.When", "unknown timestampFormat 'julian'"),
        ("operations.Run.input", "refers to undefined shape 'Nope'"),
        ("operations.Run.errors", "error 'Holder' is not marked 'exception'"),
    ]


def test_uri_label_without_member_and_rest_operation_without_http() -> None:
    shapes = {"In": {"type": "structure", "members": {}}}
    operations = {
        "Get": {"http": {"method": "GET", "requestUri": "/{id}"}, "input": {"shape": "In"}},
        "Put": {"input": {"shape": "In"}},
    }
    assert problems_of(c2j(shapes, operations, REST_METADATA)) == [
        ("operations.Get.http", "URI label {id} has no input member bound to 'uri'"),
        ("operations.Put", "a REST protocol operation needs 'http'"),
    ]


def test_paginator_for_unknown_operation_names_the_paginators_file() -> None:
    with pytest.raises(ModelError) as caught:
        convert(c2j({}), paginators={"pagination": {"ListGhosts": {}}})
    [problem] = caught.value.problems
    assert (problem.file, problem.shape_id) == ("<paginators>", "pagination.ListGhosts")


def test_missing_api_version_and_name() -> None:
    assert problems_of(c2j({}, metadata={"protocol": "json"}), namespace="a.b") == [
        ("metadata", "no targetPrefix, serviceId or uid gives a valid service name"),
        ("metadata", "apiVersion is missing"),
    ]


def test_non_object_sections_and_bad_namespace() -> None:
    assert problems_of({"metadata": [], "shapes": {}}) == [
        ("metadata", "expected a JSON object, got list")
    ]
    with pytest.raises(ModelError, match="invalid namespace 'not a namespace'"):
        convert(c2j({}), namespace="not a namespace")


def test_files_that_are_not_json_or_missing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"broken\.json: not valid JSON"):
        load_c2j(broken)
    with pytest.raises(ModelError, match=r"absent\.json: cannot read"):
        load_c2j(tmp_path / "absent.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(c2j({})), encoding="utf-8")
    with pytest.raises(ModelError, match=r"pages\.json: cannot read"):
        load_c2j(good, paginators=tmp_path / "pages.json")

"""Parameter binding: built-ins, client settings and operation context, in precedence order."""

from __future__ import annotations

import pytest

from qsmith.runtime.endpoints import RuleSetError
from qsmith.runtime.endpoints.context import (
    assemble_parameters,
    bind_built_ins,
    bind_context_members,
    bind_operation_context,
    bind_static_context,
)
from qsmith.runtime.endpoints.context_path import compile_path
from qsmith.runtime.endpoints.model import Parameter

PARAMS = {
    "Region": Parameter("Region", "string", built_in="AWS::Region"),
    "Bucket": Parameter("Bucket", "string"),
    "Kind": Parameter("Kind", "string"),
}


def test_built_ins_bind_by_their_built_in_name() -> None:
    assert bind_built_ins(PARAMS, {"AWS::Region": "eu-west-1", "AWS::UseFIPS": True}) == {
        "Region": "eu-west-1"
    }


def test_precedence_static_over_member_over_path_over_client_over_built_in() -> None:
    merged = assemble_parameters(
        PARAMS,
        built_ins={"AWS::Region": "from-built-in"},
        client_params={"Region": "from-client", "Bucket": "client", "Kind": "client", "Other": 1},
        operation_context={"Bucket": "from-path", "Kind": "from-path"},
        context_members={"Kind": "from-member"},
        static_context=bind_static_context({"Kind": {"value": "static"}}),
    )
    assert merged == {"Region": "from-client", "Bucket": "from-path", "Kind": "static"}


def test_context_members_and_operation_context_paths() -> None:
    payload = {"Name": "t1", "Items": {"a": 1, "b": 2}, "Nested": {"Deep": "x"}}
    assert bind_context_members({"Name": "Bucket", "Missing": "Kind"}, payload) == {"Bucket": "t1"}
    trait = {
        "Keys": {"path": "keys(Items)"},
        "Deep": {"path": "Nested.Deep"},
        "None": {"path": "Nope.x"},
    }
    assert bind_operation_context(trait, payload) == {"Keys": ["a", "b"], "Deep": "x"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("List[*].Name", ["a", "c"]),
        ("List[*].[Name, Other.Name][]", ["a", "b", "c"]),
        ("keys(Map)", ["k1", "k2"]),
        ("Map.k1", 1),
        ("Missing[*].Name", None),
    ],
)
def test_path_subset(path: str, expected: object) -> None:
    data = {
        "List": [{"Name": "a", "Other": {"Name": "b"}}, {"Name": "c"}],
        "Map": {"k1": 1, "k2": 2},
    }
    assert compile_path(path)(data) == expected


def test_unsupported_path_is_a_clear_error() -> None:
    with pytest.raises(RuleSetError, match=r"in path 'a \| b'"):
        compile_path("a | b")

"""C2J names Smithy cannot hold side by side are renamed by rank, then code-point order."""

from __future__ import annotations

from qsmith.codegen.c2j.names import shape_renames


def test_an_operation_keeps_its_name_and_the_shape_yields() -> None:
    shapes = {"BatchDelete": {"type": "structure"}, "batchdelete": {"type": "string"}}
    assert shape_renames(shapes, {"BatchDelete": {}}) == {
        "BatchDelete": "BatchDelete_2",
        "batchdelete": "batchdelete_3",
    }


def test_an_error_outranks_a_structure_which_outranks_a_list() -> None:
    shapes = {
        "thing": {"type": "list"},
        "THING": {"type": "structure"},
        "Thing": {"type": "structure", "exception": True},
    }
    assert shape_renames(shapes, {}) == {"THING": "THING_2", "thing": "thing_3"}


def test_equal_ranks_keep_the_first_name_in_code_point_order() -> None:
    shapes = {"maxResults": {"type": "integer"}, "MaxResults": {"type": "integer"}}
    assert shape_renames(shapes, {}) == {"maxResults": "maxResults_2"}


def test_a_suffix_already_taken_is_skipped() -> None:
    shapes = {"A": {"type": "string"}, "a": {"type": "string"}, "a_2": {"type": "string"}}
    assert shape_renames(shapes, {}) == {"a": "a_3"}


def test_names_without_clashes_are_left_alone() -> None:
    assert shape_renames({"A": {"type": "string"}, "B": {"type": "string"}}, {"C": {}}) == {}

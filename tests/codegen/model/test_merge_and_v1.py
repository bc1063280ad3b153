"""Several files merged into one model; Smithy 1.0 semantics mapped to 2.0."""

from __future__ import annotations

import pytest

from qsmith.codegen.model import ModelError, ShapeKind, load_model
from tests.codegen.model.helpers import DATA, NS, doc, structure


def test_files_merge_and_identical_duplicates_are_fine() -> None:
    shared = {NS + "Name": {"type": "string"}}
    first = doc({**shared, NS + "A": structure(name=NS + "Name", b=NS + "B")})
    second = doc({**shared, NS + "B": structure(name=NS + "Name")})
    model = load_model([("a.json", first), ("b.json", second)])
    assert {s.id for s in model.user_shapes()} == {NS + "A", NS + "B", NS + "Name"}
    assert model.sources == ["a.json", "b.json"]
    assert model.shape(NS + "B").source == "b.json"


def test_conflicting_definitions_name_both_files() -> None:
    first = doc({NS + "Name": {"type": "string"}})
    second = doc({NS + "Name": {"type": "integer"}})
    with pytest.raises(ModelError) as caught:
        load_model([("a.json", first), ("b.json", second)])
    [problem] = caught.value.problems
    assert (problem.file, problem.shape_id) == ("b.json", NS + "Name")
    assert "conflicting definitions" in problem.message and "a.json" in problem.message


def test_metadata_lists_concatenate_and_equal_values_merge() -> None:
    first = doc({}, metadata={"suppressions": [1], "owner": "x"})
    second = doc({}, metadata={"suppressions": [2], "owner": "x", "extra": True})
    model = load_model([("a.json", first), ("b.json", second)])
    assert model.metadata == {"suppressions": [1, 2], "owner": "x", "extra": True}


def test_conflicting_metadata_is_a_problem() -> None:
    first = doc({}, metadata={"owner": "x"})
    second = doc({}, metadata={"owner": "y"})
    with pytest.raises(ModelError) as caught:
        load_model([("a.json", first), ("b.json", second)])
    [problem] = caught.value.problems
    assert problem.file == "b.json"
    assert "metadata key 'owner' conflicts" in problem.message and "a.json" in problem.message


def test_a_file_and_a_dict_load_together() -> None:
    extra = doc({NS + "Extra": structure(id="example.library#BookId")})
    model = load_model([DATA / "library.json", extra])
    assert model.shape(NS + "Extra").source == "<dict 2>"
    assert model.shape("example.library#BookId").source.endswith("library.json")


def test_v1_set_becomes_a_list_with_unique_items() -> None:
    model = load_model(DATA / "legacy_v1.json")
    tag_set = model.shape("example.legacy#TagSet")
    assert tag_set.kind is ShapeKind.LIST
    assert tag_set.has_trait("smithy.api#uniqueItems")
    assert tag_set.member.target == "smithy.api#String"


def test_set_in_a_2_0_model_is_also_a_list() -> None:
    model = load_model(doc({NS + "S": {"type": "set", "member": {"target": "smithy.api#String"}}}))
    assert model.shape(NS + "S").kind is ShapeKind.LIST


def test_v1_primitives_get_zero_defaults_and_box_stays_optional() -> None:
    model = load_model(DATA / "legacy_v1.json")
    members = model.shape("example.legacy#GetInput").members
    default = "smithy.api#default"
    assert members["count"].traits[default] == 0
    assert members["flag"].traits[default] is False
    assert default not in members["boxedCount"].traits  # smithy.api#Integer was boxed in 1.0
    assert members["size"].traits[default] == 0  # a non-boxed 1.0 long
    assert default not in members["maybeSize"].traits  # @box on the member
    assert default not in members["ratio"].traits  # @box on the target
    assert model.shape("example.legacy#Size").traits[default] == 0
    assert default not in model.shape("example.legacy#BoxedRatio").traits


def test_v2_members_are_not_given_defaults() -> None:
    model = load_model(doc({NS + "S": structure(n="smithy.api#PrimitiveInteger")}))
    assert model.member(NS + "S$n").traits == {}


def test_a_tuple_of_paths_is_several_sources() -> None:
    model = load_model((DATA / "library.json", str(DATA / "legacy_v1.json")))
    assert len(model.services()) == 2


def test_something_that_is_not_a_source_is_a_problem() -> None:
    with pytest.raises(ModelError) as caught:
        load_model([42])  # type: ignore[list-item]
    assert [(p.file, p.message) for p in caught.value.problems] == [
        ("<source 1>", "not a model source: int")
    ]

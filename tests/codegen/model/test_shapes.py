"""Every shape type loads, with members, traits and the prelude."""

from __future__ import annotations

import pytest

from qsmith.codegen.model import ShapeKind, load_model
from tests.codegen.model.helpers import DATA, NS, load, structure

SIMPLE_TYPES = [
    "blob",
    "boolean",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
]


@pytest.mark.parametrize("kind", SIMPLE_TYPES)
def test_simple_shape_types_load_with_their_traits(kind: str) -> None:
    model = load({NS + "S": {"type": kind, "traits": {"smithy.api#documentation": "doc"}}})
    shape = model.shape(NS + "S")
    assert shape.kind is ShapeKind(kind)
    assert shape.traits == {"smithy.api#documentation": "doc"}
    assert shape.members == {}
    assert shape.name == "S" and shape.namespace == "example.test"
    assert shape.source == "test.json"


def test_aggregate_shapes_keep_members_in_order() -> None:
    model = load(
        {
            NS + "Struct": structure(b="smithy.api#String", a=NS + "List"),
            NS + "Union": {"type": "union", "members": {"x": {"target": "smithy.api#Integer"}}},
            NS + "List": {"type": "list", "member": {"target": "smithy.api#String"}},
            NS
            + "Map": {
                "type": "map",
                "key": {"target": "smithy.api#String"},
                "value": {"target": NS + "Struct", "traits": {"smithy.api#documentation": "v"}},
            },
            NS
            + "Enum": {
                "type": "enum",
                "members": {"A": {"target": "smithy.api#Unit"}},
            },
            NS
            + "IntEnum": {
                "type": "intEnum",
                "members": {
                    "ONE": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}}
                },
            },
        }
    )
    struct = model.shape(NS + "Struct")
    assert list(struct.members) == ["b", "a"]
    assert struct.members["a"].id == NS + "Struct$a"
    assert model.target(struct.members["a"]).kind is ShapeKind.LIST
    assert model.shape(NS + "List").member.target == "smithy.api#String"
    map_shape = model.shape(NS + "Map")
    assert map_shape.key.target == "smithy.api#String"
    assert map_shape.value.traits == {"smithy.api#documentation": "v"}
    assert model.member(NS + "Union$x").target == "smithy.api#Integer"
    assert model.shape(NS + "Enum").kind is ShapeKind.ENUM
    assert model.member(NS + "IntEnum$ONE").traits["smithy.api#enumValue"] == 1


def test_service_resource_and_operation_fields() -> None:
    model = load_model(DATA / "library.json")
    service = model.shape("example.library#Library")
    assert service.kind is ShapeKind.SERVICE
    assert service.version == "2024-01-01"
    assert service.operations == ("example.library#Ping",)
    assert service.resources == ("example.library#Book",)
    assert service.errors == ("example.library#Throttled",)
    assert service.rename == {"example.other#Book": "OtherBook"}
    book = model.shape("example.library#Book")
    assert book.kind is ShapeKind.RESOURCE
    assert book.identifiers == {"bookId": "example.library#BookId"}
    assert book.lifecycle == {
        "read": "example.library#GetBook",
        "list": "example.library#ListBooks",
    }
    assert book.resources == ("example.library#Chapter",)
    get_book = model.shape("example.library#GetBook")
    assert get_book.input == "example.library#GetBookInput"
    assert get_book.output == "example.library#GetBookOutput"
    assert get_book.errors == ("example.library#NoSuchBook",)
    assert model.metadata == {"suppressions": [{"id": "Example", "namespace": "example.library"}]}
    assert [s.id for s in model.services()] == ["example.library#Library"]


def test_to_ast_round_trips_a_shape() -> None:
    model = load_model(DATA / "library.json")
    assert model.shape("example.library#Book").to_ast() == {
        "type": "resource",
        "identifiers": {"bookId": {"target": "example.library#BookId"}},
        "read": {"target": "example.library#GetBook"},
        "list": {"target": "example.library#ListBooks"},
        "resources": [{"target": "example.library#Chapter"}],
    }
    assert model.shape("example.library#Headers").to_ast() == {
        "type": "map",
        "key": {"target": "smithy.api#String"},
        "value": {"target": "smithy.api#String"},
    }


def test_the_prelude_is_built_in() -> None:
    model = load({NS + "S": structure(a="smithy.api#String", u="smithy.api#Unit")})
    string = model.shape("smithy.api#String")
    assert string.kind is ShapeKind.STRING and string.is_prelude
    assert model.shape("smithy.api#Unit").has_trait("smithy.api#unitType")
    assert model.shape("smithy.api#PrimitiveLong").traits == {"smithy.api#default": 0}
    assert model.shape("smithy.api#PrimitiveBoolean").traits == {"smithy.api#default": False}
    assert model.shape("smithy.api#documentation").has_trait("smithy.api#trait")
    assert [s.id for s in model.user_shapes()] == [NS + "S"]


def test_prelude_trait_shapes_are_known_targets() -> None:
    model = load({NS + "Svc": {"type": "service", "rename": {"smithy.api#http": "Http"}}})
    assert model.shape(NS + "Svc").rename == {"smithy.api#http": "Http"}


def test_unknown_traits_are_kept_not_rejected() -> None:
    traits = {"com.example#custom": {"anything": [1, 2]}, "smithy.test#httpRequestTests": []}
    model = load({NS + "S": {"type": "string", "traits": traits}})
    assert model.shape(NS + "S").traits == traits


def test_version_1_and_2_spellings_are_accepted() -> None:
    for version in ("1", "1.0", "2", "2.0"):
        assert NS + "S" in load({NS + "S": {"type": "string"}}, version=version)


def test_missing_shape_lookup_names_the_id() -> None:
    model = load({NS + "S": {"type": "string"}})
    with pytest.raises(KeyError, match=r"example\.test#Nope"):
        model.shape(NS + "Nope")
    with pytest.raises(KeyError, match=r"example\.test#S\$x"):
        model.member(NS + "S$x")

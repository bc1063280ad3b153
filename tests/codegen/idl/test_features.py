"""One small IDL file per feature: its JSON AST (snapshotted) and the facts that matter.

The snapshot pins the whole document; the assertions beside it state, in the test, what
each feature must produce, so a snapshot update cannot silently change the meaning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from qsmith.codegen.idl import idl_documents
from qsmith.codegen.model import Model, ModelIndex, load_model

DATA = Path(__file__).parent / "data"

# file -> the files it is read with (definitions it refers to)
COMPANIONS = {"apply": ["apply_target"], "traits": ["trait_defs"]}
FEATURES = sorted(
    p.stem for p in DATA.glob("*.smithy") if p.stem not in {"apply_target", "trait_defs"}
)


def _paths(feature: str) -> list[Path]:
    return [DATA / f"{name}.smithy" for name in [feature, *COMPANIONS.get(feature, [])]]


def document(feature: str) -> dict[str, Any]:
    return idl_documents(_paths(feature))[0][1]


def model(feature: str) -> Model:
    return load_model(_paths(feature))


@pytest.mark.parametrize("feature", FEATURES)
def test_json_ast_snapshot(feature: str, snapshot: SnapshotAssertion) -> None:
    assert json.dumps(document(feature), indent=2, ensure_ascii=False) == snapshot


@pytest.mark.parametrize("feature", FEATURES)
def test_json_ast_loads_to_the_same_model(feature: str) -> None:
    # The document alone (as a JSON file would be) gives the model the IDL gives.
    documents = idl_documents(_paths(feature))
    from_json = load_model([(name, json.loads(json.dumps(doc))) for name, doc in documents])
    from_idl = model(feature)
    assert {k: s.to_ast() for k, s in from_json.items()} == {
        k: s.to_ast() for k, s in from_idl.items()
    }


def test_control_statements_and_metadata() -> None:
    doc = document("control_and_metadata")
    assert doc["smithy"] == "2.0"
    assert doc["metadata"] == {
        "greeting": "hello",
        "quoted key": 1.5,
        "flags": [True, False, None],
        "nested": {"a": {"b": [1, -2, 300.0]}, "c": "d"},
        "unquoted": "SomeShape",  # metadata values are not shape ids
    }
    # $operationInputSuffix / $operationOutputSuffix name the inline structures.
    assert doc["shapes"]["example.control#Ping"]["input"] == {
        "target": "example.control#PingRequest"
    }
    assert doc["shapes"]["example.control#PingResponse"]["traits"] == {"smithy.api#output": {}}


def test_simple_shapes() -> None:
    shapes = document("simple_shapes")["shapes"]
    kinds = {shape_id.partition("#")[2]: shape["type"] for shape_id, shape in shapes.items()}
    assert kinds["MyBigDecimal"] == "bigDecimal" and kinds["MyDocument"] == "document"
    assert len(kinds) == 13
    assert shapes["example.simple#MyString"]["traits"] == {
        "smithy.api#length": {"min": 1, "max": 10}
    }
    assert shapes["example.simple#MyBlob"]["traits"] == {"smithy.api#documentation": "A blob."}


def test_enum_values_implicit_and_explicit() -> None:
    loaded = model("enums")
    assert ModelIndex(loaded).enum_values("example.enums#Suit") == {
        "DIAMOND": "DIAMOND",
        "CLUB": "club",
        "HEART": "heart",
        "SPADE": "SPADE",
    }
    assert ModelIndex(loaded).enum_values("example.enums#Priority") == {
        "LOW": 1,
        "MEDIUM": 2,
        "HIGH": 3,
    }
    suit = loaded.shape("example.enums#Suit")
    assert suit.members["DIAMOND"].target == "smithy.api#Unit"
    assert suit.members["DIAMOND"].traits["smithy.api#documentation"] == "The first suit."


def test_member_defaults() -> None:
    members = model("defaults").shape("example.defaults#Settings").members
    defaults = {name: m.traits["smithy.api#default"] for name, m in members.items()}
    assert defaults == {
        "retries": 3,
        "ratio": 0.5,
        "name": "",
        "enabled": False,
        "tags": [],
        "labels": {},
        "mode": "fast",
    }
    assert "smithy.api#clientOptional" in members["mode"].traits


def test_mixins_and_elided_members() -> None:
    loaded = model("mixins")
    widget = loaded.shape("example.mixins#Widget")
    assert list(widget.members) == ["created", "updated", "name", "size"]
    created = widget.members["created"]
    assert created.target == "smithy.api#Timestamp"  # through Named, from Timestamps
    assert "smithy.api#required" in created.traits
    raw = document("mixins")["shapes"]["example.mixins#Widget"]
    assert raw["mixins"] == [{"target": "example.mixins#Named"}]
    assert raw["members"]["created"] == {
        "target": "smithy.api#Timestamp",
        "traits": {"smithy.api#required": {}},
    }
    assert loaded.shape("example.mixins#WidgetId").traits["smithy.api#length"] == {"min": 1}
    assert loaded.shape("example.mixins#Aliases").member.target == "smithy.api#String"


def test_service_resource_operation() -> None:
    loaded = model("resources")
    service = loaded.shape("example.weather#Weather")
    assert service.version == "2006-03-01"
    assert service.rename == {"example.weather#CityId": "CityIdentifier"}
    city = loaded.shape("example.weather#City")
    assert city.identifiers == {"cityId": "example.weather#CityId"}
    assert city.properties == {
        "name": "smithy.api#String",
        "coordinates": "example.weather#CityCoordinates",
    }
    assert city.lifecycle == {
        "read": "example.weather#GetCity",
        "list": "example.weather#ListCities",
    }
    assert city.collection_operations == ("example.weather#BatchGetCities",)
    get_city = loaded.shape("example.weather#GetCity")
    assert get_city.input == "example.weather#GetCityInput"
    # `for City` elision: targets from the resource's identifiers and properties.
    output = loaded.shape("example.weather#GetCityOutput")
    assert {n: m.target for n, m in output.members.items()} == {
        "name": "smithy.api#String",
        "coordinates": "example.weather#CityCoordinates",
    }
    assert loaded.shape("example.weather#GetForecastInput").members["cityId"].target == (
        "example.weather#CityId"
    )
    # An operation without input or output targets smithy.api#Unit, as serialized.
    batch = loaded.shape("example.weather#BatchGetCities")
    assert (batch.input, batch.output) == ("smithy.api#Unit", "smithy.api#Unit")
    assert get_city.errors == ("example.weather#NoSuchResource",)


def test_inline_input_output() -> None:
    loaded = model("inline_io")
    request = loaded.shape("example.inline#ListThingsRequest")
    assert request.traits == {"smithy.api#input": {}, "smithy.api#documentation": "Input doc."}
    assert list(request.members) == ["nextToken", "maxResults"]
    response = loaded.shape("example.inline#ListThingsResponse")
    assert response.traits == {"smithy.api#output": {}, "smithy.api#sensitive": {}}


def test_apply_single_block_member_and_external() -> None:
    loaded = model("apply")
    thing = loaded.shape("example.apply#Thing")
    assert thing.traits["smithy.api#documentation"] == "A thing."
    assert thing.traits["smithy.api#tags"] == ["one", "two"]  # list values concatenate
    assert thing.members["name"].traits == {
        "smithy.api#required": {},
        "smithy.api#length": {"min": 1},
    }
    assert thing.members["id"].traits == {"smithy.api#required": {}}  # inherited member
    external = loaded.shape("example.other#External")
    assert external.traits == {"smithy.api#tags": ["external"]}
    shapes = document("apply")["shapes"]
    assert shapes["example.other#External"] == {
        "type": "apply",
        "traits": {"smithy.api#tags": ["external"]},
    }


def test_trait_value_forms_and_shape_id_resolution() -> None:
    traits = model("traits").shape("example.traits#Thing").traits
    assert traits["smithy.api#unstable"] == {}  # @foo
    assert traits["smithy.api#internal"] == {}  # @foo()
    assert traits["smithy.api#since"] == "1.0"  # @foo("value")
    assert traits["smithy.api#deprecated"] == {"message": "use NewThing", "since": "2.0"}
    example = traits["smithy.api#examples"][0]
    assert example["input"] == {
        "count": 1,
        "ratio": -0.25,
        "big": 1000.0,
        "flag": True,
        "nothing": None,
    }
    assert example["documentation"] == "Text block.\n"
    assert traits["example.traits.defs#shapeRef"] == {
        "target": "example.traits#Thing",  # defined in the namespace
        "prelude": "smithy.api#String",  # the prelude
        "imported": "example.traits.defs#shapeRef",  # a `use`
        "absolute": "example.other#Thing",  # already absolute
    }


def test_annotation_trait_value_follows_the_trait_shape() -> None:
    marked = model("trait_defs").shape("example.traits.defs#Marked")
    assert marked.traits == {
        "example.traits.defs#markers": [],
        "example.traits.defs#flag": {},
    }


def test_text_blocks_and_strings() -> None:
    loaded = model("text_blocks")

    def doc(name: str) -> Any:
        return loaded.shape(f"example.text#{name}").traits["smithy.api#documentation"]

    assert (
        doc("Indented") == "Incidental indentation is removed,\n  relative indentation is kept.\n"
    )
    assert doc("ClosingInline") == "Closing delimiter on the last text line."
    assert doc("ClosingLeft") == (
        "    Less indented closing delimiter keeps\n    the lines' extra spaces.\n"
    )
    assert doc("Escapes") == (
        'Escapes: "quoted", tab\tend, \u00e9, line continued. Trailing spaces are dropped.'
        "\n\nBlank line above.\n"
    )
    assert doc("Quoted") == 'Quoted "string" with \\ and \n newline, \U0001f600.'


def test_doc_comments() -> None:
    loaded = model("doc_comments")
    documented = loaded.shape("example.docs#Documented")
    assert documented.traits["smithy.api#documentation"] == (
        "First line.\n\n  Indented third line.\nNo space after the slashes."
    )
    assert documented.members["member"].traits["smithy.api#documentation"] == (
        "Member documentation."
    )
    assert "smithy.api#documentation" not in documented.members["other"].traits
    assert loaded.shape("example.docs#NotDocumented").traits == {}


def test_version_1_file_gets_1_0_semantics() -> None:
    assert document("version1")["smithy"] == "1.0"
    loaded = model("version1")
    members = loaded.shape("example.v1#Counters").members
    assert members["plain"].traits == {"smithy.api#default": 0}
    assert members["boxed"].traits == {}
    assert "smithy.api#default" not in members["optional"].traits
    assert members["flag"].traits == {"smithy.api#default": False}
    assert members["count"].traits == {"smithy.api#default": 0}
    tags = loaded.shape("example.v1#Tags")
    assert tags.kind.value == "list" and "smithy.api#uniqueItems" in tags.traits
    assert "smithy.api#default" not in loaded.shape("example.v1#BoxedCount").traits

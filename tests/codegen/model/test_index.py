"""ModelIndex: closure, renames, protocols, auth, pagination and member bindings."""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.model import NO_AUTH, Model, ModelIndex, load_model
from qsmith.runtime.schema import HttpBinding
from tests.codegen.model.helpers import DATA, NS, load, problems, structure

LIB = "example.library#"
SERVICE = LIB + "Library"


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model(DATA / "library.json")


@pytest.fixture(scope="module")
def index(model: Model) -> ModelIndex:
    return ModelIndex(model)


def test_closure_reaches_operations_through_resources_errors_and_members(
    index: ModelIndex,
) -> None:
    closure = index.closure(SERVICE)
    assert closure == sorted(closure)
    for reached in (
        SERVICE,
        LIB + "Ping",  # bound to the service
        LIB + "Book",  # resource
        LIB + "ListBooks",  # resource lifecycle operation
        LIB + "Chapter",  # nested resource
        LIB + "ReadChapter",  # nested resource operation
        LIB + "Throttled",  # service error
        LIB + "NoSuchBook",  # operation error
        LIB + "BookSummary",  # list member target, reached through output
        LIB + "PageEvent",  # union member of a stream
        "example.other#Book",  # other namespace
        "smithy.api#String",  # prelude target
        "smithy.api#Integer",  # resource identifier target
    ):
        assert reached in closure, reached
    assert LIB + "Unused" not in closure


def test_operations_and_resources_of_a_service(index: ModelIndex) -> None:
    assert [op.name for op in index.operations(SERVICE)] == [
        "GetBook",
        "ListBooks",
        "Ping",
        "ReadChapter",
    ]
    assert [r.name for r in index.resources(SERVICE)] == ["Book", "Chapter"]
    assert [e.name for e in index.operation_errors(SERVICE, LIB + "GetBook")] == [
        "NoSuchBook",
        "Throttled",
    ]
    assert index.input(LIB + "Ping").id == "smithy.api#Unit"
    assert index.input(LIB + "GetBook").id == LIB + "GetBookInput"
    with pytest.raises(KeyError, match="not a service"):
        index.closure(LIB + "Ping")


def test_renames_give_the_name_in_the_service(index: ModelIndex) -> None:
    assert index.name(SERVICE, "example.other#Book") == "OtherBook"
    assert index.name(SERVICE, LIB + "Book") == "Book"
    assert index.name_conflicts(SERVICE) == {}


def _service_using(*targets: str) -> dict[str, Any]:
    members = {f"m{i}": {"target": target} for i, target in enumerate(targets)}
    return {
        NS + "Svc": {"type": "service", "operations": [{"target": NS + "Op"}]},
        NS + "Op": {"type": "operation", "input": {"target": NS + "In"}},
        NS + "In": {"type": "structure", "members": members},
    }


def test_name_conflicts_in_a_closure_are_load_problems() -> None:
    shapes = {
        **_service_using(NS + "Thing", "example.other#thing"),
        NS + "Thing": structure(),
        "example.other#thing": {"type": "string"},
    }
    found = problems(shapes)
    assert [(p.file, p.shape_id, p.message) for p in found] == [
        (
            "test.json",
            NS + "Svc",
            f"shapes example.other#thing, {NS}Thing all get the name 'thing' in this service "
            "(case-insensitive); add a rename",
        )
    ]
    shapes[NS + "Svc"]["rename"] = {"example.other#thing": "OtherThing"}
    index = ModelIndex(load(shapes))
    assert index.name_conflicts(NS + "Svc") == {}
    assert index.name(NS + "Svc", "example.other#thing") == "OtherThing"


def test_equal_simple_shapes_may_share_a_name() -> None:
    shapes = {
        **_service_using(NS + "Id", "example.other#Id"),
        NS + "Id": {"type": "string"},
        "example.other#Id": {"type": "string"},
    }
    assert ModelIndex(load(shapes)).name_conflicts(NS + "Svc") == {}


def test_protocols_and_auth_schemes(index: ModelIndex) -> None:
    assert index.protocols(SERVICE) == ["aws.protocols#restJson1"]
    assert index.auth_schemes(SERVICE) == ["aws.auth#sigv4", "smithy.api#httpBearerAuth"]


def test_effective_auth_follows_auth_traits_in_order(index: ModelIndex) -> None:
    # The service's @auth order wins over sorting.
    assert index.effective_auth(SERVICE) == ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]
    assert index.effective_auth(SERVICE, LIB + "GetBook") == [
        "smithy.api#httpBearerAuth",
        "aws.auth#sigv4",
    ]
    assert index.effective_auth(SERVICE, LIB + "ListBooks") == ["aws.auth#sigv4"]
    assert index.effective_auth(SERVICE, LIB + "Ping") == []
    assert index.effective_auth(SERVICE, LIB + "Ping", include_no_auth=True) == [NO_AUTH]
    assert index.effective_auth(SERVICE, LIB + "GetBook", include_no_auth=True) == [
        "smithy.api#httpBearerAuth",
        "aws.auth#sigv4",
    ]


def test_effective_auth_without_auth_trait_sorts_the_service_schemes() -> None:
    model = load(
        {
            NS
            + "Svc": {
                "type": "service",
                "operations": [{"target": NS + "Op"}],
                "traits": {
                    "smithy.api#httpBearerAuth": {},
                    "aws.auth#sigv4": {"name": "svc"},
                    "example.test#customAuth": {},
                },
            },
            NS + "Op": {"type": "operation", "traits": {"smithy.api#optionalAuth": {}}},
            NS
            + "customAuth": {
                **structure(),
                "traits": {"smithy.api#trait": {}, "smithy.api#authDefinition": {}},
            },
        }
    )
    index = ModelIndex(model)
    expected = ["aws.auth#sigv4", NS + "customAuth", "smithy.api#httpBearerAuth"]
    assert index.effective_auth(NS + "Svc") == expected
    assert index.effective_auth(NS + "Svc", NS + "Op", include_no_auth=True) == [
        *expected,
        NO_AUTH,
    ]


def test_pagination_merges_the_service_defaults(index: ModelIndex) -> None:
    paginated = index.paginated(LIB + "ListBooks", SERVICE)
    assert paginated is not None
    assert (
        paginated.input_token,
        paginated.output_token,
        paginated.items,
        paginated.page_size,
    ) == ("nextToken", "nextToken", "books", "maxResults")
    assert index.paginated(LIB + "GetBook", SERVICE) is None


def test_http_bindings_of_members(model: Model, index: ModelIndex) -> None:
    get_input = model.shape(LIB + "GetBookInput").members
    get_output = model.shape(LIB + "GetBookOutput").members
    list_input = model.shape(LIB + "ListBooksInput").members
    assert index.http_binding(get_input["bookId"]) == (HttpBinding.LABEL, None)
    assert index.http_binding(get_input["edition"]) == (HttpBinding.QUERY, "edition")
    assert index.http_binding(get_input["requestId"]) == (HttpBinding.HEADER, "x-request-id")
    assert index.http_binding(list_input["filters"]) == (HttpBinding.QUERY_PARAMS, None)
    assert index.http_binding(get_output["cover"]) == (HttpBinding.PAYLOAD, None)
    assert index.http_binding(get_output["meta"]) == (HttpBinding.PREFIX_HEADERS, "x-meta-")
    assert index.http_binding(get_output["status"]) == (HttpBinding.RESPONSE_CODE, None)
    assert index.http_binding(get_output["title"]) is None


def test_member_helpers(model: Model, index: ModelIndex) -> None:
    out = model.shape(LIB + "GetBookOutput").members
    assert index.timestamp_format(out["published"]) == "date-time"
    assert index.timestamp_format(out["title"]) is None
    assert index.is_sensitive(out["secret"])  # through its target
    assert not index.is_sensitive(out["title"])
    streaming = index.streaming_member(LIB + "ReadChapterOutput")
    assert streaming is not None and streaming.name == "pages"
    assert index.streaming_member(LIB + "GetBookInput") is None


def test_enum_values_of_enum_int_enum_and_1_0_enum_strings() -> None:
    model = load(
        {
            NS
            + "E": {
                "type": "enum",
                "members": {
                    "A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "a"}},
                    "B": {"target": "smithy.api#Unit"},
                },
            },
            NS
            + "I": {
                "type": "intEnum",
                "members": {
                    "ONE": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}}
                },
            },
            NS
            + "Old": {
                "type": "string",
                "traits": {"smithy.api#enum": [{"value": "x-y", "name": "X_Y"}, {"value": "z"}]},
            },
            NS + "Plain": {"type": "string"},
        },
        version="1.0",
    )
    index = ModelIndex(model)
    assert index.enum_values(NS + "E") == {"A": "a", "B": "B"}
    assert index.enum_values(NS + "I") == {"ONE": 1}
    assert index.enum_values(NS + "Old") == {"X_Y": "x-y", "z": "z"}
    assert index.enum_values(NS + "Plain") == {}


def test_nullability_follows_required_default_client_optional_and_input() -> None:
    model = load(
        {
            NS
            + "S": structure(
                plain="smithy.api#String",
                required={"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                defaulted={"target": "smithy.api#Integer", "traits": {"smithy.api#default": 0}},
                null_default={
                    "target": "smithy.api#String",
                    "traits": {"smithy.api#default": None},
                },
                client_optional={
                    "target": "smithy.api#String",
                    "traits": {"smithy.api#required": {}, "smithy.api#clientOptional": {}},
                },
            ),
            NS
            + "In": {
                **structure(
                    req={"target": "smithy.api#String", "traits": {"smithy.api#required": {}}}
                ),
                "traits": {"smithy.api#input": {}},
            },
            NS + "U": {"type": "union", "members": {"a": {"target": "smithy.api#String"}}},
        }
    )
    index = ModelIndex(model)
    member = model.member
    assert index.is_nullable(member(NS + "S$plain"))
    assert not index.is_nullable(member(NS + "S$required"))
    assert not index.is_nullable(member(NS + "S$defaulted"))
    assert index.is_nullable(member(NS + "S$null_default"))
    assert index.is_nullable(member(NS + "S$client_optional"))
    assert not index.is_nullable(member(NS + "S$client_optional"), client=False)
    assert index.is_nullable(member(NS + "In$req"))
    assert not index.is_nullable(member(NS + "In$req"), client=False)
    assert not index.is_nullable(member(NS + "U$a"))

"""Each model has exactly the operations, event streams and modeled errors the sources list."""

from __future__ import annotations

import pytest

from tests.models.ast_index import SERVICES, Model, name
from tests.models.sources import RUST_TO_SMITHY, npm_schema, rust_extract


def streams_of(model: Model) -> dict[str, list[str]]:
    return {
        name(i): list(s["members"])
        for i, s in model.shapes.items()
        if "smithy.api#streaming" in s.get("traits", {})
    }


@pytest.mark.parametrize("service", SERVICES)
def test_operations_are_exactly_the_sources(service: str) -> None:
    model = Model.load(service)
    expected = set(rust_extract(service)["operations"])
    if service == "codewhisperer-streaming":
        npm_ops = {name(i) for i, s in npm_schema()["shapes"].items() if s["kind"] == "operation"}
        assert npm_ops == expected, "npm 1.0.45 and the Rust crate list different operations"
    assert {name(i) for i in model.operations()} == expected


@pytest.mark.parametrize("service", SERVICES)
def test_operation_errors_are_the_sources(service: str) -> None:
    model = Model.load(service)
    ops = {name(i): op for i, op in model.operations().items()}
    all_errors: set[str] = set()
    for op_name, raw in rust_extract(service)["operations"].items():
        expected = {RUST_TO_SMITHY.get(e, e) for e in raw["errors"]}
        actual = {name(e["target"]) for e in ops[op_name].get("errors", [])}
        assert actual == expected, op_name
        all_errors |= expected
    for raw in rust_extract(service)["event_streams"].values():
        all_errors |= {RUST_TO_SMITHY.get(e, e) for _, e in raw["errors"]}
    modeled = {
        name(i) for i, s in model.shapes.items() if "smithy.api#error" in s.get("traits", {})
    }
    assert modeled == all_errors


@pytest.mark.parametrize("service", SERVICES)
def test_event_streams_and_their_events_are_the_sources(service: str) -> None:
    model = Model.load(service)
    expected: dict[str, list[str]] = {}
    if service == "codewhisperer-streaming":
        # npm 1.0.45 is the newest source: it adds documentCitationEvent to ChatResponseStream.
        for shape_id, shape in npm_schema()["shapes"].items():
            if shape["kind"] == "union" and "streaming" in shape["traits"]:
                expected[name(shape_id)] = [m["name"] for m in shape["members"]]
    else:
        for union, raw in rust_extract(service)["event_streams"].items():
            members = [e["eventType"] for e in raw["events"]] + [m for m, _ in raw["errors"]]
            expected[RUST_TO_SMITHY.get(union, union)] = members
    assert streams_of(model) == expected


def test_streaming_npm_events_extend_the_rust_crate_by_document_citations_only() -> None:
    npm = {
        name(i): [m["name"] for m in s["members"]]
        for i, s in npm_schema()["shapes"].items()
        if s["kind"] == "union" and "streaming" in s["traits"]
    }
    rust = {
        RUST_TO_SMITHY.get(u, u): [e["eventType"] for e in raw["events"]]
        + [m for m, _ in raw["errors"]]
        for u, raw in rust_extract("codewhisperer-streaming")["event_streams"].items()
    }
    assert set(npm) == set(rust)
    extra = {u: sorted(set(npm[u]) - set(rust[u])) for u in npm if set(npm[u]) != set(rust[u])}
    assert extra == {"ChatResponseStream": ["documentCitationEvent"]}

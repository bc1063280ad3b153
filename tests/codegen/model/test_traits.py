"""Each typed trait accessor returns the parsed value (or None / False when absent)."""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.codegen.model import Model, load_model
from qsmith.codegen.model import traits as t
from tests.codegen.model.helpers import DATA, NS, load, structure

LIB = "example.library#"


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model(DATA / "library.json")


def test_service_traits(model: Model) -> None:
    service = model.shape(LIB + "Library")
    sigv4 = t.SIGV4.get(service)
    assert sigv4 is not None and sigv4.name == "library"
    aws = t.AWS_SERVICE.get(service)
    assert aws is not None and (aws.sdk_id, aws.endpoint_prefix) == ("Library", "library")
    protocol = t.REST_JSON1.get(service)
    assert protocol is not None and protocol.http == []
    assert t.HTTP_BEARER_AUTH.has(service)
    assert t.AUTH.get(service) == ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]
    assert t.DOCUMENTATION.get(service) == "A small library service."
    assert t.AWS_JSON1_0.get(service) is None


def test_operation_traits(model: Model) -> None:
    http = t.HTTP.get(model.shape(LIB + "GetBook"))
    assert http is not None and (http.method, http.uri, http.code) == (
        "GET",
        "/books/{bookId}",
        200,
    )
    ping = model.shape(LIB + "Ping")
    assert t.OPTIONAL_AUTH.has(ping) and t.AUTH.get(ping) == []
    paginated = t.PAGINATED.get(model.shape(LIB + "ListBooks"))
    assert paginated is not None and paginated.items == "books" and paginated.input_token is None


def test_member_and_shape_traits(model: Model) -> None:
    member = model.member
    assert t.REQUIRED.has(member(LIB + "GetBookInput$bookId"))
    assert not t.REQUIRED.has(member(LIB + "GetBookInput$edition"))
    assert t.HTTP_LABEL.has(member(LIB + "GetBookInput$bookId"))
    assert t.HTTP_QUERY.get(member(LIB + "GetBookInput$edition")) == "edition"
    assert t.HTTP_HEADER.get(member(LIB + "GetBookInput$requestId")) == "x-request-id"
    assert t.IDEMPOTENCY_TOKEN.has(member(LIB + "GetBookInput$requestId"))
    assert t.HTTP_QUERY_PARAMS.has(member(LIB + "ListBooksInput$filters"))
    assert t.HTTP_PREFIX_HEADERS.get(member(LIB + "GetBookOutput$meta")) == "x-meta-"
    assert t.HTTP_PAYLOAD.has(member(LIB + "GetBookOutput$cover"))
    assert t.HTTP_RESPONSE_CODE.has(member(LIB + "GetBookOutput$status"))
    assert t.JSON_NAME.get(member(LIB + "GetBookOutput$title")) == "Title"
    assert t.TIMESTAMP_FORMAT.get(member(LIB + "GetBookOutput$published")) == "date-time"
    genre = member(LIB + "GetBookOutput$genre")
    assert t.DEFAULT.get(genre) == "FICTION" and t.CLIENT_OPTIONAL.has(genre)
    assert t.EVENT_HEADER.has(member(LIB + "PageEvent$number"))
    assert t.EVENT_PAYLOAD.has(member(LIB + "PageEvent$text"))
    assert t.ENUM_VALUE.get(member(LIB + "Genre$NON_FICTION")) == "non-fiction"
    rng = t.RANGE.get(member(LIB + "GetBookInput$edition"))
    assert rng is not None and (rng.min, rng.max) == (1, 99)
    book_id = model.shape(LIB + "BookId")
    length = t.LENGTH.get(book_id)
    assert length is not None and (length.min, length.max) == (1, 64)
    assert t.PATTERN.get(book_id) == "^[a-z0-9-]+$"
    assert t.SENSITIVE.has(model.shape(LIB + "Secret"))
    cover = model.shape(LIB + "Cover")
    assert t.STREAMING.has(cover) and t.MEDIA_TYPE.get(cover) == "image/png"
    assert t.SPARSE.has(model.shape(LIB + "BookList"))
    not_found = model.shape(LIB + "NoSuchBook")
    assert t.ERROR.get(not_found) == "client" and t.HTTP_ERROR.get(not_found) == 404
    assert t.RETRYABLE.get(not_found) is None
    throttled = t.RETRYABLE.get(model.shape(LIB + "Throttled"))
    assert throttled is not None and throttled.throttling


def test_remaining_traits() -> None:
    ruleset: dict[str, Any] = {"version": "1.0", "parameters": {}, "rules": []}
    model = load(
        {
            NS
            + "Svc": {
                "type": "service",
                "traits": {
                    "aws.protocols#awsJson1_0": {"http": ["h2", "http/1.1"]},
                    "aws.protocols#awsJson1_1": {"eventStreamHttp": ["h2"]},
                    "smithy.rules#endpointRuleSet": ruleset,
                },
            },
            NS
            + "Op": {
                "type": "operation",
                "input": {"target": NS + "In"},
                "traits": {
                    "smithy.api#endpoint": {"hostPrefix": "{name}."},
                    "smithy.api#requestCompression": {"encodings": ["gzip"]},
                    "smithy.api#httpChecksumRequired": {},
                },
            },
            NS
            + "In": structure(
                name={
                    "target": "smithy.api#String",
                    "traits": {"smithy.api#hostLabel": {}, "smithy.api#required": {}},
                }
            ),
        }
    )
    svc, op = model.shape(NS + "Svc"), model.shape(NS + "Op")
    json10 = t.AWS_JSON1_0.get(svc)
    assert json10 is not None and json10.http == ["h2", "http/1.1"]
    json11 = t.AWS_JSON1_1.get(svc)
    assert json11 is not None and json11.event_stream_http == ["h2"]
    assert t.ENDPOINT_RULE_SET.get(svc) == ruleset
    endpoint = t.ENDPOINT.get(op)
    assert endpoint is not None and endpoint.host_prefix == "{name}."
    compression = t.REQUEST_COMPRESSION.get(op)
    assert compression is not None and compression.encodings == ["gzip"]
    assert t.HTTP_CHECKSUM_REQUIRED.has(op)
    assert t.HOST_LABEL.has(model.member(NS + "In$name"))


def test_registry_lists_every_spec_by_id() -> None:
    assert t.REGISTRY["smithy.api#http"] is t.HTTP
    assert all(spec.id == trait_id for trait_id, spec in t.REGISTRY.items())
    assert len(t.REGISTRY) >= 40

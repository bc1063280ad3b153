"""The sans-I/O request type: URL round trip, headers, and redaction of secrets."""

from __future__ import annotations

from qsmith.runtime.http import HttpRequest


def test_from_url_and_back() -> None:
    request = HttpRequest.from_url("GET", "http://127.0.0.1:8080/a%20b?x=1&x=2&y=caf%C3%A9&z")
    assert request.host == "127.0.0.1" and request.port == 8080 and request.path == "/a%20b"
    assert request.query == [("x", "1"), ("x", "2"), ("y", "café"), ("z", "")]
    assert request.url == "http://127.0.0.1:8080/a%20b?x=1&x=2&y=caf%C3%A9&z="


def test_default_port_is_left_out() -> None:
    assert HttpRequest("GET", "h", port=443).authority == "h"
    assert HttpRequest("GET", "h", scheme="http", port=443).authority == "h:443"


def test_headers_are_case_insensitive_and_replaceable() -> None:
    request = HttpRequest("GET", "h", headers=[("X-A", "1"), ("x-a", "2"), ("B", "3")])
    assert request.header("x-A") == "1,2"
    request.set_header("X-a", "9")
    assert request.headers == [("B", "3"), ("X-a", "9")]
    assert request.header("missing") is None


def test_repr_redacts_authorization_token_and_signature() -> None:
    request = HttpRequest(
        "GET",
        "h",
        query=[("X-Amz-Signature", "CANARYSIG"), ("p", "visible")],
        headers=[("Authorization", "Bearer CANARYTOKEN"), ("X-Amz-Security-Token", "CANARYST")],
        body=b"xyz",
    )
    text = repr(request) + str(request)
    assert "CANARY" not in text
    assert "visible" in text and "<3 bytes>" in text


def test_plus_in_a_url_query_stays_a_plus() -> None:
    request = HttpRequest.from_url("GET", "https://h/?a+b=c+d%2B")
    assert request.query == [("a+b", "c+d+")]
    assert request.query_string == "a%2Bb=c%2Bd%2B"


def test_copy_keeps_every_field_and_owns_its_lists() -> None:
    import dataclasses

    request = HttpRequest.from_url(
        "GET", "http://example.com:8080/p?a=1", headers=[("X-A", "1")], body=b"x"
    )
    copy = request.copy()
    assert copy == request
    # ``copy`` names each field: one added to HttpRequest must be added there too.
    names = {field.name for field in dataclasses.fields(HttpRequest)}
    assert names == {"method", "host", "path", "query", "headers", "body", "scheme", "port"}
    for field in dataclasses.fields(HttpRequest):
        assert getattr(copy, field.name) == getattr(request, field.name), field.name
    copy.set_header("X-B", "2")
    copy.query.append(("b", "2"))
    assert request.headers == [("X-A", "1")] and request.query == [("a", "1")]

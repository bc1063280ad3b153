"""The raw-socket test server: requests recorded, answers played byte for byte."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from qsmith.testing import RawAnswer, RawSocketServer
from qsmith.testing.raw_server import (
    chunked,
    http_head,
    reset_after_headers,
    reset_before_headers,
    silence,
    trickle,
)


@pytest.fixture
def server() -> Iterator[RawSocketServer]:
    with RawSocketServer() as running:
        yield running


def test_records_requests_and_keeps_the_connection(server: RawSocketServer) -> None:
    body = b'{"ok": true}'
    server.set_default(RawAnswer((http_head(200, length=len(body)) + body,)))
    with httpx.Client() as client:
        for _ in range(3):
            response = client.post(f"{server.url}/a?b=1", content=b"x" * 10, headers={"X-T": "1"})
            assert response.json() == {"ok": True}
    assert [(r.method, r.target, r.body) for r in server.requests] == [
        ("POST", "/a?b=1", b"x" * 10)
    ] * 3
    assert server.requests[0].header("x-t") == "1"
    assert server.connections_opened == 1


def test_reads_a_chunked_request_body(server: RawSocketServer) -> None:
    server.set_default(RawAnswer((http_head(204, length=0),)))
    with httpx.Client() as client:
        client.post(server.url, content=iter([b"ab", b"cd"]))
    assert server.requests[0].body == b"abcd"


def test_trickle_sends_one_byte_per_read(server: RawSocketServer) -> None:
    server.enqueue(trickle(200, [], b"abc", every=0.01))
    with httpx.Client() as client, client.stream("GET", server.url) as response:
        assert list(response.iter_raw()) == [b"a", b"b", b"c"]


def test_chunked_streams_end_or_stay_open() -> None:
    assert chunked([b"ab", b"c"]) == b"2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
    assert chunked([b"ab"], last=False) == b"2\r\nab\r\n"


@pytest.mark.parametrize("answer", [reset_before_headers(), reset_after_headers()])
def test_resets_are_transport_errors(server: RawSocketServer, answer: RawAnswer) -> None:
    server.enqueue(answer)
    with pytest.raises(httpx.TransportError), httpx.Client() as client:
        client.get(server.url).read()


def test_silence_lasts_until_the_client_hangs_up(server: RawSocketServer) -> None:
    server.enqueue(silence())
    with pytest.raises(httpx.ReadTimeout), httpx.Client(timeout=0.2) as client:
        client.get(server.url)
    give_up = time.monotonic() + 10.0
    while server.connections_open and time.monotonic() < give_up:
        time.sleep(0.02)
    assert server.connections_open == 0


def test_answers_500_when_nothing_is_scripted(server: RawSocketServer) -> None:
    assert httpx.get(server.url).status_code == 500

from __future__ import annotations

import httpx
import pytest

from qsmith.testing import FakeService, LoopbackServer, ScriptedResponse


def test_records_method_path_query_headers_and_body(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse.json(200, '{"ok": true}'))
    response = httpx.post(
        f"{loopback.url}/x/y?b=2&a=1&a=3",
        content=b'{"k": 1}',
        headers={"X-Test": "one"},
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    (request,) = loopback.requests
    assert request.method == "POST"
    assert request.path == "/x/y"
    assert request.query == [("b", "2"), ("a", "1"), ("a", "3")]
    assert request.header("x-test") == "one"
    assert request.body == b'{"k": 1}'


def test_answers_500_when_nothing_is_scripted(loopback: LoopbackServer) -> None:
    assert httpx.get(loopback.url).status_code == 500


def test_handler_answers_after_the_queue_is_empty() -> None:
    with LoopbackServer(lambda req: ScriptedResponse(status=204)) as server:
        server.enqueue(ScriptedResponse(status=201))
        assert [httpx.get(server.url).status_code for _ in range(3)] == [201, 204, 204]


def test_chunked_body_arrives_in_its_chunks(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(body=[b"ab", b"cd", b"e"]))
    with httpx.stream("GET", loopback.url) as response:
        assert b"".join(response.iter_raw()) == b"abcde"


def test_dropped_stream_is_an_error_for_the_client(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(body=[b"ab", b"cd", b"ef"], drop_after_chunks=1))
    with pytest.raises(httpx.TransportError), httpx.stream("GET", loopback.url) as response:
        b"".join(response.iter_raw())


def test_keep_alive_reuses_one_connection(loopback: LoopbackServer) -> None:
    loopback.set_handler(lambda req: ScriptedResponse(status=200, body=b"x"))
    with httpx.Client() as client:
        for _ in range(5):
            client.get(loopback.url)
    assert loopback.connections_opened == 1


def test_a_fake_service_default_answer_gets_one_request_id_per_call() -> None:
    with FakeService("awsJson1_0") as fake:
        # One response object, answered again and again (as the gateway's tests script it).
        fake.set_default("Ping", ScriptedResponse.json(200, '{"ok": true}'))
        headers = [
            httpx.post(
                fake.url, content=b"{}", headers={"X-Amz-Target": "Service.Ping"}
            ).headers.get_list("x-amzn-RequestId")
            for _ in range(3)
        ]
    assert [len(ids) for ids in headers] == [1, 1, 1]
    assert len({ids[0] for ids in headers}) == 3

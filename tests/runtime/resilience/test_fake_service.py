"""The fake service: protocol routing, recorded calls, error bodies, faults, fixture."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from qsmith.runtime.errors import ConfigError
from qsmith.testing import (
    FakeService,
    ScriptedResponse,
    corrupt_crc,
    fake_service_fixture,
    flip_byte,
    json_response,
    server_error,
    slow_bytes,
    stall,
    throttle,
)

fixture_fake = fake_service_fixture(
    "awsJson1_1",
    name="fixture_fake",
    target_prefix="Svc_20260101",
    setup=lambda fake: fake.set_default("Ping", json_response({"pong": True})),
)


@pytest.mark.parametrize(
    ("protocol", "content_type"),
    [
        ("awsJson1_0", "application/x-amz-json-1.0"),
        ("awsJson1_1", "application/x-amz-json-1.1"),
    ],
)
def test_aws_json_routes_by_target_and_sends_type_in_the_body(
    protocol: str, content_type: str
) -> None:
    with FakeService(protocol, target_prefix="Svc") as fake:  # type: ignore[arg-type]
        fake.respond("GetThing", json_response({"n": 1}), throttle(message="slow down"))
        with httpx.Client(trust_env=False) as client:
            headers = {"X-Amz-Target": "Svc.GetThing"}
            first = client.post(fake.url, headers=headers, content=b'{"a":1}')
            second = client.post(fake.url, headers=headers, content=b"{}")
            wrong = client.post(fake.url, headers={"X-Amz-Target": "Other.GetThing"})
    assert first.status_code == 200 and first.json() == {"n": 1}
    assert first.headers["content-type"] == content_type
    assert second.status_code == 429
    assert second.json() == {
        "__type": "com.amazonaws.fake#ThrottlingException",
        "message": "slow down",
    }
    assert wrong.status_code == 404
    assert [r.body for r in fake.calls("GetThing")] == [b'{"a":1}', b"{}"]
    assert fake.attempts("GetThing") == 2
    ids = {r.headers["x-amzn-RequestId"] for r in (first, second)}
    assert len(ids) == 2


def test_rest_json_routes_by_method_and_path_and_uses_the_error_type_header() -> None:
    with FakeService("restJson1") as fake:
        fake.route("POST", "/conversations/{id}/messages", "SendMessage")
        fake.route("GET", "/conversations/{id}", "GetConversation")
        fake.respond("SendMessage", throttle(reason="MONTHLY_REQUEST_COUNT", retry_after_ms=250))
        fake.set_default("GetConversation", json_response({"id": "c1"}))
        with httpx.Client(trust_env=False, base_url=fake.url) as client:
            sent = client.post("/conversations/c1/messages", content=b"{}")
            got = client.get("/conversations/c1")
            unrouted = client.get("/conversations/c1/messages")
    assert sent.status_code == 429
    assert sent.headers["x-amzn-ErrorType"].startswith("ThrottlingException:")
    assert sent.headers["x-amz-retry-after"] == "250"
    assert sent.json() == {"message": "Rate exceeded", "reason": "MONTHLY_REQUEST_COUNT"}
    assert got.json() == {"id": "c1"}
    assert unrouted.status_code == 404
    assert fake.calls("SendMessage")[0].path == "/conversations/c1/messages"


def test_unscripted_operation_answers_501_naming_it() -> None:
    with FakeService("awsJson1_0") as fake, httpx.Client(trust_env=False) as client:
        response = client.post(fake.url, headers={"X-Amz-Target": "X.Nothing"})
    assert response.status_code == 501 and "Nothing" in response.text


def test_inject_repeats_a_fault_then_the_default_answers() -> None:
    with FakeService("awsJson1_0") as fake, httpx.Client(trust_env=False) as client:
        fake.inject("Op", server_error(503), times=2)
        fake.set_default("Op", ScriptedResponse(status=204))
        codes = [
            client.post(fake.url, headers={"X-Amz-Target": "S.Op"}).status_code for _ in range(4)
        ]
    assert codes == [503, 503, 204, 204]


def test_flip_byte_and_corrupt_crc() -> None:
    assert flip_byte(b"\x00\x01\x02") == b"\x00\x01\xfd"
    assert flip_byte(b"\x00\x01\x02", 0) == b"\xff\x01\x02"
    with FakeService("awsJson1_0") as fake, httpx.Client(trust_env=False) as client:
        fake.respond("Op", corrupt_crc([b"aaaa", b"bbbb"], message=1, index=1))
        body = client.post(fake.url, headers={"X-Amz-Target": "S.Op"}).content
    assert body == b"aaaab\x9dbb"


def test_slow_bytes_arrive_in_pieces_over_time() -> None:
    with FakeService("awsJson1_0") as fake, httpx.Client(trust_env=False) as client:
        fake.respond("Op", slow_bytes(b"abcdef", chunk_size=2, delay=0.05))
        started = time.monotonic()
        with client.stream("POST", fake.url, headers={"X-Amz-Target": "S.Op"}) as response:
            pieces = list(response.iter_raw())
        elapsed = time.monotonic() - started
    assert b"".join(pieces) == b"abcdef"
    assert elapsed >= 0.15


def test_a_stall_is_released_when_the_service_stops() -> None:
    started = time.monotonic()
    with FakeService("awsJson1_0") as fake, httpx.Client(trust_env=False) as client:
        fake.respond("Op", stall(30.0))
        with pytest.raises(httpx.ReadTimeout):
            client.post(fake.url, headers={"X-Amz-Target": "S.Op"}, timeout=0.1)
    assert time.monotonic() - started < 5.0


def test_unknown_protocol_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown protocol 'rpcv2Cbor'"):
        FakeService("rpcv2Cbor")  # type: ignore[arg-type]


def test_fixture_factory(fixture_fake: FakeService) -> None:
    with httpx.Client(trust_env=False) as client:
        response = client.post(fixture_fake.url, headers={"X-Amz-Target": "Svc_20260101.Ping"})
    assert json.loads(response.content) == {"pong": True}
    assert fixture_fake.attempts("Ping") == 1

"""Generated restJson1 clients stream events both ways over real HTTP.

The protocol-test service's generated ``Client`` sends typed input events, which the
client core frames, signs and streams as the request body (chunked), and reads an event stream answer into
the generated union classes.
"""

from __future__ import annotations

import importlib
from typing import Any

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.eventstream import MessageDecoder, decode_message
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from qsmith.testing.event_streams import event_stream_encoder
from tests.protocols.conftest import ProtocolClients

SERVICE = "aws.protocoltests.restjson#RestJson"


def _package(clients: ProtocolClients, module: str) -> Any:
    return importlib.import_module(f"qsmith.clients.{clients.packages[SERVICE]}.{module}")


def _client(clients: ProtocolClients, url: str) -> Any:
    credentials = AwsCredentials("AKIDEXAMPLE", "not-a-real-secret")
    config = ClientConfig(max_attempts=1, credentials=credentials)
    return _package(clients, "client").Client(endpoint_url=url, region="us-east-1", config=config)


def test_input_events_are_sent_framed(
    loopback: LoopbackServer, protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")
    received: list[RecordedRequest] = []

    def record(request: RecordedRequest) -> ScriptedResponse:
        received.append(request)
        return ScriptedResponse(status=200)

    loopback.set_handler(record)
    events = [
        models.EventStreamHeaders(models.HeadersEvent(string_header="hello", int_header=7)),
        models.EventStreamStringPayload(models.StringPayloadEvent(payload="text")),
    ]
    with _client(protocol_clients, loopback.url) as client:
        assert client.input_stream(stream=events) is None
    (request,) = received
    assert request.path == "/InputStream"
    assert request.header("Content-Type") == "application/vnd.amazon.eventstream"
    decoder = MessageDecoder()
    outer = list(decoder.feed(request.body))
    decoder.finish()
    # Under SigV4 each event is the payload of a signed outer message, and an empty one
    # ends the stream (the signatures: test_signed_input_event_streams.py).
    assert outer[-1].payload == b""
    messages = [decode_message(m.payload) for m in outer[:-1]]
    assert [m.headers[":event-type"] for m in messages] == ["headers", "stringPayload"]
    assert (messages[0].headers["stringHeader"], messages[0].headers["intHeader"]) == ("hello", 7)
    assert messages[1].payload == b"text"


def test_output_events_arrive_as_generated_variants(
    loopback: LoopbackServer, protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")
    schema = _package(protocol_clients, "_schema")
    encoder = event_stream_encoder(schema.OUTPUT_STREAM_OPERATION, "aws.protocols#restJson1")
    sent = [
        models.EventStreamStringPayload(models.StringPayloadEvent(payload="one")),
        models.EventStreamHeaders(models.HeadersEvent(boolean_header=True)),
    ]
    body = [encoder.encode(event) for event in sent]
    loopback.set_handler(
        lambda _request: ScriptedResponse(
            headers=[("Content-Type", "application/vnd.amazon.eventstream")], body=body
        )
    )
    with _client(protocol_clients, loopback.url) as client, client.output_stream() as stream:
        received = list(stream)
    assert [type(e).__name__ for e in received] == [
        "EventStreamStringPayload",
        "EventStreamHeaders",
    ]
    assert received[0].value.payload == "one"
    assert received[1].value.boolean_header is True

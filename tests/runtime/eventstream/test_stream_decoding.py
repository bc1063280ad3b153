"""``StreamDecoding``'s one-step readers decode events exactly as the general path does.

The client decodes the common event (a structure whose members all travel in a JSON
payload) with a reader compiled once per event type, and hands anything else, and any
payload that reader cannot read, to ``EventStreamDecoder``. Every event type of
codewhisperer-streaming's ``generateAssistantResponse`` is decoded both ways here, with
full, partial, empty and broken payloads: same events, same errors.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.events import StreamDecoding
from qsmith.runtime.eventstream.message import Message
from qsmith.runtime.schema import OperationSchema, Schema, ShapeType

PAYLOADS: dict[str, list[bytes]] = {
    "assistantResponseEvent": [
        b'{"content":"hi","modelId":"m-1"}',
        b'{"content":"only"}',
        b'{"content":"\\u00e9t\\u00e9 \xe2\x9c\x93","unknownMember":[1,{"a":null}]}',
        b'{"content":null}',
        b' {"content":"padded"}\n',
        b'\xef\xbb\xbf{"content":"after a byte order mark"}',
        '{"content":"utf-16"}'.encode("utf-16"),
    ],
    "toolUseEvent": [b'{"toolUseId":"t","name":"n","input":"{}","stop":true}'],
    "codeReferenceEvent": [
        b'{"references":[{"licenseName":"MIT","recommendationContentSpan":{"start":1,"end":2}}]}'
    ],
    "meteringEvent": [b'{"usage":1.5,"unit":"u"}', b'{"usage":"NaN"}'],
    "intentsEvent": [b'{"intents":{"DEV":{"k":"v"}}}'],
}
BROKEN = [
    b'{"content":5}',
    b'{"content":"x"',
    b'{"content":"x"}}',
    b'[{"content":"x"}]',
    b"\xff\xfe{",
    b"{" * 150 + b"}" * 150,
    b'{"toolUseId":"t","stop":"yes"}',
    b'{"references":"not a list"}',
    b"not json",
]


def _decoding() -> tuple[StreamDecoding, Schema]:
    from qsmith.clients.codewhisperer_streaming import Client, _schema

    operation: OperationSchema = _schema.SERVICE.operations["GenerateAssistantResponse"]
    config = ClientConfig(region="us-east-1", token="not-a-real-token")
    core = Client(endpoint_url="http://127.0.0.1:9", config=config)._core
    member = operation.streaming_member("output")
    assert member is not None
    return StreamDecoding(core, operation, 200, httpx.Headers()), member.target


def _events(union: Schema) -> list[str]:
    return [
        name
        for name, member in union.members.items()
        if member.target.error is None and member.target.type is ShapeType.STRUCTURE
    ]


def _message(event_type: str, payload: bytes) -> Message:
    headers = {":message-type": "event", ":event-type": event_type}
    return Message({**headers, ":content-type": "application/json"}, payload)


def _outcome(decode: Any, message: Message) -> tuple[str, object]:
    try:
        return "event", decode(message)
    except Exception as error:  # compared below: class and text
        return type(error).__name__, str(error)


def test_every_event_type_decodes_as_the_general_path_does() -> None:
    decoding, union = _decoding()
    general, _ = _decoding()
    compared = 0
    for event_type in _events(union):
        for payload in [b"", b"{}", *PAYLOADS.get(event_type, []), *BROKEN]:
            message = _message(event_type, payload)
            ours = _outcome(decoding.decode, message)
            theirs = _outcome(general._decode_in_full, message)
            assert ours == theirs, (event_type, payload)
            compared += 1
    assert compared > 200
    # The one-step readers really ran (they are built per event type on first use).
    assert decoding._readers["assistantResponseEvent"] is not None


def test_the_readers_produce_typed_events_with_missing_members_filled() -> None:
    decoding, _ = _decoding()
    event: Any = decoding.decode(_message("assistantResponseEvent", b'{"modelId":"m"}'))
    # ``content`` is required: client error correction gives it its zero value.
    assert (event.value.content, event.value.model_id) == ("", "m")
    assert type(event).__name__ == "ChatResponseStreamAssistantResponseEvent"


def test_message_numbers_in_errors_count_events_read_in_one_step() -> None:
    decoding, _ = _decoding()
    for _ in range(3):
        decoding.decode(_message("assistantResponseEvent", json.dumps({"content": "x"}).encode()))
    with pytest.raises(Exception, match=r"message #3 \(event assistantResponseEvent\)"):
        decoding.decode(_message("assistantResponseEvent", b'{"content":5}'))

"""restJson1: an event stream's HTTP answer is its initial response, required headers included.

A required header member missing from it fails with ``MissingInitialResponseMemberError``;
members with a default or ``@clientOptional``, prefix headers, and every non-streaming
answer keep client error correction (docs/design/initial-response.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from qsmith.runtime.protocols import RestJson1
from qsmith.runtime.schema import (
    HttpBinding,
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
)
from qsmith.runtime.serde import MissingInitialResponseMemberError, SerdeError

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
INTEGER = Schema(id="smithy.api#Integer", type=ShapeType.INTEGER)
LABELS = Schema(
    id="t#Labels",
    type=ShapeType.MAP,
    members={
        "key": MemberSchema(name="key", python_name="key", target_ref=STRING),
        "value": MemberSchema(name="value", python_name="value", target_ref=STRING),
    },
)
EVENTS = Schema(id="t#Events", type=ShapeType.UNION, streaming=True)
UNIT = Schema(id="smithy.api#Unit", type=ShapeType.STRUCTURE)
SESSION_HEADER = "x-session-id"


def header(name: str, python_name: str, target: Schema, wire: str, **extra: Any) -> MemberSchema:
    return MemberSchema(
        name=name,
        python_name=python_name,
        target_ref=target,
        http_binding=HttpBinding.HEADER,
        http_name=wire,
        **extra,
    )


@dataclasses.dataclass(kw_only=True, slots=True)
class ChatOutput:
    session_id: str | None = None
    mode: str | None = None
    hint: str | None = None
    retries: int | None = None
    labels: dict[str, str] | None = None
    status: int | None = None
    events: Any = None


MEMBERS = {
    "SessionId": header("SessionId", "session_id", STRING, SESSION_HEADER, required=True),
    "Mode": header("Mode", "mode", STRING, "x-mode", required=True, default="auto"),
    "Hint": header("Hint", "hint", STRING, "x-hint", required=True, client_optional=True),
    "Retries": header("Retries", "retries", INTEGER, "x-retries"),
    "Labels": MemberSchema(
        name="Labels",
        python_name="labels",
        target_ref=LABELS,
        http_binding=HttpBinding.PREFIX_HEADERS,
        http_name="x-label-",
        required=True,
    ),
    "Status": MemberSchema(
        name="Status",
        python_name="status",
        target_ref=INTEGER,
        http_binding=HttpBinding.RESPONSE_CODE,
        required=True,
    ),
}
STREAM_MEMBER = MemberSchema(
    name="Events", python_name="events", target_ref=EVENTS, http_binding=HttpBinding.PAYLOAD
)
CHAT = OperationSchema(
    id="t#Chat",
    input=UNIT,
    output=Schema(
        id="t#ChatOutput",
        type=ShapeType.STRUCTURE,
        members={**MEMBERS, "Events": STREAM_MEMBER},
        python_type_ref=ChatOutput,
    ),
    http=HttpTrait(method="POST", uri="/chat"),
)
# The same members in an ordinary (non-streaming) answer.
GET = OperationSchema(
    id="t#GetSession",
    input=UNIT,
    output=Schema(
        id="t#GetSessionOutput",
        type=ShapeType.STRUCTURE,
        members=MEMBERS,
        python_type_ref=dataclasses.make_dataclass(
            "GetSessionOutput",
            [(m.python_name, Any, dataclasses.field(default=None)) for m in MEMBERS.values()],
            kw_only=True,
            slots=True,
        ),
    ),
    http=HttpTrait(method="GET", uri="/session"),
)
SERVICE = ServiceSchema(id="t#Svc", version="1", operations={"Chat": CHAT, "GetSession": GET})


def read_stream(headers: list[tuple[str, str]]) -> Any:
    return RestJson1().read_stream_output(CHAT, 200, headers)


def test_a_stream_answer_without_a_required_header_fails_naming_it() -> None:
    with pytest.raises(MissingInitialResponseMemberError) as caught:
        read_stream([("x-retries", "3"), ("x-hint", "do-not-echo-me")])
    error = caught.value
    assert isinstance(error, SerdeError)
    assert (error.operation, error.member, error.header) == ("Chat", "SessionId", SESSION_HEADER)
    message = str(error)
    assert "Chat" in message and "SessionId" in message and SESSION_HEADER in message
    assert "do-not-echo-me" not in message and "3" not in message


def test_a_stream_answer_with_the_required_header_is_read() -> None:
    output = read_stream([(SESSION_HEADER, "s-1"), ("x-retries", "3"), ("x-label-env", "dev")])
    assert (output.session_id, output.retries, output.labels) == ("s-1", 3, {"env": "dev"})
    assert output.status == 200
    assert output.events is None  # the stream is handed to the decoder, not to ``output``


def test_required_members_with_a_default_or_client_optional_are_error_corrected() -> None:
    streamed = read_stream([(SESSION_HEADER, "s-1")])
    plain = RestJson1().deserialize_response(SERVICE, GET, 200, [(SESSION_HEADER, "s-1")], b"")
    assert streamed.mode == "auto"  # the default
    for name in ("mode", "hint", "retries", "labels"):
        assert getattr(streamed, name) == getattr(plain, name), name


def test_a_required_prefix_header_map_may_be_empty() -> None:
    assert read_stream([(SESSION_HEADER, "s-1")]).labels == {}


def test_a_header_present_but_empty_counts_as_sent() -> None:
    assert read_stream([(SESSION_HEADER, "")]).session_id == ""


def test_a_non_streaming_answer_without_a_required_header_is_error_corrected() -> None:
    output = RestJson1().deserialize_response(SERVICE, GET, 200, [], b"")
    assert (output.session_id, output.mode, output.status) == ("", "auto", 200)

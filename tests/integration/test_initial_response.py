"""A streaming answer without a required header member, as each protocol treats it.

codewhisperer-streaming ``GenerateAssistantResponse`` requires ``conversationId``, bound
to the ``x-amzn-codewhisperer-conversation-id`` header. Under restJson1 the HTTP answer
is the stream's initial response; under awsJson1_0 the ``initial-response`` event is.
One rule for both: a required member the initial response lacks fails the call itself,
and the answer is closed; an awsJson stream with no initial-response at all keeps its
events, and its ``output`` raises (docs/design/initial-response.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from qsmith.clients.codewhisperer_streaming import AsyncClient, Client
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.clients.codewhisperer_streaming.models import (
    AssistantResponseEvent,
    ChatMessageUserInputMessage,
    ChatResponseStreamAssistantResponseEvent,
    ConversationState,
    GenerateAssistantResponseResponse,
    UserInputMessage,
)
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.serde import MissingInitialResponseMemberError, SerdeError
from qsmith.testing import FakeService, LoopbackServer, ScriptedResponse, event_stream_response
from qsmith.testing.event_streams import event_stream_body, event_stream_headers

OPERATION = streaming_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION
HEADER = "x-amzn-codewhisperer-conversation-id"
EVENT = ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content="ok"))
STATE = ConversationState(
    chat_trigger_type="MANUAL",
    current_message=ChatMessageUserInputMessage(UserInputMessage(content="hi")),
)


def _answer(protocol: str, initial: dict[str, object]) -> ScriptedResponse:
    wire = f"aws.protocols#{protocol}"
    body = event_stream_body(OPERATION, [EVENT], protocol=wire, initial=initial)
    headers = event_stream_headers(OPERATION, initial, protocol=wire)
    return ScriptedResponse(
        headers=[("Content-Type", "application/vnd.amazon.eventstream"), *headers], body=body
    )


def _config(protocol: str) -> ClientConfig:
    return ClientConfig(token="t", region="us-east-1", protocol=protocol)


def _call_sync(url: str, protocol: str) -> tuple[Any, list[object]]:
    with (
        Client(endpoint_url=url, config=_config(protocol)) as client,
        client.generate_assistant_response(conversation_state=STATE) as stream,
    ):
        return stream.output, list(stream)


def _call_async(url: str, protocol: str) -> tuple[Any, list[object]]:
    async def run() -> tuple[Any, list[object]]:
        async with AsyncClient(endpoint_url=url, config=_config(protocol)) as client:
            stream = await client.generate_assistant_response(conversation_state=STATE)
            async with stream:
                return await stream.output(), [event async for event in stream]

    return asyncio.run(run())


CALLERS = {"sync": _call_sync, "async": _call_async}


@pytest.mark.parametrize("mode", sorted(CALLERS))
def test_restjson1_answer_without_the_required_header_fails_the_call(
    loopback: LoopbackServer, mode: str
) -> None:
    loopback.enqueue(_answer("restJson1", {}))
    with pytest.raises(MissingInitialResponseMemberError) as caught:
        CALLERS[mode](loopback.url, "restJson1")
    error = caught.value
    assert isinstance(error, SerdeError)
    assert (error.operation, error.member, error.header) == (
        "GenerateAssistantResponse",
        "conversationId",
        HEADER,
    )
    assert "GenerateAssistantResponse" in str(error) and HEADER in str(error)
    assert error.raw_response is not None and error.raw_response.is_closed
    assert len(loopback.requests) == 1  # the server's omission is not retried


@pytest.mark.parametrize("mode", sorted(CALLERS))
def test_restjson1_answer_with_the_required_header_is_read(
    loopback: LoopbackServer, mode: str
) -> None:
    loopback.enqueue(_answer("restJson1", {"conversationId": "conv-7"}))
    output, events = CALLERS[mode](loopback.url, "restJson1")
    assert output.conversation_id == "conv-7"
    assert events == [EVENT]


@pytest.mark.parametrize("mode", sorted(CALLERS))
def test_awsjson1_0_initial_response_without_the_member_fails_the_call(
    loopback: LoopbackServer, mode: str
) -> None:
    loopback.enqueue(_answer("awsJson1_0", {}))
    with pytest.raises(MissingInitialResponseMemberError) as caught:
        CALLERS[mode](loopback.url, "awsJson1_0")
    error = caught.value
    assert (error.operation, error.member, error.header) == (
        "GenerateAssistantResponse",
        "conversationId",
        None,
    )
    assert "initial-response event" in str(error)
    assert error.raw_response is not None and error.raw_response.is_closed
    assert len(loopback.requests) == 1  # the server's omission is not retried


def _without_initial_response() -> ScriptedResponse:
    wire = "aws.protocols#awsJson1_0"
    body = event_stream_body(OPERATION, [EVENT], protocol=wire)[1:]  # no initial-response
    return ScriptedResponse(
        headers=[("Content-Type", "application/vnd.amazon.eventstream")], body=body
    )


def test_awsjson1_0_stream_without_an_initial_response_keeps_its_events_sync(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(_without_initial_response())
    with (
        Client(endpoint_url=loopback.url, config=_config("awsJson1_0")) as client,
        client.generate_assistant_response(conversation_state=STATE) as stream,
    ):
        with pytest.raises(MissingInitialResponseMemberError) as caught:
            stream.output  # noqa: B018 - reading it is the test
        assert list(stream) == [EVENT]
    assert caught.value.member == "conversationId"
    assert len(loopback.requests) == 1


def test_awsjson1_0_stream_without_an_initial_response_keeps_its_events_async(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(_without_initial_response())

    async def run() -> list[object]:
        async with AsyncClient(endpoint_url=loopback.url, config=_config("awsJson1_0")) as client:
            stream = await client.generate_assistant_response(conversation_state=STATE)
            async with stream:
                with pytest.raises(MissingInitialResponseMemberError):
                    await stream.output()
                return [event async for event in stream]

    assert asyncio.run(run()) == [EVENT]
    assert len(loopback.requests) == 1


@pytest.mark.parametrize("mode", sorted(CALLERS))
def test_awsjson1_0_initial_response_with_the_member_is_read(
    loopback: LoopbackServer, mode: str
) -> None:
    loopback.enqueue(_answer("awsJson1_0", {"conversationId": "conv-3"}))
    output, events = CALLERS[mode](loopback.url, "awsJson1_0")
    assert output.conversation_id == "conv-3"
    assert events == [EVENT]


def test_a_fake_restjson1_service_sends_the_initial_headers_it_is_given() -> None:
    wire = "aws.protocols#restJson1"
    initial = {"conversationId": "conv-9"}
    with FakeService("restJson1") as fake:
        fake.route("POST", "/generateAssistantResponse", "GenerateAssistantResponse")
        fake.respond(
            "GenerateAssistantResponse",
            event_stream_response(
                event_stream_body(OPERATION, [EVENT], protocol=wire),
                headers=event_stream_headers(OPERATION, initial, protocol=wire),
            ),
            event_stream_response(event_stream_body(OPERATION, [EVENT], protocol=wire)),
        )
        assert _call_sync(fake.url, "restJson1") == (
            GenerateAssistantResponseResponse(conversation_id="conv-9"),
            [EVENT],
        )
        with pytest.raises(MissingInitialResponseMemberError):
            _call_sync(fake.url, "restJson1")
        assert fake.attempts("GenerateAssistantResponse") == 2

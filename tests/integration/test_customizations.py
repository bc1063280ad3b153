"""The Amazon Q customizations the models cannot express, as they reach the wire."""

from __future__ import annotations

import pytest

from qsmith.clients.codewhisperer_streaming import Client
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.clients.codewhisperer_streaming.models import (
    AssistantResponseEvent,
    ChatMessageUserInputMessage,
    ChatResponseStreamAssistantResponseEvent,
    ConversationState,
    UserInputMessage,
)
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body, event_stream_headers

STATE = ConversationState(
    chat_trigger_type="MANUAL",
    current_message=ChatMessageUserInputMessage(UserInputMessage(content="hi")),
)


def _answer(protocol: str) -> ScriptedResponse:
    operation = streaming_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION
    events = [ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content="ok"))]
    initial = {"conversationId": "conv-1"}
    body = event_stream_body(operation, events, protocol=protocol, initial=initial)
    headers = event_stream_headers(operation, initial, protocol=protocol)
    return ScriptedResponse(
        headers=[("Content-Type", "application/vnd.amazon.eventstream"), *headers], body=body
    )


@pytest.mark.parametrize("protocol", ["awsJson1_0", "restJson1"])
def test_header_members_travel_as_headers_under_both_protocols(
    loopback: LoopbackServer, protocol: str
) -> None:
    loopback.enqueue(_answer(f"aws.protocols#{protocol}"))
    config = ClientConfig(token="t", region="us-east-1", protocol=protocol)
    with (
        Client(endpoint_url=loopback.url, config=config) as client,
        client.generate_assistant_response(conversation_state=STATE, agent_mode="vibe") as stream,
    ):
        list(stream)
    (request,) = loopback.requests
    assert request.header("x-amzn-kiro-agent-mode") == "vibe"


@pytest.mark.parametrize(("share", "header"), [(False, "true"), (True, "false")])
def test_the_data_sharing_choice_is_sent_and_defaults_to_opting_out(
    loopback: LoopbackServer, share: bool, header: str
) -> None:
    loopback.enqueue(_answer("aws.protocols#awsJson1_0"))
    config = ClientConfig(token="t", region="us-east-1", share_content=share)
    with (
        Client(endpoint_url=loopback.url, config=config) as client,
        client.generate_assistant_response(conversation_state=STATE) as stream,
    ):
        list(stream)
    (request,) = loopback.requests
    assert request.header("x-amzn-codewhisperer-optout") == header

"""Scripted streaming answers for chat tests: typed events in, a loopback response out."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from qsmith.chat import Conversation
from qsmith.chat.translate import retarget
from qsmith.clients.codewhisperer_streaming import _schema as cw_schema
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.clients.qdeveloper_streaming import _schema as qd_schema
from qsmith.clients.qdeveloper_streaming import models as qd
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body

EVENT_STREAM = "application/vnd.amazon.eventstream"
TOKEN = "token-canary"


def answer(
    events: Sequence[object], *, sigv4: bool = False, chunk_delay: float = 0.0
) -> ScriptedResponse:
    """A streaming answer made of codewhisperer-streaming events (copied for SigV4)."""
    if sigv4:
        body = event_stream_body(
            qd_schema.SEND_MESSAGE_OPERATION, [retarget(e, qd) for e in events]
        )
    else:
        body = event_stream_body(
            cw_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION,
            events,
            initial={"conversationId": "conv-1"},
        )
    return ScriptedResponse(
        status=200, headers=[("Content-Type", EVENT_STREAM)], body=body, chunk_delay=chunk_delay
    )


def text(*parts: str) -> list[object]:
    return [
        cw.ChatResponseStreamAssistantResponseEvent(cw.AssistantResponseEvent(content=p))
        for p in parts
    ]


def metadata(conversation_id: str = "conv-1", utterance_id: str = "utt-1") -> object:
    return cw.ChatResponseStreamMessageMetadataEvent(
        cw.MessageMetadataEvent(conversation_id=conversation_id, utterance_id=utterance_id)
    )


def tool_use(tool_use_id: str, name: str, pieces: Sequence[str]) -> list[object]:
    """A tool use streamed in fragments, the last one flagged ``stop``."""
    return [
        cw.ChatResponseStreamToolUseEvent(
            cw.ToolUseEvent(
                tool_use_id=tool_use_id, name=name, input=piece, stop=i == len(pieces) - 1
            )
        )
        for i, piece in enumerate(pieces)
    ]


def error_response(status: int, code: str, message: str, **members: str) -> ScriptedResponse:
    body = {"__type": code, "message": message, **members}
    return ScriptedResponse.json(status, json.dumps(body), [("x-amzn-RequestId", "req-9")])


def conversation(loopback: LoopbackServer, **options: Any) -> Conversation:
    """A bearer conversation against the loopback server, one attempt per call."""
    defaults: dict[str, Any] = {
        "endpoint_url": loopback.url,
        "token": TOKEN,
        "client_config": ClientConfig(max_attempts=1),
        "environ": {},
    }
    return Conversation(**{**defaults, **options})


def request_state(request: RecordedRequest) -> Mapping[str, Any]:
    """The ``conversationState`` the client sent."""
    body = json.loads(request.body)
    state: Mapping[str, Any] = body["conversationState"]
    return state

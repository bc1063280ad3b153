"""What chat sends for reasoning and prompt caching, and what the model list says of limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qsmith.chat import (
    AssistantMessage,
    AsyncConversation,
    Conversation,
    PromptCaching,
    RouteError,
    TokenUsage,
    ToolSpec,
    UserMessage,
    thinking_fields,
)
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.chat import scripts as s

SEARCH = ToolSpec("search", "Search the code.", {"type": "object"}, cache_point=True)
READ = ToolSpec("read", "Read a file.", {"type": "object"})


def sent(loopback: LoopbackServer, index: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(loopback.requests[index].body)
    return body


def test_thinking_fields_go_as_additional_model_request_fields(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(s.answer(s.text("ok")))
    with s.conversation(loopback) as conv:
        list(conv.send("think", model_fields=thinking_fields(4096)))
    assert sent(loopback)["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 4096}
    }


def test_no_model_fields_sends_none(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("ok")))
    with s.conversation(loopback) as conv:
        list(conv.send("plain"))
    assert "additionalModelRequestFields" not in sent(loopback)


def test_the_sigv4_route_refuses_model_fields_rather_than_dropping_them(
    loopback: LoopbackServer,
) -> None:
    conv = Conversation(
        endpoint_url=loopback.url,
        model="custom:eu-central-1:my-model",
        credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary"),
        client_config=ClientConfig(max_attempts=1),
        environ={},
        caller_account=False,
    )
    with conv, pytest.raises(RouteError, match=r"thinking.*bearer route"):
        list(conv.send("think", model_fields=thinking_fields(2048)))
    assert loopback.requests == []


def test_cache_points_go_on_messages_and_after_tools(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("ok")))
    history = [
        UserMessage("first", cache_point=True),
        AssistantMessage("answer", cache_point=True),
        UserMessage("second"),
        AssistantMessage("again"),
    ]
    with s.conversation(loopback, history=history, tools=[SEARCH, READ]) as conv:
        list(conv.send("third", cache_point=True))
    state = sent(loopback)["conversationState"]
    points = [
        next(iter(m.values())).get("cachePoint") for m in state["history"]
    ]  # user, assistant, user, assistant
    assert points == [{"type": "default"}, {"type": "default"}, None, None]
    current = state["currentMessage"]["userInputMessage"]
    assert current["cachePoint"] == {"type": "default"}
    tools = current["userInputMessageContext"]["tools"]
    assert [next(iter(t)) for t in tools] == [
        "toolSpecification",
        "cachePoint",
        "toolSpecification",
    ]
    assert tools[1] == {"cachePoint": {"type": "default"}}


def test_merged_turns_keep_a_cache_point_of_either(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("ok")))
    history = [UserMessage("one", cache_point=True), UserMessage("two"), AssistantMessage("a")]
    with s.conversation(loopback, history=history) as conv:
        list(conv.send("three"))
    first, _answer = sent(loopback)["conversationState"]["history"]
    assert first["userInputMessage"]["content"] == "one\n\ntwo"
    assert first["userInputMessage"]["cachePoint"] == {"type": "default"}


def test_list_models_reads_token_limits_and_prompt_caching(loopback: LoopbackServer) -> None:
    page = {
        "models": [
            {
                "modelId": "claude-sonnet-4.5",
                "tokenLimits": {"maxInputTokens": 200000, "maxOutputTokens": 64000},
                "promptCaching": {
                    "supportsPromptCaching": True,
                    "minimumTokensPerCacheCheckpoint": 1024,
                    "maximumCacheCheckpointsPerRequest": 4,
                },
            },
            {"modelId": "auto"},
        ],
        "defaultModel": {"modelId": "auto"},
    }
    loopback.enqueue(ScriptedResponse.json(200, json.dumps(page)))
    with s.conversation(loopback) as conv:
        sonnet, auto = conv.list_models()
    assert (sonnet.max_input_tokens, sonnet.max_output_tokens) == (200000, 64000)
    assert sonnet.prompt_caching == PromptCaching(True, 1024, 4)
    assert (auto.max_input_tokens, auto.prompt_caching) == (None, None)


async def test_async_send_carries_model_fields_and_reads_context_usage(
    loopback: LoopbackServer,
) -> None:
    usage = cw.TokenUsage(
        uncached_input_tokens=10,
        output_tokens=2,
        total_tokens=12,
        cache_read_input_tokens=30,
        context_usage_percentage=1.5,
    )
    loopback.enqueue(
        s.answer(
            [*s.text("ok"), cw.ChatResponseStreamMetadataEvent(cw.MetadataEvent(token_usage=usage))]
        )
    )
    options: dict[str, Any] = {
        "endpoint_url": loopback.url,
        "token": s.TOKEN,
        "client_config": ClientConfig(max_attempts=1),
        "environ": {},
    }
    async with AsyncConversation(**options) as conv:
        events = [e async for e in conv.send("hi", model_fields=thinking_fields(1024))]
    (reported,) = [e for e in events if isinstance(e, TokenUsage)]
    assert reported == TokenUsage(10, 2, 12, 30, None, 1.5)
    assert sent(loopback)["additionalModelRequestFields"]["thinking"]["budget_tokens"] == 1024

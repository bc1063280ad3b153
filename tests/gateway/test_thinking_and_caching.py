"""Thinking on request, prompt caching and usage, through the official SDKs: what reaches
the fake Amazon Q, and what each API's usage says."""

from __future__ import annotations

from typing import Any

import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")
anthropic = pytest.importorskip(
    "anthropic", reason="the anthropic SDK (a dev dependency) is missing"
)

from qsmith.gateway.capabilities import EFFORT_BUDGETS  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    context_usage,
    model_fields,
    reasoning,
    sent_state,
    text,
    usage,
)

CACHED = {"type": "ephemeral"}
TOOL = {
    "name": "grep",
    "description": "Search files.",
    "input_schema": {"type": "object"},
    "cache_control": CACHED,
}


def claude(gateway: ServedGateway) -> Any:
    return anthropic.Anthropic(base_url=gateway.url, api_key="unused", max_retries=0)


def gpt(gateway: ServedGateway) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0)


def cache_points(state: dict[str, Any]) -> list[bool]:
    """Per message of the request (history, then current): whether it has a cachePoint."""
    messages = [*(state.get("history") or []), state["currentMessage"]]
    return ["cachePoint" in next(iter(m.values())) for m in messages]


def test_anthropic_thinking_reaches_the_service_and_its_signature_is_replayed(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(reasoning("Think."), reasoning("", "sig-7"), text("4")))
    sdk = claude(gateway)
    first = sdk.messages.create(
        model="claude-sonnet-4",
        max_tokens=8000,
        thinking={"type": "enabled", "budget_tokens": 3000},
        messages=[{"role": "user", "content": "2+2?"}],
    )
    assert model_fields(fake_q.calls(GENERATE)[0]) == {
        "thinking": {"type": "enabled", "budget_tokens": 3000}
    }
    fake_q.respond(GENERATE, answer(text("8")))
    sdk.messages.create(
        model="claude-sonnet-4",
        max_tokens=8000,
        thinking={"type": "enabled", "budget_tokens": 3000},
        messages=[
            {"role": "user", "content": "2+2?"},
            {"role": "assistant", "content": [b.model_dump() for b in first.content]},
            {"role": "user", "content": "times 2?"},
        ],
    )
    replayed = sent_state(fake_q.calls(GENERATE)[1])["history"][1]["assistantResponseMessage"]
    assert replayed["reasoningContent"] == {
        "reasoningText": {"text": "Think.", "signature": "sig-7"}
    }


def test_thinking_on_a_model_without_reasoning_is_refused_naming_it(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    with pytest.raises(anthropic.BadRequestError) as anthropic_refusal:
        claude(gateway).messages.create(
            model="qwen3-coder",
            max_tokens=8000,
            thinking={"type": "enabled", "budget_tokens": 2048},
            messages=[{"role": "user", "content": "hi"}],
        )
    assert anthropic_refusal.value.body["error"]["type"] == "invalid_request_error"
    assert "model 'qwen3-coder' does not support extended thinking" in str(anthropic_refusal.value)
    with pytest.raises(openai.BadRequestError) as openai_refusal:
        gpt(gateway).chat.completions.create(
            model="qwen3-coder",
            reasoning_effort="high",
            messages=[{"role": "user", "content": "hi"}],
        )
    assert openai_refusal.value.body["param"] == "reasoning_effort"
    assert fake_q.calls(GENERATE) == []


def test_claude_codes_adaptive_thinking_is_never_refused(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("title")), answer(text("ok")))
    sdk = claude(gateway)
    for model in ("qwen3-coder", "claude-haiku-4-5"):  # a background call's small model
        sdk.messages.create(
            model=model,
            max_tokens=16000,
            thinking={"type": "adaptive"},
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"output_config": {"effort": "medium"}},
        )
    plain, sonnet = fake_q.calls(GENERATE)
    assert model_fields(plain) is None
    assert model_fields(sonnet) == {
        "thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["medium"]}
    }


def test_openai_reasoning_effort_becomes_a_thinking_budget(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(reasoning("Hm."), text("ok")), answer(text("ok")))
    completion = gpt(gateway).chat.completions.create(
        model="gpt-5", reasoning_effort="low", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.choices[0].message.reasoning_content == "Hm."
    gpt(gateway).responses.create(model="gpt-5.1-codex", input="hi", reasoning={"effort": "high"})
    chat_call, responses_call = fake_q.calls(GENERATE)
    assert [model_fields(chat_call), model_fields(responses_call)] == [
        {"thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["low"]}},
        {"thinking": {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["high"]}},
    ]


def test_cache_control_becomes_cache_points_and_cache_tokens_come_back(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok"), usage(10, 2, cache_read=700, cache_write=300)))
    message = claude(gateway).messages.create(
        model="claude-sonnet-4",  # caches, up to 4 checkpoints
        max_tokens=1000,
        system=[{"type": "text", "text": "Be brief.", "cache_control": CACHED}],
        tools=[TOOL, {"name": "ls", "input_schema": {"type": "object"}}],
        messages=[
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "two"},
            {
                "role": "user",
                "content": [{"type": "text", "text": "three", "cache_control": CACHED}],
            },
        ],
    )
    usage_seen = message.usage
    assert (usage_seen.input_tokens, usage_seen.output_tokens) == (10, 2)
    assert (usage_seen.cache_read_input_tokens, usage_seen.cache_creation_input_tokens) == (
        700,
        300,
    )
    state = sent_state(fake_q.calls(GENERATE)[0])
    # The system prompt opens the first user message: that message carries its checkpoint.
    assert cache_points(state) == [True, False, True]
    tools = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["tools"]
    assert [next(iter(t)) for t in tools] == [
        "toolSpecification",
        "cachePoint",
        "toolSpecification",
    ]


def test_no_cache_points_for_a_model_without_prompt_caching(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    claude(gateway).messages.create(
        model="claude-3.7-sonnet",
        max_tokens=1000,
        system=[{"type": "text", "text": "Be brief.", "cache_control": CACHED}],
        tools=[TOOL],
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "x", "cache_control": CACHED}]}
        ],
    )
    state = sent_state(fake_q.calls(GENERATE)[0])
    assert cache_points(state) == [False]
    tools = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["tools"]
    assert [next(iter(t)) for t in tools] == ["toolSpecification"]


def test_cached_tokens_in_both_openai_usages(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(
        GENERATE,
        answer(text("ok"), usage(10, 2, cache_read=700, cache_write=300)),
        answer(text("ok"), usage(10, 2, cache_read=700, cache_write=300)),
    )
    completion = gpt(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == 1010  # OpenAI counts cached tokens in the prompt
    assert completion.usage.prompt_tokens_details.cached_tokens == 700
    response = gpt(gateway).responses.create(model="claude-sonnet-4", input="hi")
    assert response.usage is not None
    assert response.usage.input_tokens == 1010
    assert response.usage.input_tokens_details.cached_tokens == 700


def test_without_token_usage_the_input_comes_from_context_usage(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    # claude-sonnet-4's maxInputTokens is 200,000 in the fake's model list: 12.5% is 25,000.
    fake_q.respond(GENERATE, answer(text("ok"), context_usage(12.5)))
    with claude(gateway).messages.stream(
        model="claude-sonnet-4", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        final = stream.get_final_message()
    assert final.usage.input_tokens == 25_000
    assert final.usage.output_tokens == 1  # "ok": the output is still an estimate
    fake_q.respond(GENERATE, answer(text("ok"), context_usage(50.0)))
    chunks = gpt(gateway).chat.completions.create(
        model="qwen3-coder",  # maxInputTokens 128,000
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    (last,) = [c for c in chunks if c.usage is not None]
    assert last.usage.prompt_tokens == 64_000


def test_cache_control_in_an_openai_request_marks_breakpoints_too(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok")))
    tool = {
        "type": "function",
        "function": {"name": "ls", "parameters": {"type": "object"}},
        "cache_control": CACHED,
    }
    gpt(gateway).chat.completions.create(
        model="claude-sonnet-4",
        tools=[tool],
        messages=[
            {
                "role": "system",
                "content": [{"type": "text", "text": "Rules.", "cache_control": CACHED}],
            },
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "two"},
            {"role": "user", "content": "three"},
        ],
    )
    state = sent_state(fake_q.calls(GENERATE)[0])
    assert cache_points(state) == [True, False, False]
    tools = state["currentMessage"]["userInputMessage"]["userInputMessageContext"]["tools"]
    assert [next(iter(t)) for t in tools] == ["toolSpecification", "cachePoint"]


def test_the_services_token_usage_wins_over_its_context_usage(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text("ok"), context_usage(50.0), usage(10, 2)))
    message = claude(gateway).messages.create(
        model="claude-sonnet-4", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    )
    assert (message.usage.input_tokens, message.usage.output_tokens) == (10, 2)

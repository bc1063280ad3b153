"""A turn fitted to its model: which models reason, thinking budgets and refusals, and the
cache checkpoints kept; and how each API's request fields become them."""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.gateway.anthropic_api import parse_messages_request
from qsmith.gateway.backend import (
    Message,
    ModelInfo,
    PromptCaching,
    TextPart,
    ThinkingRequest,
    ToolSpec,
    TurnRequest,
)
from qsmith.gateway.capabilities import EFFORT_BUDGETS, fit_turn, reasons
from qsmith.gateway.errors import BadRequestError
from qsmith.gateway.openai_api import parse_chat_request
from qsmith.gateway.responses_api import parse_responses_request

SONNET = ModelInfo(
    "claude-sonnet-4.5",
    context_window=200_000,
    max_output_tokens=64_000,
    prompt_caching=PromptCaching(True, 1024, 4),
    reasoning=True,
)
PLAIN = ModelInfo("qwen3-coder", context_window=128_000, max_output_tokens=8_192)
USER = [{"role": "user", "content": "hi"}]


def turn(**fields: Any) -> TurnRequest:
    defaults: dict[str, Any] = {
        "model": "m",
        "messages": (Message("user", (TextPart("hi"),)),),
    }
    return TurnRequest(**{**defaults, **fields})


def anthropic(**fields: Any) -> TurnRequest:
    body = {"model": "claude-sonnet-4.5", "max_tokens": 64_000, "messages": USER, **fields}
    return parse_messages_request(body).turn


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("claude-3.7-sonnet", True),
        ("claude-sonnet-4", True),
        ("claude-sonnet-4.5", True),
        ("claude-opus-4.1", True),
        ("claude-opus-4.6", True),
        ("claude-haiku-4.5", True),
        ("claude-opus-4.7", False),  # Anthropic: 4.7 and later refuse thinking.type enabled
        ("claude-3.5-sonnet", False),
        ("claude-3.5-haiku", False),
        ("qwen3-coder", False),
        ("auto", False),
    ],
)
def test_the_family_table_says_which_models_reason(model_id: str, expected: bool) -> None:
    assert reasons(model_id) is expected


def test_a_user_override_wins_over_the_table() -> None:
    assert reasons("auto", {"auto": True})
    assert not reasons("claude-sonnet-4", {"claude-sonnet-4": False})


def test_anthropic_enabled_thinking_keeps_its_budget() -> None:
    parsed = anthropic(thinking={"type": "enabled", "budget_tokens": 2048})
    assert parsed.thinking == ThinkingRequest("enabled", 2048, "thinking", from_effort=False)
    assert fit_turn(parsed, SONNET).thinking == parsed.thinking


def test_anthropic_budget_under_1024_or_missing_is_a_400() -> None:
    with pytest.raises(BadRequestError, match="budget_tokens: must be at least 1024, got 10"):
        anthropic(thinking={"type": "enabled", "budget_tokens": 10})
    with pytest.raises(BadRequestError, match="budget_tokens: required"):
        anthropic(thinking={"type": "enabled"})


def test_adaptive_thinking_takes_the_budget_of_its_effort() -> None:
    parsed = anthropic(thinking={"type": "adaptive"}, output_config={"effort": "low"})
    assert parsed.thinking == ThinkingRequest("adaptive", EFFORT_BUDGETS["low"], "thinking")
    default = anthropic(thinking={"type": "adaptive"})
    assert default.thinking is not None
    assert default.thinking.budget_tokens == EFFORT_BUDGETS["high"]


def test_disabled_thinking_asks_for_none() -> None:
    assert anthropic(thinking={"type": "disabled"}).thinking is None


def test_enabled_thinking_on_a_model_without_reasoning_is_a_400_naming_it() -> None:
    parsed = anthropic(thinking={"type": "enabled", "budget_tokens": 2048})
    with pytest.raises(BadRequestError) as caught:
        fit_turn(parsed, PLAIN)
    assert "model 'qwen3-coder' does not support extended thinking" in str(caught.value)
    assert "--reasoning-model qwen3-coder=on" in str(caught.value)
    assert caught.value.param == "thinking"


def test_adaptive_thinking_on_a_model_without_reasoning_is_dropped_not_refused() -> None:
    # Claude Code always sends adaptive thinking, its background calls too.
    parsed = anthropic(thinking={"type": "adaptive"})
    assert fit_turn(parsed, PLAIN).thinking is None


def test_an_effort_budget_is_capped_below_max_tokens_and_the_model_output_limit() -> None:
    parsed = anthropic(max_tokens=5000, thinking={"type": "adaptive"})
    thinking = fit_turn(parsed, SONNET).thinking
    assert thinking is not None and thinking.budget_tokens == 4999
    small = ModelInfo("claude-haiku-4.5", max_output_tokens=8_192, reasoning=True)
    fitted = fit_turn(anthropic(thinking={"type": "adaptive"}), small).thinking
    assert fitted is not None and fitted.budget_tokens == 8_191
    # Too little room to think: adaptive thinks not at all; an effort asked for is a 400.
    assert (
        fit_turn(anthropic(max_tokens=500, thinking={"type": "adaptive"}), SONNET).thinking is None
    )
    tight = parse_chat_request(
        {"model": "m", "messages": USER, "reasoning_effort": "low", "max_tokens": 500}
    ).turn
    with pytest.raises(BadRequestError, match="reasoning_effort: thinking needs at least 1024"):
        fit_turn(tight, SONNET)


@pytest.mark.parametrize("effort", ["minimal", "low", "medium", "high"])
def test_openai_efforts_map_to_the_documented_budgets(effort: str) -> None:
    chat = parse_chat_request({"model": "m", "messages": USER, "reasoning_effort": effort})
    assert chat.turn.thinking == ThinkingRequest(
        "enabled", EFFORT_BUDGETS[effort], "reasoning_effort"
    )
    responses = parse_responses_request(
        {"model": "m", "input": "hi", "reasoning": {"effort": effort}}
    )
    assert responses.turn.thinking == ThinkingRequest(
        "enabled", EFFORT_BUDGETS[effort], "reasoning.effort"
    )


def test_effort_none_asks_for_nothing_and_an_unknown_effort_is_a_400() -> None:
    none = parse_chat_request({"model": "m", "messages": USER, "reasoning_effort": "none"})
    assert none.turn.thinking is None
    with pytest.raises(BadRequestError, match="reasoning_effort: expected one of none, minimal"):
        parse_chat_request({"model": "m", "messages": USER, "reasoning_effort": "extreme"})
    with pytest.raises(BadRequestError) as caught:
        parse_responses_request({"model": "m", "input": "hi", "reasoning": {"effort": "lots"}})
    assert caught.value.param == "reasoning.effort"


def test_an_openai_effort_on_a_model_without_reasoning_is_a_400() -> None:
    chat = parse_chat_request({"model": "m", "messages": USER, "reasoning_effort": "high"})
    with pytest.raises(BadRequestError, match="reasoning_effort: model 'qwen3-coder'"):
        fit_turn(chat.turn, PLAIN)


def test_cache_control_on_system_messages_and_tools_becomes_breakpoints() -> None:
    cached = {"type": "ephemeral"}
    parsed = anthropic(
        system=[{"type": "text", "text": "Rules.", "cache_control": cached}],
        tools=[
            {"name": "a", "input_schema": {"type": "object"}},
            {"name": "b", "input_schema": {"type": "object"}, "cache_control": cached},
        ],
        messages=[
            {"role": "user", "content": "one"},
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "two", "cache_control": cached}],
            },
            {
                "role": "user",
                "content": [{"type": "text", "text": "three", "cache_control": cached}],
            },
        ],
    )
    assert parsed.system_cache_point
    assert [t.cache_point for t in parsed.tools] == [False, True]
    assert [m.cache_point for m in parsed.messages] == [False, True, True]
    fitted = fit_turn(parsed, SONNET)
    # The system prompt opens the first user message: its breakpoint is that message's.
    assert [m.cache_point for m in fitted.messages] == [True, True, True]
    assert [t.cache_point for t in fitted.tools] == [False, True]
    assert not fitted.system_cache_point


def test_over_the_model_limit_the_last_breakpoints_are_kept() -> None:
    messages = tuple(
        Message("user" if i % 2 == 0 else "assistant", (TextPart(str(i)),), cache_point=True)
        for i in range(5)
    )
    tool = ToolSpec("t", "T.", {"type": "object"}, cache_point=True)
    two = ModelInfo("m", prompt_caching=PromptCaching(True, None, 2))
    fitted = fit_turn(turn(messages=messages, tools=(tool,)), two)
    assert [m.cache_point for m in fitted.messages] == [False, False, False, True, True]
    assert not fitted.tools[0].cache_point


def test_breakpoints_are_dropped_for_a_model_without_prompt_caching() -> None:
    tool = ToolSpec("t", "T.", {"type": "object"}, cache_point=True)
    message = Message("user", (TextPart("hi"),), cache_point=True)
    for model in (PLAIN, ModelInfo("m", prompt_caching=PromptCaching(False))):
        fitted = fit_turn(turn(messages=(message,), tools=(tool,), system_cache_point=True), model)
        assert not fitted.messages[0].cache_point and not fitted.tools[0].cache_point
        assert fitted.model_info == model

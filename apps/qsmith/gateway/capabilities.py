"""What a resolved model can be asked for: extended thinking and prompt caching.

The service's model list gives token limits and prompt caching, but says nothing about
reasoning, so the gateway decides which models "advertise" it: a model reasons when the
user says so (``--reasoning-model ID=on|off``, the config file's ``[reasoning_models]``
table), else when its id matches ``REASONING_FAMILIES``, the Claude models publicly
documented as supporting extended thinking with a token budget (Claude 3.7 Sonnet,
Sonnet/Opus 4 to 4.6, Haiku 4.5). Anthropic documents that Claude 4.7 and later refuse
``thinking.type: "enabled"``, so they are not in the table.

``fit_turn`` applies a model to a turn:

- ``thinking`` of mode ``enabled`` (Anthropic ``enabled``, OpenAI ``reasoning_effort``,
  Responses ``reasoning.effort``) on a model that does not reason is a 400 naming the
  model; ``adaptive`` (Claude Code's default: the model may think) is dropped for such a
  model, never refused. For a reasoning model a budget derived from an effort is capped
  below the model's ``maxOutputTokens`` and the request's ``max_tokens``; a budget the
  client gave (Anthropic ``budget_tokens``) is sent as given.
- cache breakpoints stay only when the model's ``promptCaching.supportsPromptCaching`` is
  true, at most ``maximumCacheCheckpointsPerRequest`` of them: the last ones in prefix
  order (tools, then messages oldest first), since a later checkpoint caches a longer
  prefix. The system prompt opens the first user message, so a breakpoint on the system
  prompt is that message's checkpoint.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from qsmith.gateway.backend import Message, ModelInfo, ThinkingRequest, TurnRequest
from qsmith.gateway.errors import BadRequestError

__all__ = [
    "EFFORT_BUDGETS",
    "MIN_BUDGET_TOKENS",
    "REASONING_FAMILIES",
    "effort_budget",
    "effort_thinking",
    "fit_turn",
    "reasons",
]

# Service model ids of the Claude models documented to take
# ``thinking: {type: enabled, budget_tokens}`` (Anthropic's and Bedrock's extended
# thinking pages): 3.7 Sonnet; Sonnet and Opus 4, 4.1, 4.5, 4.6; Haiku 4.5.
REASONING_FAMILIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^claude-3\.7-sonnet\b"),
    re.compile(r"^claude-(?:sonnet|opus)-4(?:\.[0-6])?(?![.\d])"),
    re.compile(r"^claude-haiku-4\.5(?![.\d])"),
)

# Thinking budgets for an effort (OpenAI ``reasoning_effort``/``reasoning.effort``,
# Anthropic ``output_config.effort`` with adaptive thinking). 1024 is the smallest budget
# Anthropic accepts.
MIN_BUDGET_TOKENS = 1024
EFFORT_BUDGETS: dict[str, int] = {
    "minimal": 1024,
    "low": 4096,
    "medium": 12288,
    "high": 24576,
    "xhigh": 32768,
    "max": 32768,
}


def reasons(model_id: str, overrides: Mapping[str, bool] | None = None) -> bool:
    """Whether the gateway asks ``model_id`` for extended thinking (module docstring)."""
    if overrides and model_id in overrides:
        return overrides[model_id]
    return any(pattern.search(model_id) for pattern in REASONING_FAMILIES)


def effort_budget(effort: str, param: str) -> int:
    """The thinking budget of an effort name, or a 400 listing the known ones."""
    budget = EFFORT_BUDGETS.get(effort)
    if budget is None:
        known = ", ".join(["none", *EFFORT_BUDGETS])
        raise BadRequestError(f"{param}: expected one of {known}, got {effort!r}", param=param)
    return budget


def effort_thinking(effort: str | None, param: str) -> ThinkingRequest | None:
    """An OpenAI effort (``reasoning_effort``, ``reasoning.effort``) as a thinking request:
    absent or ``none`` asks for none; the others ask for thinking with their budget."""
    if effort is None or effort == "none":
        return None
    return ThinkingRequest("enabled", effort_budget(effort, param), param)


def fit_turn(turn: TurnRequest, model: ModelInfo) -> TurnRequest:
    """``turn`` as ``model`` can take it (module docstring); refusals are 400s."""
    return dataclasses.replace(
        _fit_cache_points(turn, model), thinking=_fit_thinking(turn, model), model_info=model
    )


def _fit_thinking(turn: TurnRequest, model: ModelInfo) -> ThinkingRequest | None:
    thinking = turn.thinking
    if thinking is None:
        return None
    if not model.reasoning:
        if thinking.mode == "adaptive":
            return None  # the model may think; this one does not
        raise BadRequestError(
            f"{thinking.param}: model {model.id!r} does not support extended thinking "
            "(reasoning); leave it out, choose a reasoning model, or mark this one with "
            f"`qsmith serve --reasoning-model {model.id}=on`",
            param=thinking.param,
        )
    if not thinking.from_effort:
        return thinking  # the client's own budget, checked as the API checks it
    ceilings = [c - 1 for c in (turn.max_tokens, model.max_output_tokens) if c]
    budget = min([thinking.budget_tokens, *ceilings])
    if budget == thinking.budget_tokens:
        return thinking
    if budget < MIN_BUDGET_TOKENS:
        if thinking.mode == "adaptive":
            return None
        raise BadRequestError(
            f"{thinking.param}: thinking needs at least {MIN_BUDGET_TOKENS} tokens, and "
            f"the answer may have only {budget + 1} (max_tokens or the model's output limit)",
            param=thinking.param,
        )
    return dataclasses.replace(thinking, budget_tokens=budget)


def _fit_cache_points(turn: TurnRequest, model: ModelInfo) -> TurnRequest:
    wanted = _checkpoints(turn)
    kept = set(wanted[len(wanted) - _checkpoint_limit(model, len(wanted)) :])
    if kept == set(wanted) and not turn.system_cache_point:
        return turn
    tools = tuple(
        dataclasses.replace(t, cache_point=("tool", i) in kept) for i, t in enumerate(turn.tools)
    )
    messages = tuple(
        m if m.cache_point == (("message", i) in kept) else _with_cache_point(m, not m.cache_point)
        for i, m in enumerate(turn.messages)
    )
    return dataclasses.replace(turn, tools=tools, messages=messages, system_cache_point=False)


def _checkpoint_limit(model: ModelInfo, wanted: int) -> int:
    caching = model.prompt_caching
    if caching is None or not caching.supported:
        return 0
    return wanted if caching.max_checkpoints is None else min(wanted, caching.max_checkpoints)


def _checkpoints(turn: TurnRequest) -> list[tuple[str, int]]:
    """The turn's breakpoints in prefix order; the system prompt's is its first user
    message's."""
    points = [("tool", i) for i, t in enumerate(turn.tools) if t.cache_point]
    first_user = next((i for i, m in enumerate(turn.messages) if m.role == "user"), None)
    for index, message in enumerate(turn.messages):
        if message.cache_point or (turn.system_cache_point and index == first_user):
            points.append(("message", index))
    return points


def _with_cache_point(message: Message, cache_point: bool) -> Message:
    return Message(message.role, message.parts, cache_point)

"""The gateway's pure rules: history repair, tool names, model names, keep-alives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from qsmith.gateway.backend import Message, TextPart, ToolResultPart, ToolUsePart
from qsmith.gateway.catalog import resolve_model
from qsmith.gateway.errors import BadRequestError, ModelNotFoundError
from qsmith.gateway.history import CONTINUE_TEXT, normalize
from qsmith.gateway.sse import KEEPALIVE, encode_event, with_keepalive
from qsmith.gateway.toolnames import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MOVED_DESCRIPTION,
    ToolNames,
    fit_description,
)


def user(*parts: object) -> Message:
    return Message("user", tuple(TextPart(p) if isinstance(p, str) else p for p in parts))  # type: ignore[misc]


def assistant(*parts: object) -> Message:
    return Message("assistant", tuple(TextPart(p) if isinstance(p, str) else p for p in parts))  # type: ignore[misc]


def test_consecutive_turns_merge_and_a_prefill_is_followed_by_continue() -> None:
    history = normalize([assistant("hello"), user("a"), user("b", ""), assistant("c")])
    assert [m.role for m in history] == ["assistant", "user", "assistant", "user"]
    assert history[1].parts == (TextPart("a"), TextPart("b"))  # the empty text is left out
    assert history[-1].parts == (TextPart(CONTINUE_TEXT),)


def test_empty_conversation_is_a_bad_request_naming_messages() -> None:
    with pytest.raises(BadRequestError) as caught:
        normalize([])
    assert caught.value.param == "messages"


@pytest.mark.parametrize(
    "name",
    ["read_file", "mcp__fs__read-file", "9lives", "a" * 100, "x.y:z", "ünïcode"],
)
def test_tool_names_fit_the_service_and_map_back(name: str) -> None:
    names = ToolNames([name])
    service = names.to_service(name)
    assert len(service) <= MAX_NAME and service[0].isascii() and service[0].isalpha()
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in service)
    assert names.to_client(service) == name
    if name == "read_file":
        assert service == name


def test_colliding_tool_names_stay_distinct() -> None:
    names = ToolNames(["a-b", "a_b", "a.b"])
    mapped = {names.to_service(n) for n in ("a-b", "a_b", "a.b")}
    assert len(mapped) == 3
    assert {names.to_client(s) for s in mapped} == {"a-b", "a_b", "a.b"}


def test_descriptions_are_never_empty_and_long_ones_point_to_the_system_prompt() -> None:
    assert fit_description("", "grep") == "The grep tool."
    assert fit_description("x" * MAX_DESCRIPTION, "grep") == "x" * MAX_DESCRIPTION
    long = fit_description("x" * (MAX_DESCRIPTION + 1), "grep")
    assert long == MOVED_DESCRIPTION.format(name="grep")


AVAILABLE = ["claude-sonnet-4", "claude-3.7-sonnet", "claude-sonnet-4.5", "claude-haiku-4.5"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claude-sonnet-4", "claude-sonnet-4"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("claude-sonnet-4-0", "claude-sonnet-4"),
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"),
        ("claude-3-7-sonnet-20250219", "claude-3.7-sonnet"),
        ("claude-3-7-sonnet-latest", "claude-3.7-sonnet"),
        ("claude-sonnet-4-5", "claude-sonnet-4.5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5"),
        ("claude-haiku-4-5", "claude-haiku-4.5"),
    ],
)
def test_common_model_names_map_to_service_ids(name: str, expected: str) -> None:
    assert resolve_model(name, AVAILABLE).model == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claude-opus-4-8", "claude-opus-4.1"),  # Claude Code's default: the newest opus
        ("claude-opus-4-8[1m]", "claude-opus-4.1"),
        ("claude-sonnet-9", "claude-sonnet-4.5"),
        ("claude-haiku-5", "claude-haiku-4.5"),
        ("claude-3-5-haiku-latest", "claude-haiku-4.5"),
        ("gpt-5.1-codex", "claude-sonnet-4.5"),
        ("o3-mini", "claude-sonnet-4.5"),
    ],
)
def test_family_names_map_to_the_newest_model_of_their_family(name: str, expected: str) -> None:
    resolution = resolve_model(name, [*AVAILABLE, "claude-opus-4", "claude-opus-4.1"])
    assert resolution.model == expected and "newest" in resolution.rule


def test_a_family_the_service_lacks_goes_to_the_nearest_family() -> None:
    assert resolve_model("claude-opus-4-8", AVAILABLE).model == "claude-sonnet-4.5"
    assert resolve_model("claude-haiku-4-5", ["claude-sonnet-4", "claude-opus-4"]).model == (
        "claude-sonnet-4"
    )


def test_user_aliases_win_over_the_built_in_rules() -> None:
    aliases = {"claude-opus-4-8": "claude-3.7-sonnet", "fast": "claude-haiku-4.5"}
    assert resolve_model("claude-opus-4-8", AVAILABLE, aliases).model == "claude-3.7-sonnet"
    assert resolve_model("fast", AVAILABLE, aliases).model == "claude-haiku-4.5"


def test_unknown_model_names_are_refused_listing_what_exists() -> None:
    with pytest.raises(ModelNotFoundError, match=r"claude-sonnet-4\.5") as caught:
        resolve_model("llama-3-70b", AVAILABLE)
    assert caught.value.param == "model"
    with pytest.raises(ModelNotFoundError, match="none"):
        resolve_model("claude-opus-4", [])


def test_sse_encoding() -> None:
    assert encode_event({"a": 1}, event="ping") == b'event: ping\ndata: {"a":1}\n\n'
    assert encode_event("[DONE]") == b"data: [DONE]\n\n"


async def test_keepalive_fills_silences_and_closes_the_source() -> None:
    closed = asyncio.Event()

    async def slow() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(0.25)
            yield "second"
            await asyncio.sleep(10)
            yield "never"
        finally:
            closed.set()

    ticks = with_keepalive(slow(), 0.1)
    seen = [await anext(ticks) for _ in range(4)]
    assert seen[0] == "first" and seen[1] is KEEPALIVE and "second" in seen
    await ticks.aclose()
    assert closed.is_set()


def test_duplicate_tool_call_ids_are_refused() -> None:
    call = Message("assistant", (ToolUsePart("tu_1", "grep", {}),))
    result = Message("user", (ToolResultPart("tu_1", "found"),))
    with pytest.raises(BadRequestError, match="'tu_1' is used by two tool calls"):
        normalize([Message("user", (TextPart("go"),)), call, result, call, result])


def test_the_response_store_forgets_the_oldest_beyond_its_size() -> None:
    from qsmith.gateway.response_store import ResponseStore

    store = ResponseStore(max_chars=10)
    store.keep("a", [Message("user", (TextPart("1234"),))])
    store.keep("b", [Message("user", (TextPart("5678"),))])
    store.keep("c", [Message("user", (TextPart("9012"),))])
    store.keep("huge", [Message("user", (TextPart("x" * 11),))])  # never fits: not kept
    assert len(store) == 2
    assert store.conversation("c")[0].parts == (TextPart("9012"),)
    for gone in ("a", "huge"):
        with pytest.raises(BadRequestError, match=f"no response '{gone}'"):
            store.conversation(gone)

"""``qsmith chat --fake`` and ``qsmith serve --fake``: the offline stand-in for Amazon Q,
run as a user runs them (real subprocesses), answered by the official SDKs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qsmith.standin import ERROR_WORD, STANDIN_MODELS
from tests.support.processes import free_port, stop_process, wait_until_ready


def qsmith(*args: str) -> list[str]:
    return [sys.executable, "-m", "qsmith.cli.main", *args]


def clean_env(home: Path) -> dict[str, str]:
    """No login, no AWS settings: the stand-in must need none of them."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QSMITH_"))}
    return {**keep, "HOME": str(home), "QSMITH_CONVERSATIONS_DIR": str(home / "conversations")}


def test_chat_fake_streams_an_answer_without_a_login(tmp_path: Path) -> None:
    result = subprocess.run(
        qsmith("chat", "--fake", "--non-interactive", "hello"),
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("You said: hello")
    assert "stand-in" in result.stderr  # the user is told this is not Amazon Q
    assert not (tmp_path / "conversations").exists()  # nothing saved


def test_chat_fake_json_shows_reasoning_metering_and_usage(tmp_path: Path) -> None:
    result = subprocess.run(
        qsmith("chat", "--fake", "--non-interactive", "--json", "hi"),
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    kinds = [json.loads(line)["type"] for line in result.stdout.splitlines()]
    assert kinds[0] == "ReasoningDelta" and kinds[-1] == "TurnComplete", kinds
    assert {"TextDelta", "Metering", "TokenUsage"} <= set(kinds), kinds


def test_chat_fake_fails_on_request_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        qsmith("chat", "--fake", "--non-interactive", f"{ERROR_WORD} now"),
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ValidationException" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("uvicorn", reason="qsmith serve needs uvicorn (the gateway extra)")
    home = tmp_path_factory.mktemp("home")
    port = free_port()
    process = subprocess.Popen(
        qsmith("serve", "--fake", "--port", str(port), "--log-level", "warning"),
        env=clean_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, lambda: _answers(url), lambda: process.stderr.read())  # type: ignore[union-attr]
        yield url
    finally:
        stop_process(process)


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/v1/models", timeout=1)
        return True
    except httpx.TransportError:
        return False


def test_serve_fake_answers_the_openai_sdk(served: str) -> None:
    openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")
    sdk = openai.OpenAI(base_url=f"{served}/v1", api_key="unused", max_retries=0)
    assert {m.id for m in sdk.models.list()} >= set(STANDIN_MODELS)
    completion = sdk.chat.completions.create(
        model=STANDIN_MODELS[0], messages=[{"role": "user", "content": "hello"}]
    )
    assert completion.choices[0].message.content.endswith("You said: hello")
    stream = sdk.chat.completions.create(
        model=STANDIN_MODELS[0], messages=[{"role": "user", "content": "again"}], stream=True
    )
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert len([p for p in pieces if p]) > 1 and "".join(pieces).endswith("You said: again")


def test_serve_fake_calls_a_tool_for_the_openai_sdk(served: str) -> None:
    openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")
    sdk = openai.OpenAI(base_url=f"{served}/v1", api_key="unused", max_retries=0)
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    completion = sdk.chat.completions.create(
        model=STANDIN_MODELS[0],
        messages=[{"role": "user", "content": "use get_weather for Paris"}],
        tools=[weather],  # type: ignore[list-item]
    )
    (call,) = completion.choices[0].message.tool_calls or []
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "use get_weather for Paris"}
    assert completion.choices[0].finish_reason == "tool_calls"


def test_serve_fake_answers_the_anthropic_sdk(served: str) -> None:
    anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is missing")
    sdk = anthropic.Anthropic(base_url=served, api_key="unused", max_retries=0)
    message = sdk.messages.create(
        model=STANDIN_MODELS[0],
        max_tokens=100,
        messages=[{"role": "user", "content": "hello"}],
    )
    texts = [block.text for block in message.content if block.type == "text"]
    assert "".join(texts).endswith("You said: hello")
    assert message.usage.output_tokens > 0
    with pytest.raises(anthropic.APIStatusError) as failure:
        sdk.messages.create(
            model=STANDIN_MODELS[0],
            max_tokens=100,
            messages=[{"role": "user", "content": ERROR_WORD}],
        )
    assert re.search("stand-in was asked to fail", str(failure.value))


def test_serve_fake_thinks_on_request_for_its_reasoning_model_only(served: str) -> None:
    anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is missing")
    sdk = anthropic.Anthropic(base_url=served, api_key="unused", max_retries=0)
    message = sdk.messages.create(
        model="standin-large",  # `qsmith serve --fake` serves it as a reasoning model
        max_tokens=8000,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "hello"}],
    )
    thinking = message.content[0]
    assert thinking.type == "thinking"
    assert "within a budget of 2048 tokens" in thinking.thinking
    assert thinking.signature == "standin-signature"
    with pytest.raises(anthropic.BadRequestError, match="'standin-small' does not support"):
        sdk.messages.create(
            model="standin-small",
            max_tokens=8000,
            thinking={"type": "enabled", "budget_tokens": 2048},
            messages=[{"role": "user", "content": "hello"}],
        )


def test_serve_fake_reads_a_cached_prefix_the_second_time(served: str) -> None:
    anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is missing")
    sdk = anthropic.Anthropic(base_url=served, api_key="unused", max_retries=0)
    cached = {"type": "ephemeral"}
    system = [
        {"type": "text", "text": "A long, stable system prompt. " * 40, "cache_control": cached}
    ]

    def ask(model: str, prompt: str) -> Any:
        message = sdk.messages.create(
            model=model,
            max_tokens=100,
            system=system,
            messages=[{"role": "user", "content": prompt}],
        )
        return message.usage

    first = ask("standin-large", "a question")
    second = ask("standin-large", "a question")
    assert first.cache_creation_input_tokens > 0 and first.cache_read_input_tokens == 0
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0
    uncached = ask("standin-small", "a question")  # no prompt caching: no checkpoints sent
    assert (uncached.cache_read_input_tokens, uncached.cache_creation_input_tokens) == (0, 0)

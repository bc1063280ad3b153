"""Claude Code itself, in print mode, through the real ``qsmith serve`` to a fake Amazon Q.

The binary comes from npm (``@anthropic-ai/claude-code``): ``.ci/run`` installs it into
``.ci/node``; elsewhere set ``QSMITH_CLAUDE_CODE`` to a ``claude`` binary, or the test skips
naming what is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)

from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    answer,
    current_message,
    model_fields,
    sent_state,
    text,
    tool_use,
    usage,
)
from tests.gateway.process import ServeProcess, npm_agent  # noqa: E402


def claude_binary() -> str:
    return npm_agent("claude", "@anthropic-ai/claude-code", "QSMITH_CLAUDE_CODE", "Claude Code")


@pytest.fixture
def serve(fake_q: FakeQ) -> Iterator[ServeProcess]:
    with ServeProcess(fake_q.url, "--log-level", "info") as process:
        yield process


def run_claude(serve: ServeProcess, prompt: str, *args: str) -> dict[str, object]:
    home = Path(serve.home.name) / "claude-home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": serve.url,
        "ANTHROPIC_API_KEY": "sk-unused",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
    completed = subprocess.run(
        [claude_binary(), "-p", prompt, "--output-format", "json", *args],
        env=env,
        cwd=home,
        capture_output=True,
        timeout=180,
        check=False,
    )
    output = completed.stdout.decode(errors="replace")
    assert completed.returncode == 0, f"{output}\n{completed.stderr.decode()}\n{serve.log()}"
    result = json.loads(output)
    assert isinstance(result, dict)
    return result


def test_claude_code_text_turn(serve: ServeProcess, fake_q: FakeQ) -> None:
    claude_binary()
    fake_q.set_default(GENERATE, answer(text("Hello from Amazon Q."), usage(12, 5)))
    result = run_claude(serve, "Say hello")
    assert result["is_error"] is False and result["result"] == "Hello from Amazon Q."
    first = current_message(fake_q.calls(GENERATE)[0])
    assert "Say hello" in first["content"]
    # Its main turn asks for adaptive thinking: the reasoning model gets a thinking budget.
    fields = [model_fields(c) for c in fake_q.calls(GENERATE)]
    assert any(isinstance(f, dict) and f["thinking"]["type"] == "enabled" for f in fields)


def test_claude_code_tool_round_trip(serve: ServeProcess, fake_q: FakeQ) -> None:
    claude_binary()
    target = Path(serve.home.name) / "claude-home" / "hello.txt"
    target.parent.mkdir(exist_ok=True)
    target.write_text("the file holds a greeting\n")
    call = json.dumps({"file_path": str(target)})
    fake_q.respond(GENERATE, answer(tool_use("tooluse_1", "Read", call, stop=True)))
    fake_q.set_default(GENERATE, answer(text("The file holds a greeting.")))
    result = run_claude(serve, "Read hello.txt", "--allowedTools", "Read")
    assert result["result"] == "The file holds a greeting."
    answered = [
        c
        for c in fake_q.calls(GENERATE)
        if (current_message(c).get("userInputMessageContext") or {}).get("toolResults")
    ]
    assert answered, "Claude Code never sent the tool result back"
    tool_result = current_message(answered[0])["userInputMessageContext"]["toolResults"][0]
    assert tool_result["toolUseId"] == "tooluse_1"
    assert "the file holds a greeting" in json.dumps(tool_result["content"])
    uses = sent_state(answered[0])["history"][-1]["assistantResponseMessage"]["toolUses"]
    assert uses[0]["name"] == "Read"

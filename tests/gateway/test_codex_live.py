"""Codex CLI itself (``codex exec``), through the real ``qsmith serve`` to a fake Amazon Q,
over the Responses API.

The binary comes from npm (``@openai/codex``): ``.ci/run`` installs it into ``.ci/node``;
elsewhere set ``QSMITH_CODEX`` to a ``codex`` binary, or the test skips naming what is
missing.
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
    text,
    tool_use,
    usage,
)
from tests.gateway.process import ServeProcess, npm_agent  # noqa: E402


def codex_binary() -> str:
    return npm_agent("codex", "@openai/codex", "QSMITH_CODEX", "Codex CLI")


@pytest.fixture
def serve(fake_q: FakeQ) -> Iterator[ServeProcess]:
    with ServeProcess(fake_q.url, "--log-level", "info") as process:
        yield process


def run_codex(serve: ServeProcess, prompt: str) -> str:
    home = Path(serve.home.name) / "codex-home"
    home.mkdir(exist_ok=True)
    provider = (
        f'{{name="qsmith", base_url="{serve.url}/v1", wire_api="responses", '
        'env_key="QSMITH_KEY", request_max_retries=0, stream_max_retries=0}'
    )
    command = [
        codex_binary(),
        "exec",
        "--skip-git-repo-check",
        "-c",
        "model_provider=qsmith",
        "-c",
        f"model_providers.qsmith={provider}",
        "-c",
        'model="gpt-5.1-codex"',
        prompt,
    ]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "QSMITH_KEY": "unused"}
    completed = subprocess.run(
        command, env=env, cwd=home, capture_output=True, timeout=180, check=False
    )
    output = completed.stdout.decode(errors="replace")
    assert completed.returncode == 0, f"{output}\n{completed.stderr.decode()}\n{serve.log()}"
    return output


def test_codex_text_turn(serve: ServeProcess, fake_q: FakeQ) -> None:
    codex_binary()
    fake_q.set_default(GENERATE, answer(text("Hello from Amazon Q."), usage(12, 5)))
    assert "Hello from Amazon Q." in run_codex(serve, "Say hello")
    assert "hosted tools not sent upstream" in serve.log()  # Codex lists web_search


def test_codex_tool_round_trip(serve: ServeProcess, fake_q: FakeQ) -> None:
    codex_binary()
    home = Path(serve.home.name) / "codex-home"
    home.mkdir(exist_ok=True)
    (home / "hello.txt").write_text("the file holds a greeting\n")
    call = json.dumps({"cmd": "cat hello.txt"})
    fake_q.respond(GENERATE, answer(tool_use("call_1", "exec_command", call, stop=True)))
    fake_q.set_default(GENERATE, answer(text("The file holds a greeting.")))
    assert "The file holds a greeting." in run_codex(serve, "What does hello.txt say?")
    answered = [
        c
        for c in fake_q.calls(GENERATE)
        if (current_message(c).get("userInputMessageContext") or {}).get("toolResults")
    ]
    assert answered, "Codex never sent the command's output back"
    result = current_message(answered[0])["userInputMessageContext"]["toolResults"][0]
    assert result["toolUseId"] == "call_1"
    assert "the file holds a greeting" in json.dumps(result["content"])

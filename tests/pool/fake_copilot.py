"""A loopback stand-in for GitHub Copilot's token exchange, model list and chat endpoint."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from qsmith.testing import RecordedRequest, ScriptedResponse

GITHUB_TOKEN = "gho-CANARY-github"


def sse(*chunks: dict[str, Any]) -> ScriptedResponse:
    lines = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks]
    return ScriptedResponse(
        status=200,
        headers=[("Content-Type", "text/event-stream")],
        body=[*lines, b"data: [DONE]\n\n"],
    )


def text_answer(
    *pieces: str, prompt_tokens: int = 12, completion_tokens: int = 3
) -> ScriptedResponse:
    chunks = [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
    chunks.append({"choices": [], "usage": usage})
    return sse(*chunks)


def completion() -> ScriptedResponse:
    """A whole (not streamed) answer, as OpenAI's chat.completion object."""
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gpt-4o",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello from Copilot"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9},
    }
    return ScriptedResponse.json(200, json.dumps(body))


class FakeCopilot:
    def __init__(self, url: Callable[[], str], *, lifetime: float = 1800.0) -> None:
        self.url = url
        self.lifetime = lifetime
        self.exchanges = 0
        self.chat_bodies: list[dict[str, Any]] = []
        self.chat_tokens: list[str | None] = []
        self.chat_script: list[ScriptedResponse] = []
        self._lock = threading.Lock()

    def handle(self, request: RecordedRequest) -> ScriptedResponse:
        if request.path == "/copilot_internal/v2/token":
            if request.header("Authorization") != f"token {GITHUB_TOKEN}":
                return ScriptedResponse.json(401, json.dumps({"message": "Bad credentials"}))
            with self._lock:
                self.exchanges += 1
                number = self.exchanges
            body = {
                "token": f"tid=copilot-{number}-CANARY",
                "expires_at": int(time.time() + self.lifetime),
                "refresh_in": 1500,
                "endpoints": {"api": self.url()},
            }
            return ScriptedResponse.json(200, json.dumps(body))
        if request.path == "/models":
            return ScriptedResponse.json(
                200, json.dumps({"data": [{"id": "gpt-4o", "name": "GPT-4o"}]})
            )
        if request.path == "/chat/completions":
            body = json.loads(request.body)
            with self._lock:
                self.chat_bodies.append(body)
                self.chat_tokens.append(request.header("Authorization"))
                scripted = self.chat_script.pop(0) if self.chat_script else None
            if scripted is not None:
                return scripted
            return text_answer("Hello", " from Copilot") if body.get("stream") else completion()
        return ScriptedResponse(status=404, body=b"not found")

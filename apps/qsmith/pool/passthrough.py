"""OpenAI-format requests for a Copilot model, passed to Copilot as they are.

Copilot speaks OpenAI Chat Completions, so a ``/v1/chat/completions`` request whose model
routes to a ``copilot`` login (``copilot/<id>``, or an id only Copilot logins list) needs
no translation: the body goes upstream unchanged but for the model id (the prefix is
dropped), and Copilot's answer (JSON or SSE) comes back byte for byte. The pool's rules
still hold: logins are tried in the pool's order, a throttled one rests and the next is
tried while nothing has been sent, and usage is read from the answer's ``usage`` object.
Anthropic-format requests, and anything else, go to the gateway and its translators.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from qsmith.gateway.backend import Usage
from qsmith.gateway.errors import GatewayError, openai_error
from qsmith.pool.copilot import CopilotBackend, upstream_error
from qsmith.pool.key_middleware import buffered
from qsmith.pool.pooled import FAILOVER, PooledBackend, split_provider

__all__ = ["CopilotPassthrough"]

PATH = "/v1/chat/completions"
# Hop-by-hop and length headers are the server's to set, not Copilot's to pass on.
DROPPED_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}


class CopilotPassthrough:
    def __init__(self, app: ASGIApp, pool: PooledBackend) -> None:
        self.app = app
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, receive = await buffered(receive)
        request = _json(body)
        model = request.get("model") if request else None
        if not isinstance(model, str) or not self._for_copilot(model):
            await self.app(scope, receive, send)
            return
        assert request is not None
        try:
            await self._forward(model, request, send)
        except GatewayError as error:
            status, document = openai_error(error)
            await _send_json(send, status, document)

    def _for_copilot(self, model: str) -> bool:
        provider, bare = split_provider(model)
        if provider is not None:
            return provider == "copilot"
        serving = [login for login in self.pool.logins if self.pool.serves(login, bare)]
        return bool(serving) and all(login.provider == "copilot" for login in serving)

    async def _forward(self, model: str, request: dict[str, Any], send: Send) -> None:
        bare = split_provider(model)[1]
        body = json.dumps({**request, "model": bare}).encode("utf-8")
        last: GatewayError | None = None
        for login, health in self.pool.candidates(f"copilot/{bare}"):
            backend = login.backend
            assert isinstance(backend, CopilotBackend)
            try:
                api, headers = await backend.copilot_headers()
                async with backend.http.stream(
                    "POST",
                    f"{api}/chat/completions",
                    content=body,
                    headers={**headers, "content-type": "application/json"},
                ) as response:
                    if response.status_code != 200:
                        text = (await response.aread()).decode("utf-8", "replace")
                        raise upstream_error(response.status_code, text, response.headers)
                    usage = await _relay(response, send)
            except GatewayError as error:
                self.pool.record_failure(login, error)
                if not isinstance(error, FAILOVER):
                    raise
                last = error
                continue
            self.pool.record_answer(login, health, usage)
            return
        assert last is not None
        raise last


async def _relay(response: Any, send: Send) -> Usage:
    """Copilot's answer to the client unchanged; the usage it reported, if any."""
    headers = [
        (k.encode("latin-1"), v.encode("latin-1"))
        for k, v in response.headers.items()
        if k.lower() not in DROPPED_HEADERS
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    usage = Usage(0, 0, estimated=True)
    tail = b""
    async for chunk in response.aiter_bytes():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
        tail = (tail + chunk)[-4096:]  # the usage object comes last
    await send({"type": "http.response.body", "body": b""})
    return _usage_in(tail) or usage


def _usage_in(tail: bytes) -> Usage | None:
    text = tail.decode("utf-8", "replace")
    for piece in reversed(text.replace("data:", "\n").splitlines()):
        document = _json(piece.strip().encode())
        found = document.get("usage") if document else None
        if isinstance(found, dict):
            return Usage(int(found.get("prompt_tokens", 0)), int(found.get("completion_tokens", 0)))
    return None


def _json(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def _send_json(send: Send, status: int, document: dict[str, object]) -> None:
    body = json.dumps(document).encode("utf-8")
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""The key check in front of the gateway's ``/v1`` routes, as plain ASGI middleware.

It runs before the gateway's own routes so they stay unchanged: it finds the key
(``x-api-key`` or ``Authorization: Bearer``), reads the requested model from the JSON body
(the body is then replayed to the route), applies the key's limits, and leaves the key's
id in ``CURRENT_KEY`` for the usage records. A refusal is the calling API's error JSON
(Anthropic's on ``/v1/messages``, OpenAI's elsewhere) with ``retry-after`` on a 429.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qsmith.gateway.errors import GatewayError, anthropic_error, openai_error
from qsmith.pool.keys import KeyGate, KeyLimitError
from qsmith.pool.usage import CURRENT_KEY

__all__ = ["KeyMiddleware", "buffered"]

# Routes that run a model turn, so they count against a key's request limit.
TURN_PATHS = ("/v1/chat/completions", "/v1/messages")


class KeyMiddleware:
    def __init__(self, app: ASGIApp, gate: KeyGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = b""
        if scope["path"] in TURN_PATHS:
            body, receive = await buffered(receive)
        try:
            key = self.gate.authenticate(_presented(headers))
            if key is not None and scope["path"] in TURN_PATHS:
                self.gate.admit(key, _model(body))
        except GatewayError as error:
            await _refuse(scope, headers, error, send)
            return
        token = CURRENT_KEY.set(key.id if key else None)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_KEY.reset(token)


def _presented(headers: dict[str, str]) -> str | None:
    given = headers.get("x-api-key")
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if given is None and scheme.lower() == "bearer":
        given = token.strip()
    return given or None


def _model(body: bytes) -> str | None:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None  # the route itself reports the malformed body
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None


async def buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that hands it over again first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _refuse(scope: Scope, headers: dict[str, str], error: GatewayError, send: Send) -> None:
    path = scope["path"]
    by_header = "anthropic-version" in headers or "x-api-key" in headers
    anthropic = path.startswith("/v1/messages") or (path not in TURN_PATHS and by_header)
    status, document = (anthropic_error if anthropic else openai_error)(error)
    if isinstance(error, KeyLimitError):
        status = 429
    body = json.dumps(document).encode("utf-8")
    response_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
    ]
    if isinstance(error, KeyLimitError):
        seconds = max(1, math.ceil(error.retry_after))
        response_headers.append((b"retry-after", str(seconds).encode("ascii")))
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": body})

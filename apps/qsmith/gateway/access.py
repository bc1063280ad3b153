"""The access log: one line per request when it ends, with its real outcome.

uvicorn logs a request when its headers go out, so a stream that fails after its first
event, or whose client left, would read as a plain 200. Here each line is written when
the response is over: ``499`` when the client left first (nginx's convention), and a
warning naming the failure and the upstream request id when a stream broke after its
headers were sent. Routes record those outcomes with ``record_failure`` and
``record_client_gone``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qsmith.gateway.errors import GatewayError

__all__ = ["CLIENT_GONE", "AccessLog", "record_client_gone", "record_failure"]

log = logging.getLogger("qsmith.gateway.access")
CLIENT_GONE = 499
_OUTCOME = "qsmith.outcome"


def _outcome(scope: Scope) -> dict[str, Any]:
    outcome = scope.get(_OUTCOME)
    return outcome if isinstance(outcome, dict) else {}


def record_failure(scope: Scope, error: GatewayError) -> None:
    _outcome(scope)["failure"] = error


def record_client_gone(scope: Scope) -> None:
    _outcome(scope)["gone"] = True


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[_OUTCOME] = {}
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            _write(scope, status, time.perf_counter() - started)


def _write(scope: Scope, status: int, seconds: float) -> None:
    client = scope.get("client")
    where = f"{client[0]}:{client[1]}" if client else "-"
    line = f'{where} "{scope["method"]} {scope["path"]}"'
    outcome = _outcome(scope)
    failure = outcome.get("failure")
    if failure is not None:
        request_id = getattr(failure, "upstream_request_id", None) or "unknown"
        log.warning(
            "%s %d then failed mid-stream after %.3fs: %s (%s; upstream request id %s)",
            line,
            status,
            seconds,
            failure.message,
            type(failure).__name__,
            request_id,
        )
    elif outcome.get("gone") or status == CLIENT_GONE:
        log.info("%s %d: the client left after %.3fs", line, CLIENT_GONE, seconds)
    else:
        log.info("%s %d %.3fs", line, status, seconds)

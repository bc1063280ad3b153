"""An SSE response that stops, and closes its source, the moment the client hangs up.

Starlette's ``StreamingResponse`` notices a disconnect only on some ASGI spec versions
and never closes the body iterator it was given; the gateway needs both, because
closing the body is what cancels the upstream call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from qsmith.gateway.access import record_client_gone

__all__ = ["EventStreamResponse"]

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class EventStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(
        self, body: AsyncIterator[bytes], headers: Mapping[str, str] | None = None
    ) -> None:
        self.body_iterator = body
        self.status_code = 200
        self.background = None
        self.init_headers({**SSE_HEADERS, **(headers or {})})
        # Clients close as soon as they read the last event (``[DONE]``, ``message_stop``);
        # a disconnect after that is not a client that left early.
        self.body_sent = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._watch_disconnect, scope, receive, group.cancel_scope)
                await self._send_body(send)
                group.cancel_scope.cancel()
        finally:
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()

    async def _send_body(self, send: Send) -> None:
        start = {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
        await send(start)
        async for chunk in self.body_iterator:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        self.body_sent = True
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _watch_disconnect(
        self, scope: Scope, receive: Receive, cancel_scope: anyio.CancelScope
    ) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if not self.body_sent:
            record_client_gone(scope)
        cancel_scope.cancel()

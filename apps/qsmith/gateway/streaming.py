"""An SSE response that stops, and closes its source, the moment the client hangs up.

Starlette's ``StreamingResponse`` notices a disconnect only on some ASGI spec versions
and never closes the body iterator it was given; the gateway needs both, because
closing the body is what cancels the upstream call.

Frames that are at hand go out in one write: while ``at_hand()`` says the next frame is
already there (the upstream delivered several events in one read), frames are held and
joined, and they are sent the moment the next one would have to be waited for. Nothing
is ever held waiting for the network, and a burst costs one socket write instead of one
per frame (each loopback write wakes the client, and on a busy machine the writer is
often preempted right there).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import anyio
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from qsmith.gateway.access import record_client_gone

__all__ = ["EventStreamResponse"]

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


# Frames held for one write at most; a fast upstream still reaches the client in pieces.
HELD_BYTES = 32 * 1024


class EventStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        body: AsyncIterator[bytes],
        headers: Mapping[str, str] | None = None,
        at_hand: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """``at_hand``: whether the body's next frame can be taken without waiting for the
        network (``KeepaliveStream.at_hand``); without it, each frame is written as it comes."""
        self.body_iterator = body
        self.at_hand = at_hand
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
        # The headers go out with the first frames, back to back: one wake-up of the client.
        start: Message | None = {
            "type": "http.response.start",
            "status": 200,
            "headers": self.raw_headers,
        }
        held: list[bytes] = []
        size = 0
        async for frame in self.body_iterator:
            held.append(frame)
            size += len(frame)
            if size < HELD_BYTES and self.at_hand is not None and await self.at_hand():
                continue
            if start is not None:
                await send(start)
                start = None
            await send({"type": "http.response.body", "body": b"".join(held), "more_body": True})
            held.clear()
            size = 0
        self.body_sent = True
        if start is not None:
            await send(start)
        await send({"type": "http.response.body", "body": b"".join(held), "more_body": False})

    async def _watch_disconnect(
        self, scope: Scope, receive: Receive, cancel_scope: anyio.CancelScope
    ) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if not self.body_sent:
            record_client_gone(scope)
        cancel_scope.cancel()

"""Stopping a turn's upstream HTTP calls without relying on task cancellation.

When a client hangs up, its turn must stop reading from Amazon Q and give its connection
back. Cancelling the task that reads is not enough on every Python: from 3.12 the
runtime's per-read ``asyncio.wait_for`` runs the read in the reading task itself, and
httpcore's cleanup after a cancelled read is itself cancelled, so the connection stays
open, streaming into a buffer nobody reads, and its pool slot is never freed (3.11 ran the
read in a separate task and closed it). So the gateway first shuts the turn's sockets
down: the pending read then ends with an ordinary read error, which every layer cleans
up after; only then are the tasks cancelled.

The turn's responses are found through an httpx response hook (``track_response``) and a
context variable set around the turn (``UpstreamCalls.bind``); the reading task inherits
the variable when it is created.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["UpstreamCalls", "track_response"]

_CURRENT: contextvars.ContextVar[UpstreamCalls | None] = contextvars.ContextVar(
    "qsmith_gateway_upstream_calls", default=None
)


class UpstreamCalls:
    """The HTTP responses one turn opened, so they can be cut off when it is abandoned."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    @contextlib.contextmanager
    def bind(self) -> Iterator[None]:
        """Responses opened in this context (and tasks created in it) are tracked here."""
        token = _CURRENT.set(self)
        try:
            yield
        finally:
            _CURRENT.reset(token)

    def abort(self) -> None:
        """Shut down the sockets of the responses still open; reads on them end at once."""
        for response in self.responses:
            if response.is_closed:
                continue
            stream = response.extensions.get("network_stream")
            raw = stream.get_extra_info("socket") if stream is not None else None
            if raw is not None:
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_RDWR)


async def track_response(response: httpx.Response) -> None:
    """An httpx ``response`` event hook: records ``response`` with the current turn."""
    calls = _CURRENT.get()
    if calls is not None:
        calls.responses.append(response)

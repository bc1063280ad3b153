"""Server-sent events: encoding, and keep-alive comments while the upstream is silent.

``with_keepalive`` interleaves ``KEEPALIVE`` markers into an async iterator whenever no
item arrived for ``interval`` seconds; the routes send them as SSE comment lines, which
every SSE client ignores but which keep proxies and idle timeouts from closing the
connection while a model thinks. Closing the wrapper closes the source, so a client
that hangs up cancels the upstream call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Final, TypeVar

__all__ = ["KEEPALIVE", "KEEPALIVE_COMMENT", "Keepalive", "encode_event", "with_keepalive"]

T = TypeVar("T")

KEEPALIVE_COMMENT: Final = b": keep-alive\n\n"


class Keepalive:
    """The marker ``with_keepalive`` yields when the source stayed silent."""

    def __repr__(self) -> str:
        return "KEEPALIVE"


KEEPALIVE: Final = Keepalive()


def encode_event(data: object, *, event: str | None = None) -> bytes:
    """One SSE event: an optional ``event:`` line and one ``data:`` line of compact JSON."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


async def with_keepalive(
    source: AsyncIterator[T], interval: float
) -> AsyncGenerator[T | Keepalive, None]:
    """The items of ``source``, with ``KEEPALIVE`` after each ``interval`` of silence."""
    pending: asyncio.Future[T] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({pending}, timeout=interval)
            if not done:
                yield KEEPALIVE
                continue
            finished, pending = pending, None
            try:
                item = finished.result()
            except StopAsyncIteration:
                return
            yield item
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()

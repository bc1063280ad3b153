"""Blocking socket reads that end at the whole-call deadline, for the sync shell.

httpx gives every socket read of a response the same read timeout, fixed when the
request is sent; a peer that sends a byte now and then keeps each read short, and a
call that checks its deadline only between reads overruns it by up to one read
timeout. So each network stream the sync shell's requests touch gets its ``read``
wrapped once: while a call's deadline is current (``reads_until``), a read waits at most
what remains of it, and the socket timeout itself ends the call on time, whatever the
peer's pace. Outside such a call, and in other threads, a read keeps httpx's timeout.

Streams are wrapped when a connection is opened (through httpcore's ``trace``
extension, which names the new stream) and, for connections opened by someone else's
requests, when a response arrives on them (its ``network_stream`` extension), so the
status line and headers of later requests are bounded too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qsmith.runtime.transport.deadlines import Deadline, current_deadline

__all__ = ["cap_reads", "current_deadline", "reads_until", "trace_new_streams"]

# A read told to wait 0 s would not block at all (a non-blocking socket raises
# BlockingIOError, which httpx calls a read error): past the deadline it waits this long.
SHORTEST_WAIT = 0.001
_MARK = "_qsmith_reads_capped"


@contextmanager
def reads_until(deadline: Deadline) -> Iterator[None]:
    """Within the block, wrapped reads in this context end at ``deadline``."""
    token = current_deadline.set(deadline if deadline.seconds is not None else None)
    try:
        yield
    finally:
        current_deadline.reset(token)


def cap_reads(stream: Any) -> None:
    """Wrap ``stream.read`` (an httpcore network stream) once; others are left alone."""
    if stream is None or getattr(stream, _MARK, False):
        return
    read = getattr(stream, "read", None)
    if read is None:
        return

    def capped(max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = current_deadline.get()
        if deadline is not None:
            remaining = deadline.remaining()
            if remaining is not None and (timeout is None or remaining < timeout):
                timeout = max(remaining, SHORTEST_WAIT)
        result: bytes = read(max_bytes, timeout)
        return result

    try:
        stream.read = capped
        setattr(stream, _MARK, True)
    except AttributeError:  # a stream type that takes no attributes keeps httpx's timeout
        return


def trace_new_streams(event: str, info: dict[str, Any]) -> None:
    """httpcore ``trace`` hook: wrap each stream a connection opens (TCP, then TLS)."""
    if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
        cap_reads(info.get("return_value"))

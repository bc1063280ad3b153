"""A chunked response body that stops partway until the test lets it go on.

A test that acts while an answer is still streaming (Ctrl-C, a client hanging up) holds
the rest of the answer back instead of slowing it down with a delay between chunks: on a
loaded machine a delay can run out before the test acts, and the answer ends first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

__all__ = ["HeldBack"]


class HeldBack(list[bytes]):
    """Chunks sent as ``ScriptedResponse.body``: those before ``held_from`` at once, the
    rest only once ``release`` is set (or after ``limit`` seconds, so that a failed test
    never leaves a server thread waiting)."""

    def __init__(self, chunks: Iterable[bytes], held_from: int, *, limit: float = 120) -> None:
        super().__init__(chunks)
        if not 0 < held_from < len(self):
            raise ValueError(f"held_from {held_from} is not inside the {len(self)} chunks")
        self.held_from = held_from
        self.limit = limit
        self.release = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(super().__iter__()):
            if index == self.held_from:
                self.release.wait(timeout=self.limit)
            yield chunk

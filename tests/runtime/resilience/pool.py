"""Looking inside httpx's connection pool to prove no connection is left in use."""

from __future__ import annotations

from typing import Any

import httpx


def _pool(client: httpx.Client | httpx.AsyncClient) -> Any:
    # httpx keeps its httpcore pool on the default transport; there is no public accessor.
    return client._transport._pool  # type: ignore[union-attr]


def busy_connections(client: httpx.Client | httpx.AsyncClient) -> int:
    """Connections neither idle nor closed: a response somebody forgot to close."""
    return sum(1 for c in _pool(client).connections if not (c.is_idle() or c.is_closed()))


def pooled_connections(client: httpx.Client | httpx.AsyncClient) -> int:
    return len(_pool(client).connections)

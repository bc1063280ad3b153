"""Model names: the service's model ids, the names clients send, and a cached catalog.

One mapping, applied in this order (the first that names an available model wins):

1. the name is one of the service's model ids (``claude-sonnet-4``, ``claude-3.7-sonnet``);
2. the name is a key of ``ALIASES`` (``claude-sonnet-4-0`` -> ``claude-sonnet-4``);
3. the name, reduced: a provider prefix (``anthropic.``, ``us.anthropic.``) and a suffix
   (a date ``-20250514``, ``-latest``, ``-v1:0``) are dropped and a version written with a
   dash gets its dot (``claude-3-7-sonnet`` -> ``claude-3.7-sonnet``,
   ``claude-sonnet-4-5`` -> ``claude-sonnet-4.5``), then steps 1 and 2 again.

Anything else is refused with a not-found error naming the available ids: a gateway that
quietly swaps models makes answers impossible to reason about.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence

from qsmith.gateway.backend import Backend, ModelInfo
from qsmith.gateway.errors import ModelNotFoundError

__all__ = ["ALIASES", "ModelCatalog", "resolve_model"]

ALIASES: dict[str, str] = {
    "claude-sonnet-4-0": "claude-sonnet-4",
    "claude-4-sonnet": "claude-sonnet-4",
    "claude-3-7-sonnet": "claude-3.7-sonnet",
    "claude-3.7-sonnet-latest": "claude-3.7-sonnet",
    "claude-4.5-sonnet": "claude-sonnet-4.5",
    "claude-4.5-haiku": "claude-haiku-4.5",
}

_PREFIX = re.compile(r"^(?:[a-z]{2}\.)?anthropic\.")
_SUFFIX = re.compile(r"(?:-\d{8})?(?:-v\d+(?::\d+)?)?(?:-latest)?$")
_DASHED_VERSION = re.compile(r"(?<=-)(\d)-(\d)(?=-|$)")


def _reduce(name: str) -> str:
    reduced = _SUFFIX.sub("", _PREFIX.sub("", name.strip().lower()), count=1)
    return _DASHED_VERSION.sub(r"\1.\2", reduced)


def resolve_model(name: str, available: Sequence[str]) -> str:
    """The service model id for ``name`` (see the module docstring), or ModelNotFoundError."""
    ids = set(available)
    for candidate in (name, _reduce(name)):
        if candidate in ids:
            return candidate
        alias = ALIASES.get(candidate)
        if alias in ids:
            return str(alias)
    listed = ", ".join(sorted(ids)) or "none"
    raise ModelNotFoundError(
        f"model {name!r} is not available; available models: {listed}", param="model"
    )


class ModelCatalog:
    """The backend's model list, fetched on first use and kept for ``ttl`` seconds."""

    def __init__(self, backend: Backend, *, ttl: float = 300.0) -> None:
        self._backend = backend
        self._ttl = ttl
        self._models: list[ModelInfo] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def models(self) -> list[ModelInfo]:
        async with self._lock:
            stale = time.monotonic() - self._fetched_at > self._ttl
            if self._models is None or stale:
                self._models = await self._backend.list_models()
                self._fetched_at = time.monotonic()
            return self._models

    async def resolve(self, name: str) -> str:
        return resolve_model(name, [m.id for m in await self.models()])

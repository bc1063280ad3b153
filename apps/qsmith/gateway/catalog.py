"""The model catalog: which models the service offers, and which one a client's name means.

A request's ``model`` resolves by these rules, in order; the first that names an
available model wins:

1. the name is one of the service's model ids (``claude-sonnet-4``, ``claude-3.7-sonnet``);
2. the name is a user alias (``--model-alias NAME=ID``, or the ``[model_aliases]`` table of
   the gateway's config file) or a built-in alias (``ALIASES``: ``claude-sonnet-4-0`` ->
   ``claude-sonnet-4``);
3. the name, reduced: a provider prefix (``anthropic.``, ``us.anthropic.``) and a suffix
   (a date ``-20250514``, ``-latest``, ``-v1:0``) are dropped and a version written with a
   dash gets its dot (``claude-3-7-sonnet`` -> ``claude-3.7-sonnet``,
   ``claude-sonnet-4-5`` -> ``claude-sonnet-4.5``), then rules 1 and 2 again;
4. a family name (a name containing ``opus``, ``sonnet`` or ``haiku`` and starting with
   ``claude``; or an OpenAI name, ``gpt-*``, ``o1``/``o3``/``o4``...) -> the newest available
   model of that family; when the service offers none of that family, the newest of the
   nearest one (``FAMILY_FALLBACKS``). Coding agents send names the service has never
   heard of (Claude Code's default is ``claude-opus-4-8``); these rules make them work,
   and every such resolution is logged and named in the answer's ``x-qsmith-model`` header.

Anything else is refused with a not-found error listing the available ids.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qsmith.gateway.backend import Backend, ModelInfo
from qsmith.gateway.capabilities import reasons
from qsmith.gateway.errors import ModelNotFoundError

__all__ = ["ALIASES", "FAMILY_FALLBACKS", "ModelCatalog", "Resolution", "resolve_model"]

log = logging.getLogger("qsmith.gateway")

ALIASES: dict[str, str] = {
    "claude-sonnet-4-0": "claude-sonnet-4",
    "claude-4-sonnet": "claude-sonnet-4",
    "claude-3-7-sonnet": "claude-3.7-sonnet",
    "claude-3.7-sonnet-latest": "claude-3.7-sonnet",
    "claude-4.5-sonnet": "claude-sonnet-4.5",
    "claude-4.5-haiku": "claude-haiku-4.5",
}

# Where a family name goes when the service offers none of that family: the nearest
# family first. OpenAI names go to the strongest general model the service offers.
FAMILY_FALLBACKS: dict[str, tuple[str, ...]] = {
    "opus": ("opus", "sonnet", "haiku"),
    "sonnet": ("sonnet", "opus", "haiku"),
    "haiku": ("haiku", "sonnet", "opus"),
    "openai": ("sonnet", "opus", "haiku"),
}

_PREFIX = re.compile(r"^(?:[a-z]{2}\.)?anthropic\.")
_SUFFIX = re.compile(r"(?:-\d{8})?(?:-v\d+(?::\d+)?)?(?:-latest)?$")
_DASHED_VERSION = re.compile(r"(?<=-)(\d)-(\d)(?=-|$)")
_OPENAI_NAME = re.compile(r"^(?:gpt-|chatgpt-|o\d(?:-|$)|codex)")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Resolution:
    """The service model for a requested name, and the rule that chose it."""

    model: str
    rule: str


def _reduce(name: str) -> str:
    reduced = _SUFFIX.sub("", _PREFIX.sub("", name.strip().lower()), count=1)
    return _DASHED_VERSION.sub(r"\1.\2", reduced)


def _family(name: str) -> str | None:
    if _OPENAI_NAME.match(name):
        return "openai"
    if name.startswith("claude"):
        for family in ("opus", "sonnet", "haiku"):
            if family in name:
                return family
    return None


def _newest(ids: Sequence[str], family: str) -> str | None:
    """The id of ``family`` with the highest version (``4.5`` > ``4`` > ``3.7``)."""
    members = [i for i in ids if i.startswith("claude") and family in i]
    if not members:
        return None
    return max(members, key=lambda i: ([int(n) for n in _NUMBER.findall(i)], i))


def resolve_model(
    name: str, available: Sequence[str], aliases: Mapping[str, str] | None = None
) -> Resolution:
    """The service model id for ``name`` (see the module docstring), or ModelNotFoundError."""
    ids = set(available)
    table = {**ALIASES, **(aliases or {})}
    for candidate in dict.fromkeys((name, _reduce(name))):
        if candidate in ids:
            return Resolution(candidate, "service id")
        alias = table.get(candidate)
        if alias in ids:
            return Resolution(str(alias), "alias")
    family = _family(_reduce(name))
    if family is not None:
        for nearest in FAMILY_FALLBACKS[family]:
            found = _newest(sorted(ids), nearest)
            if found is not None:
                return Resolution(found, f"newest {nearest} model for a {family} name")
    listed = ", ".join(sorted(ids)) or "none"
    raise ModelNotFoundError(
        f"model {name!r} is not available; available models: {listed}", param="model"
    )


class ModelCatalog:
    """The backend's model list, fetched on first use and kept for ``ttl`` seconds, each
    entry marked with whether the gateway asks it for reasoning (``reasoning``: the user's
    service model id -> on/off overrides of ``qsmith.gateway.capabilities.reasons``)."""

    def __init__(
        self,
        backend: Backend,
        *,
        ttl: float = 300.0,
        aliases: Mapping[str, str] | None = None,
        reasoning: Mapping[str, bool] | None = None,
    ) -> None:
        self._backend = backend
        self._ttl = ttl
        self._aliases = dict(aliases or {})
        self._reasoning = dict(reasoning or {})
        self._models: list[ModelInfo] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def models(self) -> list[ModelInfo]:
        async with self._lock:
            stale = time.monotonic() - self._fetched_at > self._ttl
            if self._models is None or stale:
                self._models = [
                    dataclasses.replace(m, reasoning=reasons(m.id, self._reasoning))
                    for m in await self._backend.list_models()
                ]
                self._fetched_at = time.monotonic()
            return self._models

    async def resolve(self, name: str) -> Resolution:
        resolution = resolve_model(name, [m.id for m in await self.models()], self._aliases)
        if resolution.model != name:
            log.info("model %r served by %r (%s)", name, resolution.model, resolution.rule)
        return resolution

    async def info(self, name: str) -> ModelInfo:
        """The catalog entry serving ``name``."""
        resolution = await self.resolve(name)
        return next(m for m in await self.models() if m.id == resolution.model)

"""Tool names and descriptions within the service's limits, and names mapped back.

The service accepts tool names matching ``[a-zA-Z][a-zA-Z0-9_]*`` of at most 64
characters and descriptions of 1 to 10240 characters (a longer description moves whole
into the system prompt; the tool's own description then points there). Clients send longer names and
names with ``-``, ``.`` or ``:`` (MCP tools often do). Each offending name gets a stable
service name: invalid characters become ``_``, a leading non-letter gets a ``t_`` prefix,
and a name still too long (or colliding) is cut and ended with ``_`` and 8 hex digits of
its SHA-256. Tool calls coming back are renamed to the caller's names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_NAME",
    "MOVED_DESCRIPTION",
    "ToolNames",
    "fit_description",
    "is_long_description",
]

MAX_NAME = 64
MAX_DESCRIPTION = 10240
_INVALID = re.compile(r"[^a-zA-Z0-9_]")
MOVED_DESCRIPTION = (
    "The {name} tool. Its full description is in the system prompt, in the "
    "tool_description element for this tool."
)


class ToolNames:
    """The two-way mapping between a request's tool names and the names sent upstream."""

    def __init__(self, names: Iterable[str]) -> None:
        self._to_service: dict[str, str] = {}
        self._to_client: dict[str, str] = {}
        for name in names:
            self.add(name)

    def add(self, name: str) -> str:
        if name in self._to_service:
            return self._to_service[name]
        service = _service_name(name)
        if service in self._to_client and self._to_client[service] != name:
            service = _hashed(name, service)
        self._to_service[name] = service
        self._to_client[service] = name
        return service

    def to_service(self, name: str) -> str:
        return self._to_service.get(name) or self.add(name)

    def to_client(self, service_name: str) -> str:
        return self._to_client.get(service_name, service_name)


def _service_name(name: str) -> str:
    cleaned = _INVALID.sub("_", name)
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "t_" + cleaned
    return _hashed(name, cleaned) if len(cleaned) > MAX_NAME else cleaned


def _hashed(original: str, cleaned: str) -> str:
    digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[: MAX_NAME - 9]}_{digest}"


def is_long_description(description: str) -> bool:
    return len(description.strip()) > MAX_DESCRIPTION


def fit_description(description: str, name: str) -> str:
    """A description the service accepts: never empty; one over the limit is replaced by a
    pointer to the system prompt, where the backend puts it whole (nothing is cut)."""
    text = description.strip() or f"The {name} tool."
    if len(text) > MAX_DESCRIPTION:
        return MOVED_DESCRIPTION.format(name=name)
    return text

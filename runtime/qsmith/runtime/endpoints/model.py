"""The values endpoint resolution works with: parameters and the resolved endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PARAMETER_TYPES = ("string", "boolean", "stringArray")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One rule set parameter as declared in the rule set's ``parameters`` map."""

    name: str
    type: str
    built_in: str | None = None
    required: bool = False
    default: Any = None
    deprecated: Mapping[str, Any] | None = None
    documentation: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A resolved endpoint: the URL, transport headers and the rule set's properties."""

    url: str
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def auth_schemes(self) -> list[dict[str, Any]]:
        """The ``authSchemes`` property in priority order (empty when the rule set gives none)."""
        schemes = self.properties.get("authSchemes")
        return list(schemes) if isinstance(schemes, list) else []

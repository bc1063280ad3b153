"""Telemetry definitions files (the AWS toolkits' metric format) to typed metric builders."""

from __future__ import annotations

from qsmith.codegen.telemetry.definitions import (
    Definitions,
    DefinitionsError,
    load_definitions,
    parse_definitions,
)
from qsmith.codegen.telemetry.generator import GeneratedModule, generate_module, render_module

__all__ = [
    "Definitions",
    "DefinitionsError",
    "GeneratedModule",
    "generate_module",
    "load_definitions",
    "parse_definitions",
    "render_module",
]

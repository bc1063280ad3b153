"""Shared helpers of the telemetry tests: definitions documents and importing generated code."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from tests.support.scratch import forget
from tests.support.shared import shared_path

UPSTREAM = "upstream/aws-toolkit-telemetry-definitions"


def common_definitions() -> Path:
    return shared_path(UPSTREAM, "aws-toolkit-common", "commonDefinitions.json")


def q_cli_definitions() -> Path:
    return shared_path(UPSTREAM, "amazon-q-developer-cli", "def.json")


def schema_file() -> Path:
    return shared_path(UPSTREAM, "aws-toolkit-common", "telemetrySchema.json")


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_source(source: str, directory: Path, name: str) -> ModuleType:
    """Write ``source`` as ``name.py`` under ``directory`` and import it (uncached)."""
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        forget(name)
    return module


# A small definitions document written for these tests: every value type, an enum of each
# kind, required and optional fields, units and the passive flag.
SAMPLE: dict[str, object] = {
    "types": [
        {
            "name": "result",
            "type": "string",
            "description": 'How it ended, e.g. "Failed" \\ or """ quoted',
            "allowedValues": ["Succeeded", "Failed", "Cancelled"],
        },
        {"name": "attempts", "type": "int", "description": "Attempts made."},
        {"name": "ratio", "type": "double", "description": "A ratio."},
        {"name": "isRetry", "type": "boolean", "description": "Whether retried."},
        {"name": "label", "description": "Defaults to a string type."},
        {
            "name": "level",
            "type": "int",
            "description": "A level.",
            "allowedValues": [1, 2, 3],
        },
    ],
    "metrics": [
        {
            "name": "sample_run",
            "description": "A run happened.",
            "unit": "Milliseconds",
            "passive": True,
            "metadata": [
                {"type": "result"},
                {"type": "attempts"},
                {"type": "ratio", "required": False},
                {"type": "isRetry", "required": False},
                {"type": "label", "required": False},
                {"type": "level", "required": False},
            ],
        },
        {"name": "sample_ping", "description": "No fields at all."},
    ],
}

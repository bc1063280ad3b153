"""Reading telemetry definitions files and checking them against the facts of their schema.

The format (``telemetrySchema.json`` of the AWS toolkits' common definitions) has two arrays:
``types`` (named metadata fields: a value type, a description, optional allowed values) and
``metrics`` (a name with an underscore, a description, an optional unit and passive flag, and
metadata entries that refer to types by name, required unless ``"required": false``).

Several files merge in order: a later file's type or metric replaces an earlier one of the same
name, the way the toolkits layer their own definitions over the common ones. Every problem of
every file is collected and raised together as one ``DefinitionsError``, each naming the file
and the metric or type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qsmith.runtime.errors import CodegenError, ModelProblem

__all__ = [
    "METRIC_UNITS",
    "VALUE_TYPES",
    "Definitions",
    "DefinitionsError",
    "MetadataRef",
    "MetricDef",
    "TypeDef",
    "load_definitions",
    "parse_definitions",
]

VALUE_TYPES = ("int", "double", "string", "boolean")
METRIC_UNITS = ("Milliseconds", "Bytes", "Percent", "Count", "None")
# The schema's pattern: a type name must not start with these (they are datum fields).
_RESERVED_TYPE_PREFIX = re.compile(r"^(value|project|createTime)")
_METRIC_NAME = re.compile(r"^.*_.*$")
# PostMetrics: MetricName and metadata Key patterns of the toolkit-telemetry model.
_WIRE_METRIC_NAME = re.compile(r"^[\w+\-.:]{1,255}$")
_WIRE_KEY = re.compile(r"^\w[\w.]{0,149}$")
_METRIC_STRING_KEYS = ("traceId", "metricId", "parentId")
_METRIC_BOOL_KEYS = ("passive", "trackPerformance")


class DefinitionsError(CodegenError):
    """Telemetry definitions are invalid; ``problems`` names file and metric or type of each."""

    def __init__(self, problems: Sequence[ModelProblem]) -> None:
        self.problems = list(problems)
        head = (
            "invalid telemetry definitions"
            if len(self.problems) == 1
            else f"{len(self.problems)} problem(s) in the telemetry definitions"
        )
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class TypeDef:
    name: str
    type: str
    description: str
    allowed_values: tuple[str, ...] | tuple[int | float, ...] | None
    source: str


@dataclass(frozen=True, slots=True)
class MetadataRef:
    type: str
    required: bool


@dataclass(frozen=True, slots=True)
class MetricDef:
    name: str
    description: str
    unit: str
    passive: bool
    metadata: tuple[MetadataRef, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Definitions:
    """Merged definitions: types and metrics by name, in first-definition order."""

    types: Mapping[str, TypeDef]
    metrics: Mapping[str, MetricDef]
    sources: tuple[str, ...]
    overrides: tuple[str, ...] = ()


@dataclass
class _Checker:
    """Collects the problems of one file."""

    file: str
    problems: list[ModelProblem] = field(default_factory=list)

    def add(self, where: str | None, message: str) -> None:
        self.problems.append(ModelProblem(message, file=self.file, shape_id=where))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_allowed_values(
    raw: object, value_type: str, where: str, check: _Checker
) -> tuple[str, ...] | tuple[int | float, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        check.add(where, "allowedValues must be an array")
        return None
    if all(isinstance(v, str) for v in raw):
        if value_type != "string":
            check.add(where, f"allowedValues are strings but the type is {value_type}")
        if len(set(raw)) != len(raw):
            check.add(where, "allowedValues repeat a value")
        return tuple(raw)
    if all(_is_number(v) for v in raw):
        if value_type not in ("int", "double"):
            check.add(where, f"allowedValues are numbers but the type is {value_type}")
        elif value_type == "int" and not all(isinstance(v, int) for v in raw):
            check.add(where, "allowedValues of an int type must be integers")
        if len(set(raw)) != len(raw):
            check.add(where, "allowedValues repeat a value")
        return tuple(raw)
    check.add(where, "allowedValues must be all strings or all numbers")
    return None


def _check_type(item: object, index: int, check: _Checker) -> TypeDef | None:
    if not isinstance(item, dict):
        check.add(f"types[{index}]", "a type must be an object")
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name:
        check.add(f"types[{index}]", "a type needs a non-empty string 'name'")
        return None
    where = f"type {name}"
    count = len(check.problems)
    if _RESERVED_TYPE_PREFIX.match(name):
        check.add(where, "a type name must not start with 'value', 'project' or 'createTime'")
    if not _WIRE_KEY.match(name):
        check.add(where, "a type name must be a word of letters, digits, '_' or '.' (≤150)")
    description = item.get("description")
    if not isinstance(description, str):
        check.add(where, "a type needs a string 'description'")
    value_type = item.get("type", "string")
    if value_type not in VALUE_TYPES:
        check.add(where, f"'type' must be one of {', '.join(VALUE_TYPES)}, got {value_type!r}")
        value_type = "string"
    allowed = _check_allowed_values(item.get("allowedValues"), value_type, where, check)
    if len(check.problems) > count:
        return None
    return TypeDef(name, value_type, str(description), allowed, check.file)


def _check_metadata(raw: object, where: str, check: _Checker) -> tuple[MetadataRef, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.add(where, "'metadata' must be an array")
        return ()
    refs: list[MetadataRef] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            check.add(where, f"metadata[{index}] needs a string 'type'")
            continue
        required = entry.get("required", True)
        if not isinstance(required, bool):
            check.add(where, f"metadata[{index}] ({entry['type']}): 'required' must be a boolean")
            continue
        refs.append(MetadataRef(entry["type"], required))
    names = [ref.type for ref in refs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        check.add(where, f"metadata lists type {name} more than once")
    return tuple(refs)


def _check_metric(item: object, index: int, check: _Checker) -> MetricDef | None:
    if not isinstance(item, dict):
        check.add(f"metrics[{index}]", "a metric must be an object")
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name:
        check.add(f"metrics[{index}]", "a metric needs a non-empty string 'name'")
        return None
    where = f"metric {name}"
    count = len(check.problems)
    if not _METRIC_NAME.match(name):
        check.add(where, "a metric name must contain '_' (namespace_action)")
    if not _WIRE_METRIC_NAME.match(name):
        check.add(where, "a metric name must be 1-255 of letters, digits, '_', '+', '-', '.', ':'")
    description = item.get("description")
    if not isinstance(description, str):
        check.add(where, "a metric needs a string 'description'")
    unit = item.get("unit", "None")
    if unit not in METRIC_UNITS:
        check.add(where, f"'unit' must be one of {', '.join(METRIC_UNITS)}, got {unit!r}")
    for key in _METRIC_BOOL_KEYS:
        if key in item and not isinstance(item[key], bool):
            check.add(where, f"'{key}' must be a boolean")
    for key in _METRIC_STRING_KEYS:
        if key in item and not isinstance(item[key], str):
            check.add(where, f"'{key}' must be a string")
    metadata = _check_metadata(item.get("metadata"), where, check)
    if len(check.problems) > count:
        return None
    return MetricDef(
        name, str(description), str(unit), bool(item.get("passive", False)), metadata, check.file
    )


def _named(
    items: Iterable[TypeDef | MetricDef | None], kind: str, check: _Checker
) -> list[TypeDef | MetricDef]:
    seen: set[str] = set()
    kept: list[TypeDef | MetricDef] = []
    for item in items:
        if item is None:
            continue
        if item.name in seen:
            check.add(f"{kind} {item.name}", f"{kind} defined more than once in this file")
            continue
        seen.add(item.name)
        kept.append(item)
    return kept


def _check_document(document: object, check: _Checker) -> tuple[list[TypeDef], list[MetricDef]]:
    if not isinstance(document, dict):
        check.add(None, "the top level must be an object with 'types' and 'metrics'")
        return [], []
    raw_types = document.get("types", [])
    raw_metrics = document.get("metrics")
    if not isinstance(raw_types, list):
        check.add(None, "'types' must be an array")
        raw_types = []
    if not isinstance(raw_metrics, list):
        check.add(None, "'metrics' is required and must be an array")
        raw_metrics = []
    types = _named((_check_type(t, i, check) for i, t in enumerate(raw_types)), "type", check)
    metrics = _named(
        (_check_metric(m, i, check) for i, m in enumerate(raw_metrics)), "metric", check
    )
    return [t for t in types if isinstance(t, TypeDef)], [
        m for m in metrics if isinstance(m, MetricDef)
    ]


def parse_definitions(documents: Sequence[tuple[str, object]]) -> Definitions:
    """Merge parsed JSON documents, given as (file name, document), in order."""
    problems: list[ModelProblem] = []
    types: dict[str, TypeDef] = {}
    metrics: dict[str, MetricDef] = {}
    overrides: list[str] = []
    for file, document in documents:
        check = _Checker(file)
        file_types, file_metrics = _check_document(document, check)
        problems.extend(check.problems)
        for type_def in file_types:
            if type_def.name in types:
                overrides.append(
                    f"type {type_def.name}: {file} replaces {types[type_def.name].source}"
                )
            types[type_def.name] = type_def
        for metric in file_metrics:
            if metric.name in metrics:
                overrides.append(
                    f"metric {metric.name}: {file} replaces {metrics[metric.name].source}"
                )
            metrics[metric.name] = metric
    for metric in metrics.values():
        for ref in metric.metadata:
            if ref.type not in types:
                problems.append(
                    ModelProblem(
                        f"metadata refers to type {ref.type}, which no definitions file defines",
                        file=metric.source,
                        shape_id=f"metric {metric.name}",
                    )
                )
    if problems:
        raise DefinitionsError(problems)
    return Definitions(types, metrics, tuple(f for f, _ in documents), tuple(overrides))


def _read(path: Path) -> tuple[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionsError(
            [ModelProblem(f"cannot read: {exc.strerror or exc}", file=str(path))]
        ) from None
    try:
        return str(path), json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionsError(
            [
                ModelProblem(
                    f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=str(path)
                )
            ]
        ) from None


def load_definitions(paths: Sequence[Path]) -> Definitions:
    """Read, check and merge definitions files in order (later files override)."""
    if not paths:
        raise DefinitionsError([ModelProblem("no definitions file given")])
    return parse_definitions([_read(Path(p)) for p in paths])

"""One metric data point, and the per-metric specification generated builders fill it from.

A generated builder holds a ``MetricSpec`` constant (metric name, unit, passive flag, and
the fields in definition order) and calls ``MetricSpec.build`` with the caller's values.
``build`` checks what a static type checker cannot see at run time: a required field given
``None``, a value of the wrong kind (``True`` for an int, ``"3"`` for a double), a negative or
non-finite metric value. Metadata values travel as strings, as the PostMetrics API takes them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from qsmith.runtime.errors import ParamValidationError

__all__ = ["FieldKind", "FieldSpec", "MetricDatum", "MetricFieldError", "MetricSpec", "MetricUnit"]


class MetricFieldError(ParamValidationError):
    """A metric field is missing or holds a value of the wrong kind; names metric and field."""


class MetricUnit(StrEnum):
    """The units the telemetry definitions and the PostMetrics API know."""

    MILLISECONDS = "Milliseconds"
    BYTES = "Bytes"
    PERCENT = "Percent"
    COUNT = "Count"
    NONE = "None"


class FieldKind(StrEnum):
    """The value types of telemetry definitions (``int``, ``double``, ``string``, ``boolean``)."""

    STRING = "string"
    INT = "int"
    DOUBLE = "double"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricDatum:
    """One metric data point as PostMetrics sends it; ``epoch_timestamp`` is in milliseconds."""

    metric_name: str
    epoch_timestamp: int
    unit: MetricUnit
    value: float
    passive: bool
    metadata: tuple[tuple[str, str], ...]

    def metadata_dict(self) -> dict[str, str]:
        return dict(self.metadata)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One metadata field of a metric: its wire key, value kind and whether it is required."""

    key: str
    kind: FieldKind
    required: bool


def _wire_text(kind: FieldKind, value: object) -> str | None:
    """The metadata string for ``value``, or None when ``value`` is not of ``kind``."""
    if kind is FieldKind.STRING:
        # An Enum member of a generated StrEnum is a str; send its value, not its name.
        return (
            value.value if isinstance(value, StrEnum) else value if isinstance(value, str) else None
        )
    if isinstance(value, bool):
        return ("true" if value else "false") if kind is FieldKind.BOOLEAN else None
    if kind is FieldKind.INT:
        return str(int(value)) if isinstance(value, int) else None
    if kind is FieldKind.DOUBLE and isinstance(value, int | float) and math.isfinite(value):
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSpec:
    """What the definitions say about one metric; ``build`` turns values into a datum."""

    name: str
    unit: MetricUnit
    passive: bool
    fields: tuple[FieldSpec, ...]

    def build(
        self,
        values: Sequence[object],
        *,
        value: float = 1.0,
        epoch_timestamp: int | None = None,
    ) -> MetricDatum:
        """A datum from ``values`` (one per field, in ``fields`` order; None means absent)."""
        if len(values) != len(self.fields):
            raise MetricFieldError(
                f"metric {self.name}: {len(values)} value(s) for {len(self.fields)} field(s)"
            )
        metadata: list[tuple[str, str]] = []
        for spec, given in zip(self.fields, values, strict=True):
            if given is None:
                if spec.required:
                    raise MetricFieldError(f"metric {self.name}: field {spec.key} is required")
                continue
            text = _wire_text(spec.kind, given)
            if text is None:
                raise MetricFieldError(
                    f"metric {self.name}: field {spec.key} must be a {spec.kind.value}, "
                    f"got {type(given).__name__}"
                )
            metadata.append((spec.key, text))
        return MetricDatum(
            metric_name=self.name,
            epoch_timestamp=self._timestamp(epoch_timestamp),
            unit=self.unit,
            value=self._value(value),
            passive=self.passive,
            metadata=tuple(metadata),
        )

    def _value(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MetricFieldError(f"metric {self.name}: value must be a number")
        if not math.isfinite(value) or value < 0:
            raise MetricFieldError(
                f"metric {self.name}: value must be finite and >= 0, got {value!r}"
            )
        return float(value)

    def _timestamp(self, epoch_timestamp: object) -> int:
        if epoch_timestamp is None:
            return time.time_ns() // 1_000_000
        if isinstance(epoch_timestamp, bool) or not isinstance(epoch_timestamp, int):
            raise MetricFieldError(f"metric {self.name}: epoch_timestamp must be an int (ms)")
        if epoch_timestamp < 0:
            raise MetricFieldError(f"metric {self.name}: epoch_timestamp must be >= 0")
        return epoch_timestamp

"""What generated telemetry metric builders need at run time: the metric datum they return.

Generated modules (``qsmith codegen telemetry``) import only this package and the standard
library. Publishing metrics is an application concern and lives in ``qsmith.telemetry``.
"""

from __future__ import annotations

from qsmith.runtime.telemetry.datum import (
    FieldKind,
    FieldSpec,
    MetricDatum,
    MetricFieldError,
    MetricSpec,
    MetricUnit,
)

__all__ = ["FieldKind", "FieldSpec", "MetricDatum", "MetricFieldError", "MetricSpec", "MetricUnit"]

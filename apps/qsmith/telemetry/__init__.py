"""Opt-in usage metrics: typed builders (``metrics``), a batching publisher, and senders.

Nothing is sent unless the application enables it (``enabled=True`` or ``QSMITH_TELEMETRY=1``).
"""

from __future__ import annotations

from qsmith.telemetry.client_info import TelemetryClientInfo
from qsmith.telemetry.publisher import (
    ENABLE_ENV_VAR,
    MetricSender,
    PublisherStats,
    TelemetryPublisher,
    telemetry_enabled,
)

__all__ = [
    "ENABLE_ENV_VAR",
    "MetricSender",
    "PublisherStats",
    "TelemetryClientInfo",
    "TelemetryPublisher",
    "telemetry_enabled",
]

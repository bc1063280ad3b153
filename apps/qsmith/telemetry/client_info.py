"""Who is sending metrics: the request-level members of PostMetrics, and the request body.

``AWSProduct`` is a closed list of the AWS toolkits in the service model; qsmith is not on it,
so there is no default: whoever enables publishing says which product they report as.
``client_id`` defaults to a random UUID per process, so nothing that identifies a machine or
user is stored or sent unless the application passes its own persisted id.
"""

from __future__ import annotations

import platform
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from qsmith.runtime.telemetry import MetricDatum

__all__ = ["TelemetryClientInfo", "post_metrics_document"]


def _random_client_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True, kw_only=True)
class TelemetryClientInfo:
    product: str
    product_version: str
    client_id: str = field(default_factory=_random_client_id)
    credential_start_url: str = ""
    os: str | None = field(default_factory=platform.system)
    os_version: str | None = field(default_factory=platform.release)
    parent_product: str | None = None
    parent_product_version: str | None = None
    session_id: str | None = None


def _datum_document(datum: MetricDatum) -> dict[str, object]:
    return {
        "MetricName": datum.metric_name,
        "EpochTimestamp": datum.epoch_timestamp,
        "Unit": datum.unit.value,
        "Value": datum.value,
        "Metadata": [{"Key": key, "Value": value} for key, value in datum.metadata],
        "Passive": datum.passive,
    }


def post_metrics_document(
    info: TelemetryClientInfo, batch: Sequence[MetricDatum]
) -> dict[str, object]:
    """The restJson1 body of one PostMetrics call (members in the model's wire names)."""
    document: dict[str, object] = {
        "AWSProduct": info.product,
        "AWSProductVersion": info.product_version,
        "ClientID": info.client_id,
        "CredentialStartUrl": info.credential_start_url,
        "MetricData": [_datum_document(d) for d in batch],
    }
    optional = {
        "SessionID": info.session_id,
        "OS": info.os,
        "OSVersion": info.os_version,
        "ParentProduct": info.parent_product,
        "ParentProductVersion": info.parent_product_version,
    }
    document.update({key: value for key, value in optional.items() if value})
    return document

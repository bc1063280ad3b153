"""A ``MetricSender`` over the generated toolkit-telemetry client (``PostMetrics``).

``qsmith.clients.toolkit_telemetry.Client.post_metrics(...)`` takes the members of
``PostMetricsRequest`` as snake_case keywords (``aws_product``, ``aws_product_version``,
``client_id``, ``metric_data``, ``credential_start_url``, ``session_id``, ``os``,
``os_version``, ``parent_product``, ``parent_product_version``), and
``qsmith.clients.toolkit_telemetry.models`` has the dataclasses ``MetricDatum`` (``metric_name``,
``epoch_timestamp``, ``unit``, ``value``, ``metadata``, ``passive``) and ``MetadataEntry``
(``key``, ``value``). If the generator ever spells a name differently, this module is the
one place to change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Protocol

from qsmith.runtime.telemetry import MetricDatum
from qsmith.telemetry.client_info import TelemetryClientInfo

__all__ = ["GeneratedClientSender", "PostMetricsClient", "TelemetryModels"]

_MODELS_MODULE = "qsmith.clients.toolkit_telemetry.models"


class PostMetricsClient(Protocol):
    @property
    def post_metrics(self) -> Callable[..., object]: ...


class TelemetryModels(Protocol):
    """The two generated model classes the sender builds (a module satisfies this)."""

    @property
    def MetricDatum(self) -> Callable[..., object]: ...

    @property
    def MetadataEntry(self) -> Callable[..., object]: ...


class GeneratedClientSender:
    """Sends each batch with ``client.post_metrics``; ``models`` defaults to the generated
    module, imported on first use so this module imports without the generated tree."""

    def __init__(
        self,
        client: PostMetricsClient,
        info: TelemetryClientInfo,
        *,
        models: TelemetryModels | None = None,
    ) -> None:
        self._client = client
        self._info = info
        self._models = models

    def _model_classes(self) -> TelemetryModels:
        if self._models is None:
            module: TelemetryModels = importlib.import_module(_MODELS_MODULE)
            self._models = module
        return self._models

    def send(self, batch: Sequence[MetricDatum]) -> None:
        models = self._model_classes()
        info = self._info
        metric_data = [
            models.MetricDatum(
                metric_name=d.metric_name,
                epoch_timestamp=d.epoch_timestamp,
                unit=d.unit.value,
                value=d.value,
                metadata=[models.MetadataEntry(key=k, value=v) for k, v in d.metadata],
                passive=d.passive,
            )
            for d in batch
        ]
        optional = {
            "session_id": info.session_id,
            "os": info.os,
            "os_version": info.os_version,
            "parent_product": info.parent_product,
            "parent_product_version": info.parent_product_version,
        }
        self._client.post_metrics(
            aws_product=info.product,
            aws_product_version=info.product_version,
            client_id=info.client_id,
            credential_start_url=info.credential_start_url,
            metric_data=metric_data,
            **{key: value for key, value in optional.items() if value},
        )

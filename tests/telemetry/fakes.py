"""A recording ``MetricSender`` for publisher tests, and a datum factory."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from qsmith.runtime.telemetry import MetricDatum, MetricUnit


def datum(index: int) -> MetricDatum:
    return MetricDatum(
        metric_name="qsmith_test",
        epoch_timestamp=1_700_000_000_000 + index,
        unit=MetricUnit.COUNT,
        value=float(index),
        passive=False,
        metadata=(("index", str(index)),),
    )


class RecordingSender:
    """Records every batch; ``gate`` (when given) holds each send until it is set;
    ``fail_first`` batches raise instead of being recorded."""

    def __init__(self, *, gate: threading.Event | None = None, fail_first: int = 0) -> None:
        self.batches: list[list[MetricDatum]] = []
        self.gate = gate
        self.fail_first = fail_first
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def send(self, batch: Sequence[MetricDatum]) -> None:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        with self._lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                raise RuntimeError("service unavailable")
            self.batches.append(list(batch))

    @property
    def sizes(self) -> list[int]:
        with self._lock:
            return [len(b) for b in self.batches]

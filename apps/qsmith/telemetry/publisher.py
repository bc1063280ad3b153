"""``TelemetryPublisher``: hands metric data to a sender in batches, off the caller's thread.

Opt-in: a publisher built without ``enabled=True`` and without ``QSMITH_TELEMETRY=1`` in the
environment records nothing, starts no thread and never calls its sender; a library must not
phone home on its own.

When enabled, ``record`` appends to a bounded in-memory queue and returns at once. A daemon
worker thread (started on the first ``record``) takes up to ``batch_size`` (at most 20, the
PostMetrics limit) data at a time and gives them to the sender: as soon as a full batch is
waiting, when ``flush_interval`` passes with a partial one, on ``flush()``, and on ``close()``.
When the queue is full the newest datum is dropped, counted in ``stats.dropped``, and logged
as a warning (once per run of drops, so a flood of drops does not flood the log). A failed
send is logged and counted in ``stats.failed_batches``; the data of that batch are lost (no
retry queue that could grow without bound). At interpreter exit, ``close`` runs from an
``atexit`` hook and waits at most ``exit_timeout`` seconds for the queue to drain.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.telemetry import MetricDatum

__all__ = [
    "ENABLE_ENV_VAR",
    "MAX_BATCH_SIZE",
    "MetricSender",
    "PublisherStats",
    "TelemetryPublisher",
    "telemetry_enabled",
]

ENABLE_ENV_VAR = "QSMITH_TELEMETRY"
MAX_BATCH_SIZE = 20  # MetricData of PostMetrics holds 1 to 20 data
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
_log = logging.getLogger("qsmith.telemetry")


class MetricSender(Protocol):
    """Delivers one batch (1 to 20 data) or raises; called from the publisher's thread only."""

    def send(self, batch: Sequence[MetricDatum]) -> None: ...


def telemetry_enabled(
    setting: bool | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """An explicit ``setting`` wins; otherwise ``QSMITH_TELEMETRY`` decides; otherwise off."""
    if setting is not None:
        return setting
    raw = (os.environ if environ is None else environ).get(ENABLE_ENV_VAR, "")
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{ENABLE_ENV_VAR}={raw!r}: say 1 (on) or 0 (off)")


@dataclass(frozen=True, slots=True)
class PublisherStats:
    """Counts since the publisher was made (data, except ``*_batches``)."""

    recorded: int
    sent: int
    dropped: int
    failed: int
    sent_batches: int
    failed_batches: int
    pending: int


class TelemetryPublisher:
    """Batches metric data to ``sender`` from a background thread; see the module docstring."""

    def __init__(
        self,
        sender: MetricSender,
        *,
        enabled: bool | None = None,
        environ: Mapping[str, str] | None = None,
        max_queue: int = 1000,
        batch_size: int = MAX_BATCH_SIZE,
        flush_interval: float = 30.0,
        exit_timeout: float = 2.0,
        flush_at_exit: bool = True,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise ConfigError(f"telemetry batch_size must be 1..{MAX_BATCH_SIZE}, got {batch_size}")
        if max_queue < 1:
            raise ConfigError(f"telemetry max_queue must be at least 1, got {max_queue}")
        if flush_interval <= 0 or exit_timeout < 0:
            raise ConfigError("telemetry flush_interval must be > 0 and exit_timeout >= 0")
        self.enabled = telemetry_enabled(enabled, environ)
        self._sender = sender
        self._max_queue = max_queue
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._exit_timeout = exit_timeout
        self._flush_at_exit = flush_at_exit
        self._pending: deque[MetricDatum] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        self._flush_requested = 0
        self._flush_done = 0
        self._in_flight = 0
        self._dropping = False
        self._counts = {"recorded": 0, "sent": 0, "dropped": 0, "failed": 0}
        self._batches = {"sent": 0, "failed": 0}

    def __repr__(self) -> str:
        state = "closed" if self._closing else "enabled" if self.enabled else "disabled"
        return f"TelemetryPublisher({state}, pending={len(self._pending)})"

    @property
    def stats(self) -> PublisherStats:
        with self._cond:
            return PublisherStats(
                recorded=self._counts["recorded"],
                sent=self._counts["sent"],
                dropped=self._counts["dropped"],
                failed=self._counts["failed"],
                sent_batches=self._batches["sent"],
                failed_batches=self._batches["failed"],
                pending=len(self._pending) + self._in_flight,
            )

    def record(self, datum: MetricDatum) -> None:
        """Queue ``datum``; never blocks on the network, never raises for a full queue."""
        if not self.enabled:
            return
        with self._cond:
            if self._closing:
                self._drop("the publisher is closed")
                return
            if len(self._pending) >= self._max_queue:
                self._drop(f"the queue is full ({self._max_queue})")
                return
            self._dropping = False
            self._pending.append(datum)
            self._counts["recorded"] += 1
            if self._thread is None:
                self._start()
            if len(self._pending) >= self._batch_size:
                self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Send everything queued so far; True when done within ``timeout`` seconds."""
        with self._cond:
            if self._thread is None:
                return not self._pending
            self._flush_requested += 1
            ticket = self._flush_requested
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._flush_done >= ticket, timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Stop taking data, send what is queued, wait at most ``timeout`` (default
        ``exit_timeout``) seconds; True when everything queued was handed to the sender."""
        wait = self._exit_timeout if timeout is None else timeout
        with self._cond:
            self._closing = True
            thread = self._thread
            self._cond.notify_all()
        if thread is None:
            return True
        thread.join(wait)
        return not thread.is_alive()

    def _drop(self, why: str) -> None:
        self._counts["dropped"] += 1
        if not self._dropping:  # one warning per run of consecutive drops
            self._dropping = True
            _log.warning(
                "telemetry: dropped the newest metric because %s (%d dropped so far)",
                why,
                self._counts["dropped"],
            )

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="qsmith-telemetry", daemon=True)
        self._thread.start()
        if self._flush_at_exit:
            _register_for_exit(self)

    def _ready(self) -> bool:
        return (
            self._closing
            or self._flush_requested > self._flush_done
            or len(self._pending) >= self._batch_size
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(self._ready, self._flush_interval)
                count = min(self._batch_size, len(self._pending))
                batch = [self._pending.popleft() for _ in range(count)]
                self._in_flight = count
                if not batch:
                    self._flush_done = self._flush_requested
                    self._cond.notify_all()
                    if self._closing:
                        return
                    continue
            self._deliver(batch)

    def _deliver(self, batch: list[MetricDatum]) -> None:
        try:
            self._sender.send(batch)
        except Exception as exc:  # a sender failure must never reach the caller's thread
            outcome = "failed"
            _log.warning(
                "telemetry: sending %d metric(s) failed: %s: %s",
                len(batch),
                type(exc).__name__,
                exc,
            )
        else:
            outcome = "sent"
        with self._cond:
            self._in_flight = 0
            self._counts[outcome] += len(batch)
            self._batches[outcome] += 1


# Publishers to close at exit, held weakly so that registering does not keep one alive.
_AT_EXIT: weakref.WeakSet[TelemetryPublisher] = weakref.WeakSet()
_AT_EXIT_LOCK = threading.Lock()
_at_exit_registered = False


def _register_for_exit(publisher: TelemetryPublisher) -> None:
    global _at_exit_registered
    with _AT_EXIT_LOCK:
        if not _at_exit_registered:
            atexit.register(_close_all_at_exit)
            _at_exit_registered = True
        _AT_EXIT.add(publisher)


def _close_all_at_exit() -> None:
    with _AT_EXIT_LOCK:
        publishers = list(_AT_EXIT)
        _AT_EXIT.clear()
    for publisher in publishers:
        if not publisher.close():
            _log.warning(
                "telemetry: exit wait ran out with %d metric(s) unsent", publisher.stats.pending
            )

"""TelemetryPublisher: opt-in, batching, bounded queue, failures, flush at exit."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading

import pytest

from qsmith.runtime.errors import ConfigError
from qsmith.telemetry import TelemetryPublisher, telemetry_enabled
from tests.support.shared import REPO_ROOT
from tests.telemetry.fakes import RecordingSender, datum


def test_off_by_default_sends_nothing_and_starts_no_thread() -> None:
    sender = RecordingSender()
    publisher = TelemetryPublisher(sender, environ={})
    threads_before = threading.active_count()
    for i in range(45):
        publisher.record(datum(i))
    assert publisher.flush(timeout=1)
    assert publisher.close()
    assert sender.batches == []
    assert publisher.stats.recorded == 0
    assert threading.active_count() == threads_before


@pytest.mark.parametrize(
    ("setting", "environ", "expected"),
    [
        (None, {}, False),
        (None, {"QSMITH_TELEMETRY": "1"}, True),
        (None, {"QSMITH_TELEMETRY": "true"}, True),
        (None, {"QSMITH_TELEMETRY": "0"}, False),
        (False, {"QSMITH_TELEMETRY": "1"}, False),  # an explicit setting wins
        (True, {}, True),
    ],
)
def test_enabling(setting: bool | None, environ: dict[str, str], expected: bool) -> None:
    assert telemetry_enabled(setting, environ) is expected


def test_a_misspelt_switch_is_an_error_not_a_guess() -> None:
    with pytest.raises(ConfigError, match="QSMITH_TELEMETRY='maybe'"):
        telemetry_enabled(None, {"QSMITH_TELEMETRY": "maybe"})


def test_batch_size_cannot_exceed_the_post_metrics_limit() -> None:
    with pytest.raises(ConfigError, match=r"batch_size must be 1\.\.20"):
        TelemetryPublisher(RecordingSender(), enabled=True, batch_size=21)


def test_45_metrics_go_out_as_20_20_5() -> None:
    sender = RecordingSender()
    publisher = TelemetryPublisher(sender, environ={"QSMITH_TELEMETRY": "1"}, flush_at_exit=False)
    for i in range(45):
        publisher.record(datum(i))
    assert publisher.flush(timeout=5)
    assert sender.sizes == [20, 20, 5]
    assert [d.epoch_timestamp for b in sender.batches for d in b] == [
        1_700_000_000_000 + i for i in range(45)
    ]
    stats = publisher.stats
    assert (stats.recorded, stats.sent, stats.sent_batches, stats.pending) == (45, 45, 3, 0)
    assert publisher.close()


def test_a_full_batch_goes_out_without_a_flush() -> None:
    sender = RecordingSender()
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False, flush_interval=60)
    for i in range(20):
        publisher.record(datum(i))
    assert sender.entered.wait(5)
    publisher.close()
    assert sender.sizes == [20]


def test_a_partial_batch_goes_out_after_the_flush_interval() -> None:
    sender = RecordingSender()
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False, flush_interval=0.05)
    for i in range(3):
        publisher.record(datum(i))
    assert sender.entered.wait(5)
    publisher.close()
    assert sender.sizes == [3]


def test_the_queue_is_bounded_and_drops_the_newest_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = threading.Event()
    sender = RecordingSender(gate=gate)
    publisher = TelemetryPublisher(
        sender, enabled=True, max_queue=10, batch_size=5, flush_at_exit=False
    )
    with caplog.at_level(logging.WARNING, logger="qsmith.telemetry"):
        for i in range(5):
            publisher.record(datum(i))
        assert sender.entered.wait(5)  # the worker holds batch 0-4 inside the blocked sender
        for i in range(5, 40):  # returns at once although the sender is stuck
            publisher.record(datum(i))
    stats = publisher.stats
    assert (stats.recorded, stats.dropped, stats.pending) == (15, 25, 15)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "telemetry: dropped the newest metric because the queue is full (10) (1 dropped so far)"
    ]
    gate.set()
    assert publisher.flush(timeout=5)
    kept = [d.epoch_timestamp - 1_700_000_000_000 for b in sender.batches for d in b]
    assert kept == list(range(15))  # the oldest are kept, the newest dropped
    publisher.close()


def test_a_failing_sender_is_logged_and_counted_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender = RecordingSender(fail_first=1)
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False)
    with caplog.at_level(logging.WARNING, logger="qsmith.telemetry"):
        for i in range(25):
            publisher.record(datum(i))
        assert publisher.flush(timeout=5)
    stats = publisher.stats
    assert (stats.sent, stats.failed, stats.failed_batches) == (5, 20, 1)
    assert "sending 20 metric(s) failed: RuntimeError: service unavailable" in caplog.text
    publisher.close()


def test_records_after_close_are_dropped() -> None:
    sender = RecordingSender()
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False)
    publisher.record(datum(0))
    assert publisher.close()
    publisher.record(datum(1))
    assert sender.sizes == [1]
    assert publisher.stats.dropped == 1


def run_script(body: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent("""
        import logging, sys, threading, time
        sys.path.insert(0, {root!r})
        from qsmith.telemetry import TelemetryPublisher
        from tests.telemetry.fakes import datum
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        """).format(root=str(REPO_ROOT)) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
    )


def test_queued_metrics_are_flushed_at_interpreter_exit() -> None:
    done = run_script("""
        class PrintingSender:
            def send(self, batch):
                print(len(batch), flush=True)
        publisher = TelemetryPublisher(PrintingSender(), enabled=True, flush_interval=60)
        for i in range(45):
            publisher.record(datum(i))
        # no flush, no close: the atexit hook must deliver all 45
        """)
    assert done.returncode == 0, done.stderr
    assert sorted(int(n) for n in done.stdout.split()) == [5, 20, 20]


def test_the_exit_wait_is_bounded_when_the_sender_hangs() -> None:
    done = run_script(
        """
        class HangingSender:
            def send(self, batch):
                threading.Event().wait()
        publisher = TelemetryPublisher(HangingSender(), enabled=True, exit_timeout=0.3)
        for i in range(3):
            publisher.record(datum(i))
        publisher.flush(timeout=0.1)
        """,
        timeout=20,
    )
    assert done.returncode == 0, done.stderr
    assert "exit wait ran out with 3 metric(s) unsent" in done.stderr

"""Real server processes the tests start on 127.0.0.1: a free port, start until ready, stop.

Readiness is polled against a bounded deadline (generous: the suite runs on loaded 2-core
machines), never waited for as a fixed time.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

__all__ = ["free_port", "port_accepts", "stop_process", "wait_until_ready"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_accepts(port: int) -> bool:
    """True once something accepts connections on 127.0.0.1:``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_until_ready(
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    ready: Callable[[], bool],
    describe: Callable[[], str],
    *,
    seconds: float = 120,
) -> None:
    """Poll ``ready`` until it holds; stop the process and raise, with ``describe()`` (its
    log), when it exits first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise RuntimeError(f"{process.args!r} did not start:\n{describe()}")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

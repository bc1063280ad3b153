"""A real ``redis-server`` on a free loopback port, in a temporary directory, for one test.

Started with no persistence (``--save '' --appendonly no``) and stopped afterwards;
``restart`` brings it back on the same port (empty), as after a crash.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from tests.support.processes import free_port, stop_process, wait_until_ready
from tests.support.tools import tool_missing

BINARY = "redis-server"


class RedisServer:
    def __init__(self, directory: Path) -> None:
        binary = shutil.which(BINARY)
        if binary is None:
            tool_missing(f"{BINARY} is not installed (Debian package redis-server)")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_ready(self.process, self._pongs, lambda: f"port {self.port}")
        return self

    def _pongs(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

"""The real ``qsmith serve`` process on 127.0.0.1, in front of a fake Amazon Q.

Acceptance tests drive the gateway the way users run it: the installed console script
in its own process, its own event loop and uvicorn's own HTTP stack, with a token in
the environment and a temporary home (no real login is ever read).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TOKEN = "token-canary"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def qsmith_command() -> list[str]:
    script = Path(sys.executable).parent / "qsmith"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from qsmith.cli.main import main; main()"]


class ServeProcess:
    """``qsmith serve --endpoint-url <fake>`` with ``args``; its log in ``self.log_path``."""

    def __init__(self, upstream_url: str, *args: str) -> None:
        self.port = free_port()
        self.home = tempfile.TemporaryDirectory(prefix="qsmith-serve-")
        self.log_path = Path(self.home.name) / "serve.log"
        self.command = [
            *qsmith_command(),
            "serve",
            "--port",
            str(self.port),
            "--endpoint-url",
            upstream_url,
            *args,
        ]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def environ(self) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(HOME=self.home.name, XDG_CONFIG_HOME=self.home.name, QSMITH_BEARER_TOKEN=TOKEN)
        return env

    def __enter__(self) -> ServeProcess:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command, stdout=log, stderr=subprocess.STDOUT, env=self.environ()
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qsmith serve exited:\n{self.log()}")
            try:
                httpx.get(self.url + "/health", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.__exit__()
        raise RuntimeError(f"qsmith serve did not start:\n{self.log()}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.home.cleanup()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def rss_bytes(self) -> int:
        """The process's resident memory now (Linux ``/proc``)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")

    def peak_rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM line")

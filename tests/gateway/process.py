"""The real ``qsmith serve`` process on 127.0.0.1, in front of a fake Amazon Q.

Acceptance tests drive the gateway the way users run it: the installed console script
in its own process, its own event loop and uvicorn's own HTTP stack, with a token in
the environment and a temporary home (no real login is ever read).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.support.processes import free_port, stop_process, wait_until_ready
from tests.support.tools import tool_missing

TOKEN = "token-canary"


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
        wait_until_ready(self.process, self._answers, self.log)
        return self

    def _answers(self) -> bool:
        try:
            httpx.get(self.url + "/health", timeout=1)
            return True
        except httpx.TransportError:
            return False

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            stop_process(self.process)
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


def npm_agent(command: str, package: str, override_env: str, title: str) -> str:
    """The path of a coding agent's command installed from npm (``.ci/run`` puts it in
    ``.ci/node``), ``$override_env``, or on PATH; if absent, ``tool_missing`` names it."""
    import shutil

    root = Path(__file__).resolve().parents[2]
    for candidate in (
        os.environ.get(override_env),
        str(root / ".ci" / "node" / "node_modules" / ".bin" / command),
        shutil.which(command),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    install = f"npm install --prefix .ci/node {package}"
    tool_missing(f"{command} ({title}, from npm) is not installed: {install}")

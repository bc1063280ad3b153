"""Real ``qsmith serve --accounts`` processes, started and stopped by the tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from qsmith.runtime.auth.identity import utc_now
from qsmith.runtime.auth.timestamps import format_timestamp
from tests.support.processes import free_port, port_accepts, stop_process, wait_until_ready

CANARY = "CANARY-5ecret"


def token_file(path: Path, *, expired: bool) -> Path:
    """A refreshable token file whose token is expired (or valid for an hour)."""
    moment = utc_now() + (timedelta(minutes=-1) if expired else timedelta(hours=1))
    data = {
        "accessToken": f"old-{CANARY}",
        "expiresAt": format_timestamp(moment),
        "refreshToken": f"refresh-0-{CANARY}",
        "clientId": "client-1",
        "clientSecret": f"secret-{CANARY}",
        "region": "us-east-1",
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def accounts_file(path: Path, logins: dict[str, Path]) -> Path:
    entries = [
        f'[[login]]\nname = "{name}"\nsource = "token-file"\npath = "{token}"\n'
        for name, token in logins.items()
    ]
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


class ServeProcess:
    """``qsmith serve --accounts FILE --state STATE`` on a free port, its stderr in a file."""

    def __init__(
        self, home: Path, accounts: Path, state: str, fake_q: str, oidc: str | None = None
    ) -> None:
        self.port = free_port()
        self.log = home / f"serve-{self.port}.log"
        environ = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
        if oidc is not None:
            environ["AWS_ENDPOINT_URL_SSO_OIDC"] = oidc
        command = [sys.executable, "-m", "qsmith.cli.main", "serve", "--port", str(self.port)]
        command += ["--accounts", str(accounts), "--state", state, "--endpoint-url", fake_q]
        command += ["--log-level", "warning"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=environ, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_ready(self.process, lambda: port_accepts(self.port), self.output)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        stop_process(self.process)

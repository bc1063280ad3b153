"""The README, followed literally: its offline quick start runs, and its endpoint-variable
table spells each client's ``AWS_ENDPOINT_URL_<SERVICE>`` as the runtime reads it."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from qsmith.runtime.endpoints.config import configured_endpoint
from tests.support.shared import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_quick_start_chat_line_runs_offline(tmp_path: Path) -> None:
    (block,) = re.findall(r"```sh\n(.*?)```", section("Try it in one minute, offline"), re.S)
    chats = [line for line in block.splitlines() if line.startswith("qsmith chat --fake")]
    assert chats, block
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QSMITH_"))}
    for line in chats:
        command = shlex.split(line, comments=True)
        result = subprocess.run(
            [sys.executable, "-m", "qsmith.cli.main", *command[1:]],
            env={**env, "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        promised = line.partition("# streams: ")[2].removesuffix("...").strip()
        assert result.stdout.startswith(promised), (promised, result.stdout)


def test_the_endpoint_variable_table_matches_the_runtime() -> None:
    rows = re.findall(r"\| `(\w+)` \| `(AWS_ENDPOINT_URL_\w+)` \|", README)
    clients = REPO_ROOT / "generated" / "qsmith" / "clients"
    shipped = sorted(p.name for p in clients.iterdir() if (p / "client.py").is_file())
    assert sorted(name for name, _ in rows) == shipped
    for name, variable in rows:
        service = importlib.import_module(f"qsmith.clients.{name}._schema").SERVICE
        environ = {variable: "http://127.0.0.1:9"}
        override = configured_endpoint(service.sdk_id or service.name, environ=environ)
        assert override is not None and override.url == "http://127.0.0.1:9", (name, variable)

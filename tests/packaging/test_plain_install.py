"""``pip install qsmith`` with no extras: every command works or names its extra in one line.

The wheels are built from this tree and installed into a fresh virtual environment with
only the third-party distributions their metadata requires (no extras).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.wheels import Venv, declared_requirements

CODEGEN = "pip install 'qsmith[codegen]'"
GATEWAY = "pip install 'qsmith[gateway]'"

# (sub-command words, arguments of one real invocation, the extra it needs or None)
COMMANDS: list[tuple[str, list[str], str | None]] = [
    ("codegen", ["--all", "--models", "models", "--out", "out"], CODEGEN),
    ("codegen telemetry", ["defs.json", "--out", "metrics.py"], CODEGEN),
    ("model", ["validate", "model.json"], CODEGEN),
    ("model validate", ["model.json"], CODEGEN),
    ("model stats", ["model.json"], CODEGEN),
    ("model show", ["Weather", "--model", "model.json"], CODEGEN),
    ("model convert", ["model.json", "-o", "out.json"], CODEGEN),
    ("model import-c2j", ["c2j.json", "-o", "imported.json"], None),
    ("vendor", ["toolkit-telemetry", "--package", "app.q", "--out", "src"], CODEGEN),
    ("conformance", ["--shared", "shared"], CODEGEN),
    ("auth", ["status"], None),
    ("auth status", [], None),
    ("eventstream", ["decode", "empty.bin"], None),
    ("eventstream decode", ["empty.bin"], None),
    ("eventstream encode", ["empty.jsonl"], None),
    ("login", ["--import", "q-cli"], None),
    ("logout", [], None),
    ("whoami", [], None),
    ("serve", [], GATEWAY),
    ("chat", ["--fake", "--non-interactive", "hello"], None),
    ("serve --fake", [], GATEWAY),
]

C2J = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2024-01-01",
        "endpointPrefix": "tiny",
        "jsonVersion": "1.0",
        "protocol": "json",
        "serviceId": "Tiny",
        "signatureVersion": "v4",
        "targetPrefix": "Tiny",
        "uid": "tiny-2024-01-01",
    },
    "operations": {
        "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}},
    },
    "shapes": {},
}


@pytest.fixture(scope="module")
def plain(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = Venv.create(tmp_path_factory.mktemp("plain") / "venv")
    venv.install(*wheels.values())
    own = set(wheels)
    third_party = set().union(*(declared_requirements(w) for w in wheels.values())) - own
    venv.link_third_party(*third_party)
    return venv


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("work")
    (folder / "model.json").write_text('{"smithy": "2.0", "shapes": {}}')
    (folder / "defs.json").write_text('{"types": [], "metrics": []}')
    (folder / "c2j.json").write_text(json.dumps(C2J))
    (folder / "empty.bin").write_bytes(b"")
    (folder / "empty.jsonl").write_text("")
    (folder / "home").mkdir()
    return folder


def run(venv: Venv, workdir: Path, words: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir / "home"),
        "QSMITH_CONVERSATIONS_DIR": str(workdir / "conversations"),
    }
    return subprocess.run(
        [str(venv.script("qsmith")), *words.split(), *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_plain_wheels_ask_for_httpx_and_click_only(wheels: dict[str, Path]) -> None:
    everything = set().union(*(declared_requirements(w) for w in wheels.values()))
    assert everything - set(wheels) == {"click", "httpx"}


@pytest.mark.parametrize(("words", "args", "extra"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_help_works_without_extras(
    plain: Venv, workdir: Path, words: str, args: list[str], extra: str | None
) -> None:
    result = run(plain, workdir, words, ["--help"])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    if extra is not None and words not in ("codegen", "model", "serve"):
        assert extra in result.stdout  # a command that cannot load says why in its help


@pytest.mark.parametrize(("words", "args", "extra"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_real_invocation_works_or_names_the_extra(
    plain: Venv, workdir: Path, words: str, args: list[str], extra: str | None
) -> None:
    result = run(plain, workdir, words, args)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    if extra is None:
        assert "qsmith[" not in result.stderr, result.stderr
        return
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: qsmith ") and extra in line, line

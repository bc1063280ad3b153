"""Packaging and layering rules that every later change must keep."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.support.isolated import link_distributions, requirement_closure
from tests.support.shared import REPO_ROOT

CODE_DIRS = ["runtime", "codegen", "generated", "apps"]


def test_no_folder_has_a_qsmith_init() -> None:
    for folder in CODE_DIRS:
        assert not (REPO_ROOT / folder / "qsmith" / "__init__.py").exists(), folder


def test_importing_the_runtime_loads_only_httpx_and_the_standard_library() -> None:
    probe = (
        "import sys, pkgutil\n"
        "import qsmith.runtime, qsmith.runtime.schema, qsmith.runtime.errors\n"
        "banned = {'pydantic', 'jinja2', 'black', 'click', 'qsmith.codegen', 'qsmith.cli'}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in banned or "
        "any(m.startswith(b + '.') or m == b for b in banned))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_runtime_never_imports_codegen_generated_or_apps() -> None:
    forbidden = ("qsmith.codegen", "qsmith.clients", "qsmith.cli", "pydantic", "jinja2")
    for path in (REPO_ROOT / "runtime").rglob("*.py"):
        text = path.read_text()
        for name in forbidden:
            assert f"import {name}" not in text and f"from {name}" not in text, (path, name)


def test_runtime_and_a_generated_client_run_with_only_httpx_installed(tmp_path: Path) -> None:
    """The promise to users: a program using a client pays for httpx and the stdlib only.

    The client makes a real call (to a loopback server), since httpx loads with the first
    call, not with the client (docs/design/lazy-imports.md).
    """
    allowed = requirement_closure("httpx")
    site = link_distributions(allowed, tmp_path / "site")
    probe = (
        "import sys, pkgutil\n"
        f"sys.path[:0] = {[str(REPO_ROOT / 'runtime'), str(REPO_ROOT / 'generated'), str(site)]!r}\n"
        "import qsmith.runtime\n"
        "from qsmith.clients.codewhisperer_streaming import Client\n"
        "from qsmith.runtime.client import ClientConfig\n"
        "from qsmith.testing.loopback import LoopbackServer, ScriptedResponse\n"
        "with LoopbackServer() as server:\n"
        "    server.enqueue(ScriptedResponse.json(200, '{\"id\": 7}'))\n"
        "    config = ClientConfig(token='t', endpoint_url=server.url)\n"
        "    with Client(region='us-east-1', config=config) as client:\n"
        "        assert client.invoke_mcp(id=7, method='ping').id == 7\n"
        "std = sys.stdlib_module_names\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} - set(std) - {'__main__'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    loaded = set(ast.literal_eval(result.stdout))
    allowed_modules = {p.name.removesuffix(".py") for p in site.iterdir()} | {"qsmith"}
    assert loaded <= allowed_modules, loaded - allowed_modules
    assert {"qsmith", "httpx"} <= loaded

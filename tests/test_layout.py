"""Packaging and layering rules that every later change must keep."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.support.isolated import link_distributions, requirement_closure
from tests.support.shared import REPO_ROOT

CODE_DIRS = ["runtime", "codegen", "generated", "apps"]
# What the runtime may never import: the generator, the generated clients, every app, and
# the generator's third-party stack. Imports flow one way (ARCHITECTURE.md).
APP_PACKAGES = ("qsmith.cli", "qsmith.chat", "qsmith.gateway", "qsmith.login", "qsmith.telemetry")
FORBIDDEN_IN_RUNTIME = (
    "qsmith.codegen",
    "qsmith.clients",
    "qsmith.standin",
    *APP_PACKAGES,
    "pydantic",
    "jinja2",
    "black",
    "click",
)


def test_no_folder_has_a_qsmith_init() -> None:
    for folder in CODE_DIRS:
        assert not (REPO_ROOT / folder / "qsmith" / "__init__.py").exists(), folder


def test_importing_the_runtime_loads_only_httpx_and_the_standard_library() -> None:
    probe = (
        "import sys, pkgutil\n"
        "import qsmith.runtime, qsmith.runtime.schema, qsmith.runtime.errors\n"
        f"banned = {set(FORBIDDEN_IN_RUNTIME)!r}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in banned or "
        "any(m.startswith(b + '.') or m == b for b in banned))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def imported_modules(source: str) -> set[str]:
    """Every module ``source`` imports: import statements, at any depth, and
    ``importlib.import_module("...")`` calls with a literal name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_runtime_never_imports_codegen_generated_or_apps() -> None:
    offenders = sorted(
        (str(path.relative_to(REPO_ROOT)), module)
        for path in (REPO_ROOT / "runtime").rglob("*.py")
        for module in imported_modules(path.read_text(encoding="utf-8"))
        if any(is_within(module, banned) for banned in FORBIDDEN_IN_RUNTIME)
    )
    assert offenders == []


def test_the_import_scanner_sees_each_app_import() -> None:
    for app in APP_PACKAGES:
        assert imported_modules(f"def f():\n    from {app} import x\n") >= {app}
        assert imported_modules(f"import importlib\nimportlib.import_module('{app}.y')") == {
            "importlib",
            f"{app}.y",
        }
    assert not any(is_within("qsmith.runtime.telemetry", app) for app in APP_PACKAGES)


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

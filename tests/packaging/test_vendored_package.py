"""A vendored package as the README shows it: ``from myproject._vendor.q import Client``
works, and REQUIRES names third-party distributions only, never the user's own package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qsmith.codegen.vendor import vendor
from tests.codegen.test_own_models import WEATHER

PROBE = """
import sys
import myproject._vendor.q as root
assert not [m for m in sys.modules if m.startswith("myproject._vendor.q.weather")], "eager"
from myproject._vendor.q import AsyncClient, Client
from myproject._vendor.q.weather import Client as Direct
assert Client is Direct and AsyncClient.__name__ == "AsyncClient"
print(root.REQUIRES)
"""


def test_one_vendored_client_imports_from_the_package_root(tmp_path: Path) -> None:
    model = tmp_path / "weather.json"
    model.write_text(json.dumps(WEATHER), encoding="utf-8")
    report = vendor([str(model)], "myproject._vendor.q", tmp_path / "src")
    assert report.requires == ["httpx"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path / "src",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('httpx',)"


def test_several_vendored_clients_keep_their_own_paths(tmp_path: Path) -> None:
    vendor(["toolkit-telemetry", "consolas"], "app.q", tmp_path)
    init = (tmp_path / "app" / "q" / "__init__.py").read_text(encoding="utf-8")
    assert "__getattr__" not in init  # which Client would it be?
    assert "consolas" in init and "toolkit_telemetry" in init

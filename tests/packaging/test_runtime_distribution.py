"""Generated clients stand alone: ``qsmith codegen`` output needs the ``qsmith-runtime``
wheel (and its httpx) and nothing else, and says so in its requirements.txt."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from tests.codegen.test_own_models import WEATHER
from tests.support.wheels import Venv, declared_requirements

CALL_THE_CLIENT = """
import importlib.util, sys
from myproject.weather import Client
from qsmith.testing import LoopbackServer, ScriptedResponse
with LoopbackServer() as server:
    server.enqueue(ScriptedResponse.json(200, '{"name": "Lyon"}'))
    with Client(endpoint_url=server.url) as client:
        assert client.get_city(city_id="lyon-69").name == "Lyon"
    assert server.requests[0].target == "/cities/lyon-69"
absent = [m for m in ("qsmith.codegen", "qsmith.cli", "click") if importlib.util.find_spec(m)]
print("absent-ok" if not absent else absent)
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    model = out.parent / "weather.json"
    model.write_text(json.dumps(WEATHER), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["codegen", str(model), "--package", "myproject.weather", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "needs qsmith-runtime~=0.1" in result.output
    return out


def test_generated_output_declares_qsmith_runtime_as_its_one_dependency(generated: Path) -> None:
    text = (generated / "myproject" / "weather" / "requirements.txt").read_text()
    requirements = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert requirements == ["qsmith-runtime~=0.1.0"]


def test_the_runtime_wheel_needs_httpx_only(wheels: dict[str, Path]) -> None:
    assert declared_requirements(wheels["qsmith-runtime"]) == {"httpx"}
    assert declared_requirements(wheels["qsmith"]) == {"qsmith-runtime", "click"}


def test_a_generated_client_runs_with_only_the_runtime_wheel_and_httpx(
    wheels: dict[str, Path], generated: Path, tmp_path: Path
) -> None:
    venv = Venv.create(tmp_path / "venv")
    venv.install(wheels["qsmith-runtime"])
    venv.link_third_party(*declared_requirements(wheels["qsmith-runtime"]))
    result = subprocess.run(
        [str(venv.python), "-c", CALL_THE_CLIENT],
        cwd=generated,  # the user's source root: myproject/weather/ lies here
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "absent-ok"

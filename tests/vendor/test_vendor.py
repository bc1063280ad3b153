"""`qsmith vendor`: the layout, the import closure, the rewrite, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.codegen.vendor import vendor
from qsmith.codegen.vendor.closure import Source, import_closure
from qsmith.codegen.vendor.imports import import_sites, module_files
from qsmith.codegen.vendor.rewrite import leftover_problems, rewrite_source, rewriter
from qsmith.runtime.errors import CodegenError
from tests.codegen.test_own_models import WEATHER
from tests.support.scratch import importable


def test_cli_writes_the_documented_layout(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["vendor", "toolkit-telemetry", "--package", "app._vendor.q", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "app" / "_vendor" / "q"
    assert sorted(p.name for p in root.iterdir()) == [
        "__init__.py",
        "py.typed",
        "runtime",
        "toolkit_telemetry",
    ]
    assert not (tmp_path / "app" / "__init__.py").exists()  # the user's package, not ours
    init = (root / "__init__.py").read_text(encoding="utf-8")
    assert 'CLIENTS = ("toolkit_telemetry",)' in init and 'REQUIRES = ("httpx",)' in init
    client = (root / "toolkit_telemetry" / "client.py").read_text(encoding="utf-8")
    assert "from app._vendor.q.runtime.client import" in client
    assert "from app._vendor.q.toolkit_telemetry import _schema" in client
    assert "qsmith.runtime" not in client and "qsmith.clients" not in client
    assert "requires httpx" in result.output


def test_two_clients_share_one_runtime(tmp_path: Path) -> None:
    report = vendor(["consolas", "codewhisperer"], "app.q", tmp_path)
    root = tmp_path / "app" / "q"
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [
        "codewhisperer",
        "consolas",
        "runtime",
    ]
    assert report.clients == ["consolas", "codewhisperer"]
    assert 'CLIENTS = ("consolas", "codewhisperer")' in (root / "__init__.py").read_text()


def test_vendoring_again_replaces_the_tree(tmp_path: Path) -> None:
    vendor(["toolkit-telemetry"], "app.q", tmp_path)
    stale = tmp_path / "app" / "q" / "runtime" / "stale.py"
    stale.write_text("import qsmith\n", encoding="utf-8")
    vendor(["consolas"], "app.q", tmp_path)
    assert not stale.exists()
    assert not (tmp_path / "app" / "q" / "toolkit_telemetry").exists()
    assert (tmp_path / "app" / "q" / "consolas" / "client.py").is_file()


def test_a_folder_not_written_by_vendor_is_never_replaced(tmp_path: Path) -> None:
    mine = tmp_path / "app" / "q" / "mine.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(CodegenError, match="was not written by `qsmith vendor`"):
        vendor(["consolas"], "app.q", tmp_path)
    assert mine.read_text(encoding="utf-8") == "x = 1\n"


def test_unknown_service_names_the_shipped_clients(tmp_path: Path) -> None:
    with pytest.raises(CodegenError, match="codewhisperer_streaming"):
        vendor(["no-such-service"], "app.q", tmp_path)


def test_testing_only_when_asked(tmp_path: Path) -> None:
    report = vendor(["consolas"], "app.q", tmp_path, with_testing=True)
    testing = tmp_path / "app" / "q" / "testing"
    assert {p.name for p in testing.iterdir()} >= {"__init__.py", "loopback.py"}
    assert "qsmith.testing.loopback" in report.runtime_modules
    assert "from app.q.runtime" in (testing / "fake_service.py").read_text(encoding="utf-8")


def test_a_model_file_is_generated_straight_into_the_package(tmp_path: Path) -> None:
    model = tmp_path / "weather.json"
    model.write_text(json.dumps(WEATHER), encoding="utf-8")
    vendor([str(model)], "app.q", tmp_path / "src")
    client = tmp_path / "src" / "app" / "q" / "weather" / "client.py"
    assert "from app.q.weather.models import" in client.read_text(encoding="utf-8")
    with importable(tmp_path / "src", "app"):
        from app.q.weather.client import Client  # type: ignore[import-not-found]

        assert Client.__module__ == "app.q.weather.client"


def test_function_level_and_type_checking_imports_are_followed() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from qsmith.runtime.auth import identity\n"
        "def later():\n    from qsmith.runtime.serde.json import JsonCodec\n"
        "    import importlib\n    importlib.import_module('qsmith.runtime.hooks')\n"
    )
    available = module_files("qsmith.runtime")
    closure = import_closure(
        [Source("app.x", source, False, "x.py")], available, ("qsmith.runtime",)
    )
    assert {
        "qsmith.runtime",
        "qsmith.runtime.auth",
        "qsmith.runtime.auth.identity",
        "qsmith.runtime.serde",
        "qsmith.runtime.serde.json",
        "qsmith.runtime.hooks",
    } <= set(closure.modules)
    assert "qsmith.runtime.telemetry" not in closure.modules


def test_imports_outside_the_runtime_cannot_be_vendored() -> None:
    source = "from qsmith.codegen.model import load_model\n"
    with pytest.raises(CodegenError, match=r"x.py:1: imports qsmith.codegen.model"):
        import_closure(
            [Source("app.x", source, False, "x.py")],
            module_files("qsmith.runtime"),
            ("qsmith.runtime",),
        )


def test_relative_imports_resolve_against_the_package() -> None:
    sites = import_sites(
        "from . import a\nfrom ..b import c\n", "p.q.r", is_package=True, filename="f"
    )
    assert [(s.module, s.names) for s in sites] == [("p.q.r", ("a",)), ("p.q.b", ("c",))]


def test_rewrite_is_exact_and_the_scan_catches_leftovers() -> None:
    renames = {"qsmith.runtime": "app.q.runtime"}
    pattern = rewriter(renames)
    text = "import qsmith.runtime.http\nx = qsmith.runtime.http\ny = 'myqsmith.runtimes'\n"
    assert rewrite_source(text, pattern, renames) == (
        "import app.q.runtime.http\nx = app.q.runtime.http\ny = 'myqsmith.runtimes'\n"
    )
    files = {
        "runtime/__init__.py": "",
        "runtime/http.py": "import qsmith\nfrom app.q.runtime import gone\n",
        "a.py": "import importlib\nimportlib.import_module('qsmith.clients.x')\n",
    }
    problems = leftover_problems(files, "app.q")
    assert problems == [
        "a.py:2: still imports qsmith.clients.x",
        "runtime/http.py:1: still imports qsmith",
    ]

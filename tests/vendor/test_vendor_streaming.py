"""Vendor codewhisperer-streaming into a temporary project and stream from it in a fresh
interpreter (``python -S``) that can see only the vendored tree and httpx's closure."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qsmith.clients.codewhisperer_streaming import _schema
from qsmith.clients.codewhisperer_streaming.models import (
    AssistantResponseEvent,
    ChatResponseStreamAssistantResponseEvent,
)
from qsmith.codegen.vendor import VendorReport, vendor
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body
from tests.support.mypy_run import mypy_strict
from tests.vendor.isolation import isolated_site_packages

PACKAGE = "myproject._vendor.q"

CHILD = textwrap.dedent("""
    import json, sys
    from myproject._vendor.q.codewhisperer_streaming import Client
    from myproject._vendor.q.codewhisperer_streaming.models import (
        ChatMessageUserInputMessage, ConversationState, UserInputMessage,
    )
    from myproject._vendor.q.runtime.client import ClientConfig

    config = ClientConfig(region="us-east-1", token="token-canary")
    state = ConversationState(
        current_message=ChatMessageUserInputMessage(UserInputMessage(content="hi")),
        chat_trigger_type="MANUAL",
    )
    with Client(endpoint_url=sys.argv[1], config=config) as client:
        with client.generate_assistant_response(conversation_state=state) as stream:
            events = [
                [type(e).__name__, e.value.content] for e in stream if hasattr(e.value, "content")
            ]
    print(json.dumps({
        "events": events,
        "qsmith_modules": sorted(m for m in sys.modules if m.split(".")[0] == "qsmith"),
        "files": sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}),
        "path": sys.path,
    }))
    """)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, VendorReport]:
    root = tmp_path_factory.mktemp("project")
    return root, vendor(["codewhisperer-streaming"], PACKAGE, root / "src")


def _declared_requires(report: VendorReport) -> list[str]:
    tree = ast.parse((report.directory / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "REQUIRES":
            return list(ast.literal_eval(node.value))
    raise AssertionError("the vendored package declares no REQUIRES")


def test_vendored_tree_has_no_qsmith_import(project: tuple[Path, VendorReport]) -> None:
    _, report = project
    assert report.requires == ["httpx"]
    for path in report.directory.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] == "qsmith"], (
                path,
                getattr(node, "lineno", 0),
            )
    # Only what the client needs: nothing of the test doubles, telemetry or paginators.
    assert not (report.directory / "testing").exists()
    assert "qsmith.runtime.telemetry" not in report.runtime_modules
    assert "qsmith.runtime.client.paginators" not in report.runtime_modules
    assert "qsmith.runtime.client.core" in report.runtime_modules


def test_streaming_call_in_an_interpreter_without_qsmith(
    project: tuple[Path, VendorReport], loopback: LoopbackServer
) -> None:
    root, report = project
    site = root / "site"
    dists = isolated_site_packages(_declared_requires(report), site)
    assert {"httpx", "httpcore", "h11", "anyio", "idna", "certifi"} <= set(dists)
    operation = _schema.SERVICE.operations["GenerateAssistantResponse"]
    events = [
        ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content="Hello")),
        ChatResponseStreamAssistantResponseEvent(AssistantResponseEvent(content=" world")),
    ]
    body = event_stream_body(operation, events, protocol=_schema.SERVICE.protocols[0])
    loopback.enqueue(
        ScriptedResponse(
            status=200, headers=[("Content-Type", "application/vnd.amazon.eventstream")], body=body
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), str(site)])
    env["HOME"] = str(root)  # no user config or token cache
    result = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, loopback.url],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["events"] == [
        ["ChatResponseStreamAssistantResponseEvent", "Hello"],
        ["ChatResponseStreamAssistantResponseEvent", " world"],
    ]
    assert seen["qsmith_modules"] == []
    assert not [p for p in seen["path"] if "site-packages" in p]
    stdlib = os.path.dirname(os.__file__)
    allowed = (str(root / "src"), str(site), stdlib)
    assert len([f for f in seen["files"] if f.startswith(str(site))]) > 20
    outside = [f for f in seen["files"] if f and not f.startswith(allowed)]
    assert outside == [], outside
    request = loopback.requests[0]
    assert request.header("Authorization") == "Bearer token-canary"
    assert json.loads(request.body)["conversationState"]["currentMessage"] == {
        "userInputMessage": {"content": "hi"}
    }


def test_vendored_tree_is_mypy_strict_clean_on_its_own(
    project: tuple[Path, VendorReport],
) -> None:
    root, _ = project
    # cwd outside the repository: none of its mypy settings apply
    result = mypy_strict("-p", PACKAGE, cwd=root, mypy_path=[root / "src"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout

"""The generator end to end on a model that uses every shape type, trait and binding.

The whole generated tree is compared with syrupy snapshots (review a change to the
generator by reading the snapshot diff), type-checked with mypy --strict, and used: a
call through the generated client must put each member where its binding says.
"""

from __future__ import annotations

import ast
import base64
import gzip
import hashlib
import importlib
import json
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

import qsmith.clients
from qsmith.codegen.generate import generate_all
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import CallOptions, ClientConfig
from qsmith.runtime.errors import ParamValidationError
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.support.mypy_run import mypy_strict
from tests.support.scratch import forget
from tests.support.shared import REPO_ROOT

MODEL = Path(__file__).parent / "data" / "kitchen-sink.json"
PACKAGE = "kitchen_sink"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The kitchen-sink client generated into a scratch folder, importable while in use."""
    root = tmp_path_factory.mktemp("golden")
    models = root / "models"
    models.mkdir()
    (models / "kitchen-sink.json").write_text(MODEL.read_text())
    generate_all(models, root / "out", cache_dir=root / "cache")
    clients = root / "out" / "qsmith" / "clients"
    qsmith.clients.__path__.append(str(clients))
    yield clients / PACKAGE
    qsmith.clients.__path__.remove(str(clients))
    forget(f"qsmith.clients.{PACKAGE}")


@pytest.mark.parametrize(
    "name", ["__init__.py", "models.py", "errors.py", "_schema.py", "client.py", "py.typed"]
)
def test_generated_file_matches_its_snapshot(
    generated: Path, name: str, snapshot: SnapshotAssertion
) -> None:
    assert (generated / name).read_text() == snapshot


def test_generated_package_has_exactly_the_artifacts(generated: Path) -> None:
    names = sorted(p.name for p in generated.iterdir() if p.name != "__pycache__")
    assert names == ["__init__.py", "_schema.py", "client.py", "errors.py", "models.py", "py.typed"]


def test_generated_package_passes_mypy_strict(generated: Path) -> None:
    out = generated.parents[2]
    (out / "qsmith" / "clients" / "__init__.py").write_text('"""Scratch clients."""\n')
    result = mypy_strict(
        "-p",
        f"qsmith.clients.{PACKAGE}",
        cwd=out,
        mypy_path=[REPO_ROOT / "runtime", out],
        options=["--explicit-package-bases", "--namespace-packages"],
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _module(name: str) -> Any:
    return importlib.import_module(f"qsmith.clients.{PACKAGE}.{name}")


def _client(server: LoopbackServer, protocol: str = "restJson1") -> Any:
    config = ClientConfig(
        region="us-east-1",
        protocol=protocol,
        credentials=AwsCredentials("AKIDEXAMPLE", "secret"),
        idempotency_token=lambda: "token-1",
    )
    return _module("client").Client(endpoint_url=server.url, config=config)


def test_every_http_binding_lands_where_the_model_says(
    generated: Path, loopback: LoopbackServer
) -> None:
    models = _module("models")
    thing = {"id": "t1", "color": "blue", "created_at": "2026-01-02T03:04:05Z"}
    loopback.enqueue(ScriptedResponse.json(202, json.dumps(thing), headers=[("ETag", "abc")]))
    with _client(loopback) as client:
        out = client.get_thing(
            id="t 1",
            path="a/b c",
            filter=["x", "y"],
            extra={"free": "form"},
            since=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            labels=["l1", "l2"],
            meta={"one": "1"},
            encoded='{"k": 1}',
        )
    (request,) = loopback.requests
    assert request.method == "GET"
    assert request.target.split("?")[0] == "/things/t%201/a/b%20c"
    assert request.query == [("filter", "x"), ("filter", "y"), ("free", "form")]
    assert request.header("X-Since") == "Fri, 02 Jan 2026 03:04:05 GMT"
    assert request.header("X-Labels") == "l1, l2"
    assert request.header("X-Meta-one") == "1"
    assert request.header("X-Json") == base64.b64encode(b'{"k": 1}').decode()
    assert request.header("X-Token") == "token-1"
    assert out.status == 202 and out.etag == "abc"
    assert isinstance(out.thing, models.Thing)
    assert out.thing.color == "blue"  # an enum value the model does not know survives
    assert out.thing.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_host_prefix_and_checksum_are_applied_and_a_bad_label_refused(
    generated: Path, loopback: LoopbackServer
) -> None:
    models = _module("models")
    schema = _module("_schema")
    request_type = models.PutThingInput
    thing = models.Thing(id="x", flag=None)
    with _client(loopback) as client:
        core = client._core
        request = core.build_request(
            schema.PUT_THING_OPERATION, request_type(thing=thing, region="us-west-2"), CallOptions()
        )
        assert request.host == "us-west-2.127.0.0.1"
        assert request.body and isinstance(request.body, bytes)
        digest = base64.b64encode(hashlib.md5(request.body).digest()).decode()
        assert request.header("Content-MD5") == digest
        with pytest.raises(ParamValidationError, match="region"):
            client.put_thing(thing=thing, region="bad host!")
    assert not loopback.requests


def test_a_large_body_is_gzipped_unsigned_and_unit_output_is_none(
    generated: Path, loopback: LoopbackServer
) -> None:
    loopback.enqueue(ScriptedResponse(status=200))
    text = "compress me " * 2000
    with _client(loopback) as client:
        assert client.compress(text=text) is None
    (request,) = loopback.requests
    assert request.header("Content-Encoding") == "gzip"
    assert gzip.decompress(request.body).decode() == text
    assert request.header("Authorization") is None  # @auth([]): no identity needed


def test_sensitive_members_are_masked_in_reprs(generated: Path) -> None:
    models = _module("models")
    thing = models.Thing(id="t", flag=None, secret="canary-secret")
    label = models.ShapeLabel("canary-label")
    assert "canary" not in repr(thing) and "canary" not in repr(label)
    assert "*** Sensitive Data Redacted ***" in repr(thing)


def test_modeled_error_is_raised_with_its_members(
    generated: Path, loopback: LoopbackServer
) -> None:
    errors = _module("errors")
    body = json.dumps({"message": "gone", "resource": "t1", "fields": ["a"]})
    loopback.enqueue(
        ScriptedResponse.json(
            404, body, headers=[("x-amzn-ErrorType", "NotFound"), ("x-amzn-RequestId", "r-9")]
        )
    )
    with _client(loopback) as client, pytest.raises(errors.NotFound) as caught:
        client.get_thing(id="a", path="b")
    error = caught.value
    assert isinstance(error, errors.KitchenSinkError)
    assert (error.message, error.resource, error.fields) == ("gone", "t1", ["a"])
    assert (error.http_status, error.request_id, error.code) == (404, "r-9", "NotFound")


def test_error_classes_declare_code_status_fault_and_retryability(generated: Path) -> None:
    errors = _module("errors")
    not_found = errors.NotFound(message="gone", resource="r1")
    assert (not_found.code, not_found.http_status, not_found.fault) == ("NotFound", 404, "client")
    assert not_found.retryable is False and not_found.resource == "r1"
    assert str(not_found).startswith("NotFound: gone")
    assert errors.StreamFailure().fault == "server"
    # What the answer said wins over the class's statement.
    assert errors.NotFound(http_status=410, code="Gone").http_status == 410
    assert "def __init__" not in (generated / "errors.py").read_text()


def test_enum_members_are_annotated_with_the_enum_or_any_string(generated: Path) -> None:
    models = _module("models")
    hints = typing.get_type_hints(models.Thing, vars(models))
    assert {models.Color, str} <= set(typing.get_args(hints["color"]))
    assert models.Thing(id="t", flag=None, color=models.Color.RED).color == "red"


def test_each_union_alias_follows_its_own_variants(generated: Path) -> None:
    tree = ast.parse((generated / "models.py").read_text())
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            alias = node.target.id
            previous = tree.body[index - 1]
            assert isinstance(previous, ast.ClassDef) and previous.name == f"{alias}Unknown"
            assert isinstance(node.value, ast.BinOp)  # A | B | ...Unknown
            variants = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            before = tree.body[index - len(variants) : index]
            defined = {n.name for n in before if isinstance(n, ast.ClassDef)}
            assert variants == defined, alias


def test_undocumented_shapes_get_no_invented_docstring(generated: Path) -> None:
    text = (generated / "models.py").read_text() + (generated / "errors.py").read_text()
    assert "Known values of" not in text and "The service answered with" not in text
    client = (generated / "client.py").read_text()
    assert " operation." not in client.replace("Every page of", "")

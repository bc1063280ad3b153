"""Models that once broke the generator: each generates, imports, constructs, and the lot
passes mypy --strict.

The models are the shared generator repros (one per failure class found on real AWS
models) and ``data/name-clashes/``, which collides with every name the generator writes:
enum members named like str and int methods, members whose snake_case meets, a shape
``GetOperation`` beside an operation ``Get``, the base error's own name, a union's
``<Union>Unknown``, an operation ``Close``, input members named like the methods' locals,
and documentation holding quotes, backslashes and control characters.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qsmith.clients
from qsmith.codegen.generate import generate_all
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientBase, ClientConfig
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.values import UnknownUnionMember
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.support.shared import REPO_ROOT, shared_path

CLASHES = Path(__file__).parent / "data" / "name-clashes" / "name-clashes.json"
# The shared repros, by failure class; the proto_* ones are protocol combinations.
REPROS = (
    "doc_trailing_quote",
    "enum_member_count",
    "http_error_308",
    "proto_awsquery_only",
    "proto_cbor_and_json",
    "proto_cbor_only",
    "proto_restxml_only",
)
PACKAGES = (*REPROS, "name_clashes")
# Protocols the runtime may not speak yet (another change adds them): their clients
# generate and import, and constructing one either works or names the protocol.
NOT_YET_SPOKEN = {"proto_awsquery_only", "proto_cbor_only", "proto_restxml_only"}


@pytest.fixture(scope="module")
def clients_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("repros")
    models = root / "models"
    models.mkdir()
    repros = shared_path("vectors", "generator-repros")
    for name in REPROS:
        shutil.copy(repros / f"{name}.json", models)
    shutil.copy(CLASHES, models)
    report = generate_all(models, root / "out", cache_dir=root / "cache")
    assert sorted(report.generated) == sorted(PACKAGES)
    clients = root / "out" / "qsmith" / "clients"
    qsmith.clients.__path__.append(str(clients))
    yield clients
    qsmith.clients.__path__.remove(str(clients))
    for name in [m for m in sys.modules if m.startswith("qsmith.clients.")]:
        if any(name.split(".")[2] == p for p in PACKAGES):
            del sys.modules[name]


def _module(package: str, name: str) -> Any:
    return importlib.import_module(f"qsmith.clients.{package}.{name}")


@pytest.mark.parametrize("package", PACKAGES)
def test_repro_imports_and_constructs_both_clients(clients_dir: Path, package: str) -> None:
    client_module = _module(package, "client")
    for name in ("models", "errors", "_schema"):
        _module(package, name)
    # The repros have no endpoint rules: an endpoint is given (nothing is sent).
    where = {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:9"}
    try:
        with client_module.Client(**where):
            pass
        assert client_module.AsyncClient(**where) is not None
    except ConfigError as exc:
        assert package in NOT_YET_SPOKEN and "no protocol qsmith supports" in str(exc)


def test_repros_pass_mypy_strict(clients_dir: Path) -> None:
    out = clients_dir.parents[1]
    (clients_dir / "__init__.py").write_text('"""Scratch clients."""\n')
    env = {**os.environ, "MYPYPATH": f"{REPO_ROOT / 'runtime'}{os.pathsep}{out}"}
    packages = [arg for p in PACKAGES for arg in ("-p", f"qsmith.clients.{p}")]
    flags = ["--strict", "--explicit-package-bases", "--namespace-packages", "--no-incremental"]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *flags, *packages],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_doc_ending_in_a_quote_is_kept_whole(clients_dir: Path) -> None:
    docs = _field_docs(clients_dir / "doc_trailing_quote" / "models.py", "OpInput")
    assert docs == {"resource_type": 'The type of the resource."'}


def test_awkward_docs_survive_as_written(clients_dir: Path) -> None:
    docs = _field_docs(clients_dir / "name_clashes" / "models.py", "GetInput")
    assert docs["request"] == 'Ends in a quote: "quoted"'
    assert docs["response"] == 'Triple quotes """ inside, and four """" at the end""""'
    assert docs["call"] == "A backslash \\ and an escape-looking \\n and a trailing backslash \\"
    # Whitespace folds (the carriage return, the no-break space); the rest stays.
    assert docs["page"] == "Controls \x00 \x07 and a lone surrogate \ud800 and a non-breaking space"


def _field_docs(path: Path, class_name: str) -> dict[str, str]:
    """Attribute docstrings of one class: the string statement after each annotation."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    docs: dict[str, str] = {}
    for before, after in zip(cls.body, cls.body[1:], strict=False):
        annotated = isinstance(before, ast.AnnAssign) and isinstance(before.target, ast.Name)
        if annotated and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            assert isinstance(before, ast.AnnAssign) and isinstance(before.target, ast.Name)
            docs[before.target.id] = str(after.value.value)
    return docs


def test_http_error_308_is_generated_with_its_status(clients_dir: Path) -> None:
    schema = _module("http_error_308", "_schema")
    assert schema.REDIRECT_EXCEPTION.http_error == 308


def test_enum_members_named_like_methods_keep_the_methods(clients_dir: Path) -> None:
    models = _module("name_clashes", "models")
    assert models.StrMethods("v-count") is models.StrMethods.count_
    assert models.StrMethods.count_.count("-") == 1  # str.count still works
    assert models.StrMethods("v-count_") is models.StrMethods.count__
    assert models.StrMethods("v-replace").replace("v-", "") == "replace"
    assert models.StrMethods("v-name").name == "name_"
    assert models.StrMethods("v-__dunder__") is models.StrMethods.dunder__
    assert models.StrMethods("v-mro") is models.StrMethods.mro_
    assert models.IntMethods(8).real == 8 and models.IntMethods.real_ == 8
    assert len(models.StrMethods) == len(
        json.loads(CLASHES.read_text())["shapes"]["example.clashes#StrMethods"]["members"]
    )
    count = _module("enum_member_count", "models").AggFunction.count_
    assert count == "count"


def test_every_generated_namespace_renames_instead_of_clashing(clients_dir: Path) -> None:
    models = _module("name_clashes", "models")
    errors = _module("name_clashes", "errors")
    schema = _module("name_clashes", "_schema")
    client = _module("name_clashes", "client").Client
    # The operation keeps X_OPERATION; the shape XOperation yields.
    assert schema.GET_OPERATION.id == "example.clashes#Get"
    assert schema.GET_OPERATION_.id == "example.clashes#GetOperation"
    # Operations are named in shape-id order: GetThing before Get_Thing.
    assert schema.GET_THING_OPERATION.id == "example.clashes#GetThing"
    assert schema.GET_THING_OPERATION_.id == "example.clashes#Get_Thing"
    # The modelled ClashesError keeps its name; the base class takes another.
    assert issubclass(errors.ClashesError, errors.ClashesServiceError)
    assert schema.SERVICE.error_type is errors.ClashesServiceError
    # A shape named <Union>Unknown and a variant's class name taken by a shape.
    assert models.ShapeUnknown.__dataclass_fields__.keys() == {"tag"}
    assert issubclass(models.ShapeUnknown_, UnknownUnionMember)
    assert models.ShapeCircleVariant.member_name == "circle"
    # Members meeting in snake_case, and one named like a dataclass helper.
    fields = models.GetInput.__dataclass_fields__
    assert {"foo_bar", "foo_bar_", "field_", "items"} <= fields.keys()
    assert models.GetInput().items == []
    # An operation named like the client's close() does not replace it.
    assert client.close is ClientBase.close
    assert callable(client.close_) and callable(client.get_thing_)


def test_input_member_named_like_a_local_reaches_the_wire(
    clients_dir: Path, loopback: LoopbackServer
) -> None:
    client_module = _module("name_clashes", "client")
    config = ClientConfig(region="us-east-1", credentials=AwsCredentials("AKID", "secret"))
    loopback.enqueue(ScriptedResponse.json(200, "{}"))
    loopback.enqueue(ScriptedResponse.json(200, "{}"))
    with client_module.Client(endpoint_url=loopback.url, config=config) as client:
        client.get(request="r", response="s", call="c", page="p", foo_bar="1", foo_bar_="2")
        assert list(client.paginate_list_(request="again")) != []
    first, second = (json.loads(r.body) for r in loopback.requests)
    assert first == {
        **{"request": "r", "response": "s", "call": "c", "page": "p"},
        **{"fooBar": "1", "foo_bar": "2", "items": []},
    }
    assert second == {"request": "again"}

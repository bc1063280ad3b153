"""Generated clients name their model classes in the schema and load them on first use.

Importing a client package and constructing its ``Client`` must not import the service's
``models`` module (the largest module of a client; see the import-time target of issue #6),
so ``_schema`` names those classes with ``TypeRef`` and ``client`` imports them only for
type checking. These tests hold every name to a real class, and the laziness to what a
fresh interpreter actually loads.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

import qsmith.clients
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TypeRef

SERVICES = sorted(m.name for m in pkgutil.iter_modules(qsmith.clients.__path__) if m.ispkg)


def _schemas(module: object) -> Iterator[Schema]:
    """Every shape constant of a generated ``_schema`` module."""
    for value in vars(module).values():
        if isinstance(value, Schema):
            yield value


@pytest.mark.parametrize("service", SERVICES)
def test_every_type_ref_of_a_schema_names_a_class_of_its_models_module(service: str) -> None:
    schema_module = importlib.import_module(f"qsmith.clients.{service}._schema")
    models = importlib.import_module(f"qsmith.clients.{service}.models")
    refs: list[tuple[str, TypeRef]] = []
    for schema in _schemas(schema_module):
        if isinstance(schema.python_type_ref, TypeRef):
            refs.append((schema.id, schema.python_type_ref))
        for member in schema.members.values():
            if isinstance(member.variant_type_ref, TypeRef):
                refs.append((f"{schema.id}${member.name}", member.variant_type_ref))
    assert refs, "a generated schema names its model classes lazily"
    for where, ref in refs:
        assert ref.module == models.__name__, where
        assert ref.resolve() is getattr(models, ref.name), where


@pytest.mark.parametrize("service", SERVICES)
def test_every_structure_and_union_schema_resolves_to_a_class(service: str) -> None:
    schema_module = importlib.import_module(f"qsmith.clients.{service}._schema")
    for schema in _schemas(schema_module):
        if schema.type.value in ("structure", "union"):
            assert isinstance(schema.python_type, type), schema.id


LAZY_START = """
import sys
from qsmith.clients.{service} import Client
from qsmith.runtime.client import ClientConfig
client = Client(region="us-east-1", endpoint_url="http://127.0.0.1:9", config=ClientConfig(token="t"))
print("models" if "qsmith.clients.{service}.models" in sys.modules else "no models")
operation = next(iter(client._core.service.operations.values()))
operation.input.python_type
print("models" if "qsmith.clients.{service}.models" in sys.modules else "no models")
"""


# Both are bearer-token services: the token is all the identity construction needs.
@pytest.mark.parametrize("service", ["codewhisperer_streaming", "codewhisperer"])
def test_constructing_a_client_leaves_its_models_unloaded_until_first_needed(
    service: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LAZY_START.format(service=service)],
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["no models", "models"]


def test_a_type_ref_to_something_not_a_class_fails_clearly() -> None:
    ref = TypeRef("qsmith.runtime.schema", "NO_DEFAULT")
    with pytest.raises(TypeError, match=r"qsmith\.runtime\.schema\.NO_DEFAULT is not a class"):
        ref.resolve()


def test_a_schema_given_a_class_directly_returns_it() -> None:
    schema = Schema(id="a#B", type=ShapeType.STRUCTURE, python_type_ref=dict)
    member = MemberSchema(name="m", python_name="m", target_ref=schema, variant_type_ref=int)
    assert (schema.python_type, member.variant_type) == (dict, int)

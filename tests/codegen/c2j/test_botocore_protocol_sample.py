"""A sample of real AWS models across every protocol, generated into one folder, imported,
both clients constructed, and the whole folder ``mypy --strict`` clean.

The sample is deterministic for the installed botocore: per protocol (the first one the
C2J metadata names; awsJson split by ``jsonVersion``), the smallest service models by
file size, so mypy stays quick. ec2Query has only EC2, whose model is too large for a
mypy run here; tests/codegen/test_ec2_round_trip.py drives a pruned EC2 model. AWS's own
Smithy models in ../shared join the folder: the smallest one per protocol there.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import botocore  # type: ignore[import-untyped]
import pytest

from qsmith.codegen.model import load_model
from qsmith.codegen.plan.build import build_service_plan
from qsmith.codegen.render import render_unformatted, write_package
from tests.support.mypy_run import mypy_strict
from tests.support.shared import REPO_ROOT, shared_path
from tools.botocore_sweep import SCRATCH, Outcome, service_models, sweep_one

DATA = Path(botocore.__file__).parent / "data"
PER_PROTOCOL = 4
# restXml has four models, two of them (s3, cloudfront) too large for a quick mypy run.
FEWER = {"rest-xml": 2}
PROTOCOL_TRAITS = {
    "json1.0": "aws.protocols#awsJson1_0",
    "json1.1": "aws.protocols#awsJson1_1",
    "rest-json": "aws.protocols#restJson1",
    "query": "aws.protocols#awsQuery",
    "rest-xml": "aws.protocols#restXml",
    "smithy-rpc-v2-cbor": "smithy.protocols#rpcv2Cbor",
}

# The smallest of AWS's Smithy models in ../shared for each protocol they cover.
SMITHY_MODELS = {
    "sso": ("aws-models", "sso/service/2019-06-10/sso-2019-06-10.json", "restJson1"),
    "sts": ("aws-models", "sts/service/2011-06-15/sts-2011-06-15.json", "awsQuery"),
    "secretsmanager": (
        "aws-models",
        "secrets-manager/service/2017-10-17/secrets-manager-2017-10-17.json",
        "awsJson1_1",
    ),
}


def _protocol(path: Path) -> str:
    metadata = json.loads(gzip.decompress(path.read_bytes()))["metadata"]
    first = (metadata.get("protocols") or [metadata["protocol"]])[0]
    return f"json{metadata.get('jsonVersion', '1.0')}" if first == "json" else str(first)


def _sample() -> dict[str, list[str]]:
    """protocol -> its PER_PROTOCOL smallest services (name breaks a size tie)."""
    by_protocol: dict[str, list[tuple[int, str]]] = {}
    for name, path in service_models(DATA):
        by_protocol.setdefault(_protocol(path), []).append((path.stat().st_size, name))
    return {
        protocol: [
            name
            for _, name in sorted(by_protocol.get(protocol, []))[
                : FEWER.get(protocol, PER_PROTOCOL)
            ]
        ]
        for protocol in PROTOCOL_TRAITS
    }


SAMPLE = _sample()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Outcome]]]:
    out = tmp_path_factory.mktemp("protocol-sample")
    (out / SCRATCH).mkdir()
    (out / SCRATCH / "__init__.py").write_text("")
    sys.path.insert(0, str(out))
    outcomes = [
        sweep_one(service, path, out=out)
        for services in SAMPLE.values()
        for service, path in service_models(DATA, services)
    ]
    for name, (folder, file, _) in SMITHY_MODELS.items():
        _generate_smithy(shared_path("vectors", folder, "api-models-aws", file), name, out)
    yield out, outcomes
    sys.path.remove(str(out))
    for name in [m for m in sys.modules if m == SCRATCH or m.startswith(f"{SCRATCH}.")]:
        del sys.modules[name]


def _generate_smithy(source: Path, name: str, out: Path) -> None:
    model = load_model(source)
    (service,) = model.services()
    module = f"{SCRATCH}.smithy_{name}"
    plan = build_service_plan(model, service.id, f"smithy_{name}", module=module)
    write_package(render_unformatted(plan), out / SCRATCH / f"smithy_{name}")


def test_the_sample_spans_every_protocol_with_at_least_two_models() -> None:
    assert sum(len(services) for services in SAMPLE.values()) >= 20
    assert {p: len(s) for p, s in SAMPLE.items() if len(s) < 2} == {}


def test_every_sampled_model_generates_imports_and_constructs(
    generated: tuple[Path, list[Outcome]],
) -> None:
    _, outcomes = generated
    failures = {o.service: o.error for o in outcomes if o.error}
    assert failures == {}
    assert all(o.converted and o.generated and o.constructed is True for o in outcomes)
    protocol_of = {s: p for p, services in SAMPLE.items() for s in services}
    for outcome in outcomes:
        assert PROTOCOL_TRAITS[protocol_of[outcome.service]] in outcome.protocols


def test_the_sample_folder_is_mypy_strict_clean(generated: tuple[Path, list[Outcome]]) -> None:
    root, _ = generated
    config = root / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = True\npython_version = 3.11\n"
        "explicit_package_bases = True\nnamespace_packages = True\n"
    )
    path = [root, REPO_ROOT / "runtime"]
    result = mypy_strict("-p", SCRATCH, cwd=root, mypy_path=path, config=config)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    checked = int(result.stdout.split(" source files")[0].rpartition(" ")[2])
    packages = sum(len(services) for services in SAMPLE.values()) + len(SMITHY_MODELS)
    assert checked >= 5 * packages, result.stdout


@pytest.mark.parametrize("name", sorted(SMITHY_MODELS))
def test_the_shared_smithy_models_construct_both_clients(
    generated: tuple[Path, list[Outcome]], name: str
) -> None:
    client = importlib.import_module(f"{SCRATCH}.smithy_{name}.client")
    schema = importlib.import_module(f"{SCRATCH}.smithy_{name}._schema")
    assert f"aws.protocols#{SMITHY_MODELS[name][2]}" in schema.SERVICE.protocols
    where = {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:9"}
    with client.Client(**where):
        pass
    client.AsyncClient(**where)

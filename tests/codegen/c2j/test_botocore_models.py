"""botocore's own service models convert and generate: a deterministic sample here, every
one of them with ``tools/botocore_sweep.py`` (its figures are in docs/design/c2j-import.md).

The sample is every 38th service folder in name order plus the models that once failed
(a doc string ending in a quote, ``@httpError(308)``, names clashing in case or with an
operation, shapes named like the base error). Every client is imported and its sync and
async clients constructed, whatever its protocol.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import botocore  # type: ignore[import-untyped]
import pytest

from qsmith.codegen.c2j import load_c2j
from tools.botocore_sweep import SCRATCH, service_models, sweep_one

DATA = Path(botocore.__file__).parent / "data"
ONCE_FAILED = (
    "athena",  # a shape AthenaError, the base error's name
    "backup",  # a one-line doc string ending in a quote
    "ec2",  # MaxResults and maxResults; ec2Query
    "license-manager",  # @httpError(308)
    "medialive",  # shapes named like operations (BatchDelete)
    "sts",  # JWTPayloadSizeExceededException and jwtPayloadSizeExceededException; awsQuery
)


def _sample() -> list[str]:
    every = [name for name, _ in service_models(DATA)]
    return sorted({*every[::38], *ONCE_FAILED})


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("botocore")
    sys.path.insert(0, str(out))
    yield out
    sys.path.remove(str(out))
    for name in [m for m in sys.modules if m == SCRATCH or m.startswith(f"{SCRATCH}.")]:
        del sys.modules[name]


def test_the_sample_is_large_and_spans_protocols() -> None:
    assert len(_sample()) >= 15


@pytest.mark.parametrize("service", _sample())
def test_botocore_model_converts_generates_and_constructs(scratch: Path, service: str) -> None:
    (path,) = [p for name, p in service_models(DATA, [service])]
    outcome = sweep_one(service, path, out=scratch)
    assert outcome.error is None, outcome.error
    assert outcome.converted and outcome.generated and outcome.constructed is True


@pytest.mark.parametrize(
    ("service", "protocol"),
    [
        ("sts", "aws.protocols#awsQuery"),
        ("ec2", "aws.protocols#ec2Query"),
        ("s3", "aws.protocols#restXml"),
        ("cloudwatch", "smithy.protocols#rpcv2Cbor"),
        ("kinesis", "aws.protocols#awsJson1_1"),
        ("lambda", "aws.protocols#restJson1"),
    ],
)
def test_every_c2j_protocol_name_becomes_its_trait(service: str, protocol: str) -> None:
    (path,) = [p for name, p in service_models(DATA, [service])]
    shapes = load_c2j(path).model["shapes"]
    (service_shape,) = [s for s in shapes.values() if s["type"] == "service"]
    assert protocol in service_shape["traits"]


def test_case_insensitive_clashes_are_renamed_with_a_warning() -> None:
    (path,) = [p for name, p in service_models(DATA, ["sts"])]
    conversion = load_c2j(path)
    shapes = conversion.model["shapes"]
    # The error keeps its name (it is the error code); the string shape yields.
    error = shapes["com.amazonaws.sts#JWTPayloadSizeExceededException"]
    assert "smithy.api#error" in error["traits"]
    assert shapes["com.amazonaws.sts#jwtPayloadSizeExceededException_2"]["type"] == "string"
    assert error["members"]["message"]["target"].endswith("#jwtPayloadSizeExceededException_2")
    assert any(
        w.where == "shapes.jwtPayloadSizeExceededException" and "renamed" in w.message
        for w in conversion.warnings
    )

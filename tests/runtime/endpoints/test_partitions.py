"""Our partitions module against the public partitions data, field by field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qsmith.runtime.endpoints.aws_functions import AWS_PARTITIONS
from qsmith.runtime.endpoints.partitions import PARTITIONS, PARTITIONS_VERSION
from tests.support.shared import shared_path


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    path = shared_path("vectors", "endpoints", "partitions", "partitions.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_same_partitions_in_the_same_order(upstream: dict[str, Any]) -> None:
    assert upstream["version"] == PARTITIONS_VERSION
    assert [p.id for p in PARTITIONS] == [p["id"] for p in upstream["partitions"]]


def test_every_partition_has_the_same_outputs_pattern_and_regions(upstream: dict[str, Any]) -> None:
    ours = {p.id: p for p in PARTITIONS}
    for theirs in upstream["partitions"]:
        partition = ours[theirs["id"]]
        assert partition.outputs() == theirs["outputs"], theirs["id"]
        assert partition.region_regex == theirs["regionRegex"], theirs["id"]
        assert dict(partition.regions) == theirs["regions"], theirs["id"]


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("aws-global", "aws"),
        ("us-gov-west-1", "aws-us-gov"),
        ("cn-north-5", "aws-cn"),  # pattern, not listed
        ("us-isob-east-1", "aws-iso-b"),
        ("eusc-de-east-1", "aws-eusc"),
        ("mars-global", "aws"),  # neither listed nor matched: the aws partition
    ],
)
def test_partition_lookup(region: str, partition: str) -> None:
    outputs = AWS_PARTITIONS.outputs(region)
    assert outputs is not None and outputs["name"] == partition


def test_known_regions() -> None:
    assert AWS_PARTITIONS.is_known_region("eu-west-3")
    assert AWS_PARTITIONS.is_known_region("us-east-10")  # matches the aws pattern
    assert not AWS_PARTITIONS.is_known_region("mars-global")
    assert not AWS_PARTITIONS.is_known_region("useast1")

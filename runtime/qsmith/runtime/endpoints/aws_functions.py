"""The AWS extensions to the rules engine: ``aws.partition``, ``aws.parseArn`` and
``aws.isVirtualHostableS3Bucket``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from qsmith.runtime.endpoints.partitions import PARTITIONS, Partition

_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\Z")
_BUCKET_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z")
_IPV4_LIKE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}\Z")
_ARN_RESOURCE_SEPARATORS = re.compile(r"[:/]")


class PartitionTable:
    """Chooses a partition for a region and caches each region's outputs."""

    _MAX_CACHED = 512

    def __init__(self, partitions: tuple[Partition, ...]) -> None:
        self._partitions = partitions
        self._by_region = {r: p for p in partitions for r in p.regions}
        self._patterns: list[tuple[re.Pattern[str], Partition]] | None = None
        self._cache: dict[str, dict[str, Any]] = {}

    def partition_for(self, region: str) -> Partition:
        """The partition that lists ``region``, else whose pattern matches it, else ``aws``."""
        listed = self._by_region.get(region)
        if listed is not None:
            return listed
        if self._patterns is None:
            self._patterns = [(re.compile(p.region_regex), p) for p in self._partitions]
        for pattern, partition in self._patterns:
            if pattern.match(region):
                return partition
        return next(p for p in self._partitions if p.id == "aws")

    def is_known_region(self, region: str) -> bool:
        """True when a partition lists the region or its pattern matches it."""
        if region in self._by_region:
            return True
        if self._patterns is None:
            self.partition_for(region)
        assert self._patterns is not None
        return any(pattern.match(region) for pattern, _ in self._patterns)

    def outputs(self, region: Any) -> dict[str, Any] | None:
        """What ``aws.partition(region)`` returns (shared; callers must not mutate it)."""
        if not isinstance(region, str):
            return None
        cached = self._cache.get(region)
        if cached is not None:
            return cached
        partition = self.partition_for(region)
        result = partition.outputs()
        overrides = partition.regions.get(region)
        if overrides:
            result.update((k, v) for k, v in overrides.items() if k in result)
        if len(self._cache) < self._MAX_CACHED:
            self._cache[region] = result
        return result


AWS_PARTITIONS = PartitionTable(PARTITIONS)


def parse_arn(value: Any) -> dict[str, Any] | None:
    """Split ``arn:partition:service:region:account:resource``; region and account may be empty."""
    if not isinstance(value, str):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    if not partition or not service or not resource:
        return None
    return {
        "partition": partition,
        "service": service,
        "region": region,
        "accountId": account,
        "resourceId": _ARN_RESOURCE_SEPARATORS.split(resource),
    }


def is_virtual_hostable_s3_bucket(value: Any, allow_sub_domains: Any) -> bool:
    """True when a bucket name can be used as a DNS host label (or labels, if allowed)."""
    if not isinstance(value, str) or not 3 <= len(value) <= 63:
        return False
    if not allow_sub_domains:
        return _BUCKET.match(value) is not None
    if _IPV4_LIKE.match(value):
        return False
    return all(_BUCKET_LABEL.match(label) for label in value.split("."))


def make_aws_library(
    table: PartitionTable = AWS_PARTITIONS,
) -> dict[str, tuple[Callable[..., Any], int, bool]]:
    """The AWS functions, with ``aws.partition`` bound to ``table``."""
    return {
        "aws.partition": (table.outputs, 1, False),
        "aws.parseArn": (parse_arn, 1, False),
        "aws.isVirtualHostableS3Bucket": (is_virtual_hostable_s3_bucket, 2, True),
    }

"""Our own services' endpoint rule sets, for every region we know.

The rule sets are the public ones the Amazon Q clients ship (``../shared/upstream``:
codewhisperer and qdeveloper-streaming as rule trees, codewhisperer-streaming as a decision
diagram). The expected hosts are the patterns recorded in ``upstream/extracted/REPORT.md``.
consolas and toolkit-telemetry ship no rules (static endpoints), so they have none here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qsmith.runtime.endpoints import EndpointResolutionError, compile_rule_set
from qsmith.runtime.endpoints.partitions import PARTITIONS
from tests.runtime.endpoints.vectors import codewhisperer_bdd
from tests.support.shared import shared_path

REGIONS = sorted(r for p in PARTITIONS for r in p.regions if not r.endswith("-global"))

RULE_TREES = {
    "codewhisperer": ("amzn-codewhisperer-client", "https://codewhisperer.{region}.amazonaws.com"),
    "qdeveloper-streaming": (
        "amzn-qdeveloper-streaming-client",
        "https://q.{region}.amazonaws.com",
    ),
}


def _rule_tree(service: str) -> dict[str, Any]:
    folder = RULE_TREES[service][0]
    path = shared_path("upstream", folder, "aws-language-servers", "ruleset.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", sorted(RULE_TREES))
def test_rule_tree_services_per_region(service: str) -> None:
    rule_set = compile_rule_set(_rule_tree(service))
    pattern = RULE_TREES[service][1]
    for region in REGIONS:
        endpoint = rule_set.resolve({"region": region})
        assert endpoint.url == pattern.format(region=region)
        assert endpoint.auth_schemes == [{"name": "sigv4", "signingRegion": region}]
    assert rule_set.resolve({}).url == pattern.format(region="us-east-1")  # the default region
    custom = rule_set.resolve({"region": "eu-central-1", "endpoint": "http://127.0.0.1:8080"})
    assert custom.url == "http://127.0.0.1:8080"


def test_codewhisperer_streaming_per_region() -> None:
    shared_path("vectors", "endpoints", "codewhisperer")
    rule_set = compile_rule_set(codewhisperer_bdd())
    by_partition = {p.id: p for p in PARTITIONS}
    for partition in by_partition.values():
        for region in partition.regions:
            if region.endswith("-global"):
                continue
            url = rule_set.resolve({"Region": region, "UseFIPS": False, "UseDualStack": False}).url
            host = f"amazoncodewhispererstreamingservice.{region}."
            assert url == f"https://{host}{partition.dns_suffix}", region
            dual = rule_set.resolve({"Region": region, "UseFIPS": False, "UseDualStack": True}).url
            assert dual == f"https://{host}{partition.dual_stack_dns_suffix}", region
    with pytest.raises(EndpointResolutionError, match="Missing Region"):
        rule_set.resolve({})

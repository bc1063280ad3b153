"""Endpoint resolutions per second on a real rule set, against botocore's resolver.

Rule set: DynamoDB (the largest in ../shared/vectors/endpoints/aws-services), resolved for
the parameter sets of its own endpoint tests that yield an endpoint (a mix of regions in
every partition, FIPS, dual-stack, custom endpoints, account-id routing). Baseline:
botocore's ``EndpointProvider`` on the same rule set and parameters, timed through its
rule set's ``evaluate`` (its per-provider LRU cache would otherwise time dict lookups);
both results are checked equal first. Also timed: the same service's ``endpointBdd`` form.
Run: ``.venv/bin/python benchmarks/endpoints.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qsmith.runtime.endpoints import EndpointResolutionError, compile_rule_set

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("QSMITH_SHARED") or ROOT.parent / "shared")
RULES = SHARED / "vectors" / "endpoints" / "aws-services" / "dynamodb.json"
MODEL = SHARED / "vectors" / "aws-models" / "smithy-rs" / "dynamodb.json"


Resolver = Callable[[dict[str, Any]], Any]


def one_run(resolve: Resolver, params: list[dict[str, Any]], seconds: float) -> float:
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for p in params:
            resolve(p)
        count += len(params)
    return count / elapsed


def rates(contenders: list[tuple[Resolver, list[dict[str, Any]]]], rounds: int = 5) -> list[float]:
    """Resolutions per second of each contender, best of ``rounds`` interleaved runs.

    Interleaving keeps a busy machine from favouring whichever contender ran first, and
    CPU time (not wall time) keeps other processes on a shared machine out of the figures.
    """
    best = [0.0] * len(contenders)
    for _ in range(rounds):
        for i, (resolve, params) in enumerate(contenders):
            best[i] = max(best[i], one_run(resolve, params, 0.3))
    return best


def for_botocore(params: dict[str, Any]) -> dict[str, Any]:
    """botocore wants string arrays as tuples."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def main() -> int:
    if not RULES.exists():
        print(f"shared data missing: {RULES}")
        return 1
    from botocore.endpoint_provider import EndpointProvider
    from botocore.loaders import create_loader

    data = json.loads(RULES.read_text())
    rule_set = data["endpointRuleSet"]
    ours = compile_rule_set(rule_set)
    botocore = EndpointProvider(rule_set, create_loader().load_data("partitions"))

    params = []
    for case in data["endpointTests"]["testCases"]:
        p = case.get("params") or {}
        if "endpoint" not in case["expect"]:
            continue
        try:
            mine = ours.resolve(p)
        except EndpointResolutionError:
            continue
        try:
            theirs = botocore.ruleset.evaluate(for_botocore(p))
        except Exception:
            continue
        if theirs is not None and theirs.url == mine.url:
            params.append(p)
    regions = sorted({p.get("Region", "-") for p in params})
    print(f"rule set: DynamoDB, {len(params)} parameter sets, {len(regions)} regions")

    boto_params = [for_botocore(p) for p in params]
    contenders: list[tuple[Resolver, list[dict[str, Any]]]] = [
        (ours.resolve, params),
        (lambda p: botocore.ruleset.evaluate(dict(p)), boto_params),
    ]
    if MODEL.exists():
        shapes = json.loads(MODEL.read_text())["shapes"]
        bdd = shapes[data["service"]]["traits"]["smithy.rules#endpointBdd"]
        ours_bdd = compile_rule_set(bdd)
        assert all(ours_bdd.resolve(p).url == ours.resolve(p).url for p in params)
        contenders.append((ours_bdd.resolve, params))
    ours_rate, boto_rate, *bdd_rate = rates(contenders)
    print(f"qsmith  endpointRuleSet: {ours_rate:12,.0f} resolutions/s")
    print(f"botocore EndpointProvider: {boto_rate:10,.0f} resolutions/s")
    print(f"ratio qsmith / botocore: {ours_rate / boto_rate:.1f}x")

    for value in bdd_rate:
        print(
            f"qsmith  endpointBdd:     {value:12,.0f} resolutions/s ({value / boto_rate:.1f}x botocore)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

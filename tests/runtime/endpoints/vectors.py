"""Collect the endpoint test cases from ``../shared/vectors/endpoints`` (read in place).

Each ``Case`` pairs a rule set (either form) with one ``endpointTests`` test case. Cases are
collected when the test modules are imported, so a missing shared tree yields no cases; the
presence test in ``test_vectors.py`` then skips (or fails under QSMITH_REQUIRE_SHARED=1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tests.support.shared import shared_root

ENDPOINTS = ("vectors", "endpoints")
SMITHY_SUITES = (
    "smithy-rules-engine-tests",
    "smithy-rules-engine-valid",
    "smithy-aws-endpoints-tests",
)


@dataclass(frozen=True)
class Operation:
    """What binds an operation's endpoint parameters: its traits and its input members."""

    static_params: dict[str, Any] = field(default_factory=dict)
    operation_context_params: dict[str, Any] = field(default_factory=dict)
    context_members: dict[str, str] = field(default_factory=dict)  # member -> parameter


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    rule_set: dict[str, Any]
    test: dict[str, Any]
    operations: dict[str, Operation]
    # "current": our partitions module; "2025-04": the facts the older models were tested with
    partitions: str = "current"

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"


def endpoints_root() -> Path:
    return shared_root().joinpath(*ENDPOINTS)


@cache
def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _cases(
    suite: str,
    stem: str,
    rule_set: dict[str, Any],
    tests: list[Any],
    ops: dict[str, Operation],
    partitions: str = "current",
) -> Iterator[Case]:
    for index, test in enumerate(tests):
        yield Case(suite, f"{stem}[{index}]", rule_set, test, ops, partitions)


def _smithy_operations(shapes: dict[str, Any]) -> dict[str, Operation]:
    ops: dict[str, Operation] = {}
    for shape_id, shape in shapes.items():
        if shape.get("type") != "operation":
            continue
        traits = shape.get("traits", {})
        members: dict[str, str] = {}
        target = shape.get("input", {}).get("target")
        for member, spec in shapes.get(target, {}).get("members", {}).items():
            bound = spec.get("traits", {}).get("smithy.rules#contextParam")
            if bound:
                members[member] = bound["name"]
        ops[shape_id.split("#", 1)[1]] = Operation(
            static_params=traits.get("smithy.rules#staticContextParams", {}),
            operation_context_params=traits.get("smithy.rules#operationContextParams", {}),
            context_members=members,
        )
    return ops


def smithy_suite_cases(suite: str) -> Iterator[Case]:
    folder = endpoints_root() / suite / "json-ast"
    for path in sorted(folder.glob("*.json")):
        shapes = _load(path)["shapes"]
        ops = _smithy_operations(shapes)
        for shape in shapes.values():
            traits = shape.get("traits", {})
            if shape.get("type") != "service" or "smithy.rules#endpointTests" not in traits:
                continue
            rule_set = (
                traits.get("smithy.rules#endpointRuleSet") or traits["smithy.rules#endpointBdd"]
            )
            tests = traits["smithy.rules#endpointTests"].get("testCases", [])
            yield from _cases(suite, path.stem, rule_set, tests, ops)


def _service_operations(data: dict[str, Any]) -> dict[str, Operation]:
    """Bindings per operation; operations of the source model without bindings get none."""
    model = _load(shared_root() / data["source_model"])
    ops = {
        shape_id.split("#", 1)[1]: Operation()
        for shape_id, shape in model["shapes"].items()
        if shape.get("type") == "operation"
    }
    for name, spec in data.get("operationContextParams", {}).items():
        ops[name] = Operation(
            static_params=spec.get("smithy.rules#staticContextParams", {}),
            operation_context_params=spec.get("smithy.rules#operationContextParams", {}),
            context_members={m: v["name"] for m, v in spec.get("contextParam_members", {}).items()},
        )
    return ops


def aws_service_cases() -> Iterator[Case]:
    for path in sorted((endpoints_root() / "aws-services").glob("*.json")):
        data = _load(path)
        tests = data["endpointTests"].get("testCases", [])
        # Models from the 2025-04 api-models-aws snapshot were tested against that era's
        # partitions (see partitions_as_of_2025_04 in test_vectors.py).
        era = "2025-04" if "api-models-aws" in data["source_model"] else "current"
        ops = _service_operations(data)
        yield from _cases("aws-services", path.stem, data["endpointRuleSet"], tests, ops, era)


def aws_service_bdd_cases() -> Iterator[Case]:
    """The same services' tests through the ``endpointBdd`` form of their newer models."""
    models = shared_root() / "vectors" / "aws-models" / "smithy-rs"
    for path in sorted((endpoints_root() / "aws-services").glob("*.json")):
        data = _load(path)
        model_path = models / f"{path.stem}.json"
        if (
            not data["source_model"].endswith(f"smithy-rs/{path.stem}.json")
            or not model_path.exists()
        ):
            continue
        service = _load(model_path)["shapes"][data["service"]]
        bdd = service["traits"].get("smithy.rules#endpointBdd")
        if bdd is None:
            continue
        tests = service["traits"]["smithy.rules#endpointTests"].get("testCases", [])
        yield from _cases("aws-services-bdd", path.stem, bdd, tests, _service_operations(data))


def codewhisperer_bdd() -> dict[str, Any]:
    return _load(endpoints_root() / "codewhisperer" / "codewhisperer-streaming.endpoint-bdd.json")  # type: ignore[no-any-return]


def codewhisperer_legacy_regions() -> dict[str, Any]:
    return _load(endpoints_root() / "codewhisperer" / "codewhisperer-streaming.legacy-region-info.json")  # type: ignore[no-any-return]


# Where the 1.0.45 rules and the older legacy table disagree, the rules the client runs win:
# FIPS in aws-us-gov goes to the plain regional host (the BDD tests
# PartitionResult#name == "aws-us-gov" and picks that result), not the "-fips" host the
# legacy table lists.
LEGACY_SUPERSEDED = {
    ("aws-us-gov", ("fips",)): "amazoncodewhispererstreamingservice.{region}.amazonaws.com",
}


def codewhisperer_cases() -> Iterator[Case]:
    """Every region and variant of the legacy region table, resolved through the new BDD."""
    if not (endpoints_root() / "codewhisperer").exists():
        return
    legacy = codewhisperer_legacy_regions()
    bdd = codewhisperer_bdd()
    for partition, info in sorted(legacy["partitionHash"].items()):
        for region in info["regions"]:
            for variant in info["variants"]:
                tags = set(variant["tags"])
                params = {
                    "Region": region,
                    "UseFIPS": "fips" in tags,
                    "UseDualStack": "dualstack" in tags,
                }
                hostname = LEGACY_SUPERSEDED.get(
                    (partition, tuple(sorted(tags))), variant["hostname"]
                )
                url = "https://" + hostname.replace("{region}", region)
                test = {
                    "documentation": f"{partition} {region} {sorted(tags)}",
                    "params": params,
                    "expect": {"endpoint": {"url": url}},
                }
                name = f"{region}-{'-'.join(sorted(tags)) or 'plain'}"
                yield Case("codewhisperer", name, bdd, test, {})


def all_cases() -> list[Case]:
    if not endpoints_root().exists():
        return []
    cases: list[Case] = []
    for suite in SMITHY_SUITES:
        cases.extend(smithy_suite_cases(suite))
    cases.extend(aws_service_cases())
    cases.extend(aws_service_bdd_cases())
    cases.extend(codewhisperer_cases())
    return cases

"""The endpoint test cases under ``vectors/endpoints``, each a rule set and one test.

Suites: the Smithy rules-engine compliance tests and validator fixtures, the AWS
endpoint-function tests, real services' rule sets with their tests (rule tree, and the
decision diagram of the services whose newer models carry one), and the CodeWhisperer
streaming decision diagram checked against its legacy region table. Cases with
``operationInputs`` also run once per input, binding parameters the way a client does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from qsmith.codegen.conformance.base import Case, CaseMismatch, expect_equal
from qsmith.runtime.endpoints import EndpointResolutionError, RuleSet, compile_rule_set
from qsmith.runtime.endpoints.aws_functions import PartitionTable, make_aws_library
from qsmith.runtime.endpoints.context import (
    assemble_parameters,
    bind_context_members,
    bind_operation_context,
    bind_static_context,
)
from qsmith.runtime.endpoints.functions import STANDARD_LIBRARY
from qsmith.runtime.endpoints.partitions import PARTITIONS

__all__ = [
    "EndpointCase",
    "Operation",
    "all_endpoint_cases",
    "check_endpoint",
    "codewhisperer_bdd",
    "endpoint_cases",
    "endpoints_root",
    "partitions_as_of_2025_04",
]

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
class EndpointCase:
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


def endpoints_root(shared: Path) -> Path:
    return shared.joinpath(*ENDPOINTS)


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
) -> Iterator[EndpointCase]:
    for index, test in enumerate(tests):
        yield EndpointCase(suite, f"{stem}[{index}]", rule_set, test, ops, partitions)


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


def _smithy_suite_cases(root: Path, suite: str) -> Iterator[EndpointCase]:
    for path in sorted((root / suite / "json-ast").glob("*.json")):
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


def _service_operations(shared: Path, data: dict[str, Any]) -> dict[str, Operation]:
    """Bindings per operation; operations of the source model without bindings get none."""
    model = _load(shared / data["source_model"])
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


def _aws_service_cases(shared: Path) -> Iterator[EndpointCase]:
    for path in sorted((endpoints_root(shared) / "aws-services").glob("*.json")):
        data = _load(path)
        tests = data["endpointTests"].get("testCases", [])
        # Models from the 2025-04 api-models-aws snapshot were tested against that era's
        # partitions (see partitions_as_of_2025_04).
        era = "2025-04" if "api-models-aws" in data["source_model"] else "current"
        ops = _service_operations(shared, data)
        yield from _cases("aws-services", path.stem, data["endpointRuleSet"], tests, ops, era)


def _aws_service_bdd_cases(shared: Path) -> Iterator[EndpointCase]:
    """The same services' tests through the ``endpointBdd`` form of their newer models."""
    models = shared / "vectors" / "aws-models" / "smithy-rs"
    for path in sorted((endpoints_root(shared) / "aws-services").glob("*.json")):
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
        ops = _service_operations(shared, data)
        yield from _cases("aws-services-bdd", path.stem, bdd, tests, ops)


def codewhisperer_bdd(shared: Path) -> dict[str, Any]:
    path = endpoints_root(shared) / "codewhisperer" / "codewhisperer-streaming.endpoint-bdd.json"
    loaded: dict[str, Any] = _load(path)
    return loaded


# Where the 1.0.45 rules and the older legacy table disagree, the rules the client runs win:
# FIPS in aws-us-gov goes to the plain regional host (the BDD tests
# PartitionResult#name == "aws-us-gov" and picks that result), not the "-fips" host the
# legacy table lists.
LEGACY_SUPERSEDED = {
    ("aws-us-gov", ("fips",)): "amazoncodewhispererstreamingservice.{region}.amazonaws.com",
}


def _codewhisperer_cases(shared: Path) -> Iterator[EndpointCase]:
    """Every region and variant of the legacy region table, resolved through the new BDD."""
    folder = endpoints_root(shared) / "codewhisperer"
    if not folder.exists():
        return
    legacy = _load(folder / "codewhisperer-streaming.legacy-region-info.json")
    bdd = codewhisperer_bdd(shared)
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
                yield EndpointCase("codewhisperer", name, bdd, test, {})


def all_endpoint_cases(shared: Path) -> list[EndpointCase]:
    """Every rule set and test pair (none when the data is missing)."""
    root = endpoints_root(shared)
    if not root.exists():
        return []
    cases: list[EndpointCase] = []
    for suite in SMITHY_SUITES:
        cases.extend(_smithy_suite_cases(root, suite))
    cases.extend(_aws_service_cases(shared))
    cases.extend(_aws_service_bdd_cases(shared))
    cases.extend(_codewhisperer_cases(shared))
    return cases


def partitions_as_of_2025_04() -> PartitionTable:
    """The partitions the 2025-04 api-models-aws models were tested against.

    Then aws-iso and aws-iso-b did not support dual-stack; those models' own tests expect the
    "partition does not support DualStack" errors. Every other fact is today's.
    """
    older = {"aws-iso", "aws-iso-b"}
    return PartitionTable(
        tuple(
            dataclasses.replace(p, supports_dual_stack=False) if p.id in older else p
            for p in PARTITIONS
        )
    )


@cache
def _library(era: str) -> dict[str, Any]:
    if era == "2025-04":
        return {**STANDARD_LIBRARY, **make_aws_library(partitions_as_of_2025_04())}
    return {**STANDARD_LIBRARY, **make_aws_library()}


_COMPILED: dict[tuple[int, str], RuleSet] = {}


def compiled(case: EndpointCase) -> RuleSet:
    key = (id(case.rule_set), case.partitions)
    if key not in _COMPILED:
        _COMPILED[key] = compile_rule_set(case.rule_set, library=_library(case.partitions))
    return _COMPILED[key]


def check_endpoint(rule_set: RuleSet, params: dict[str, Any], expect: dict[str, Any]) -> None:
    if "error" in expect:
        try:
            endpoint = rule_set.resolve(params)
        except EndpointResolutionError as exc:
            expect_equal(exc.message, expect["error"], "resolution error")
            return
        raise CaseMismatch(f"resolved {endpoint.url}, expected error {expect['error']!r}")
    endpoint = rule_set.resolve(params)
    wanted = expect["endpoint"]
    expect_equal(endpoint.url, wanted["url"], "url")
    expect_equal(dict(endpoint.properties), wanted.get("properties", {}), "properties")
    expect_equal(dict(endpoint.headers), wanted.get("headers", {}), "headers")


def check_params(case: EndpointCase) -> None:
    check_endpoint(compiled(case), dict(case.test.get("params") or {}), case.test["expect"])


def check_operation_inputs(case: EndpointCase, index: int) -> None:
    """Bind built-ins, client settings and the operation's context as a client would."""
    rule_set = compiled(case)
    spec = case.test["operationInputs"][index]
    operation = case.operations.get(spec["operationName"])
    if operation is None:
        raise CaseMismatch(f"operation {spec['operationName']} is not in the model")
    operation_input = spec.get("operationParams", {})
    params = assemble_parameters(
        rule_set.parameters,
        built_ins=spec.get("builtInParams", {}),
        client_params=spec.get("clientParams", {}),
        operation_context=bind_operation_context(
            operation.operation_context_params, operation_input
        ),
        context_members=bind_context_members(operation.context_members, operation_input),
        static_context=bind_static_context(operation.static_params),
    )
    check_endpoint(rule_set, params, case.test["expect"])


def endpoint_cases(shared: Path) -> list[Case]:
    """One case per test through ``params``, and one per ``operationInputs`` entry."""
    cases: list[Case] = []
    for case in all_endpoint_cases(shared):
        cases.append(Case(case.id, partial(check_params, case)))
        for index, _ in enumerate(case.test.get("operationInputs", [])):
            case_id = f"{case.id}/operationInputs[{index}]"
            cases.append(Case(case_id, partial(check_operation_inputs, case, index)))
    return cases

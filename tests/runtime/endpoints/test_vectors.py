"""Every endpoint test case under ../shared/vectors/endpoints, as one pytest case each.

Suites: the Smithy rules-engine compliance tests and validator fixtures, the AWS
endpoint-function tests, real services' rule sets with their tests (rule tree, and the
decision diagram of the services whose newer models carry one), and the CodeWhisperer
streaming decision diagram checked against its legacy region table. Cases with
``operationInputs`` are also run a second time, binding parameters the way a client does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

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
from tests.runtime.endpoints.vectors import Case, all_cases, endpoints_root
from tests.support.shared import shared_path

CASES = all_cases()

# name -> reason. Every entry is run as xfail(strict=True), so a fixed case fails the run.
_CLIENT_PARAMS_MISSING = (
    "upstream operationInputs name the operation but not the client settings that `params` "
    "sets, so a client given only these inputs resolves with the defaults; the same test case "
    "passes through `params`"
)
KNOWN_FAILURES: dict[str, str] = {
    "smithy-rules-engine-tests/ite[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/ite-basic[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/coalesce-three-args[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/coalesce-three-args[1]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/coalesce-with-boolean[1]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/coalesce-with-boolean[2]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/coalesce-with-boolean[3]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    # GetThing also binds stringArrayParam to [] statically, so the fallthrough error wins.
    "smithy-rules-engine-valid/default-values[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    "smithy-rules-engine-valid/default-values[1]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
}


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


_ERA_LIBRARIES = {
    "current": {**STANDARD_LIBRARY, **make_aws_library()},
    "2025-04": {**STANDARD_LIBRARY, **make_aws_library(partitions_as_of_2025_04())},
}
_COMPILED: dict[tuple[int, str], RuleSet] = {}


def compiled(case: Case) -> RuleSet:
    key = (id(case.rule_set), case.partitions)
    if key not in _COMPILED:
        _COMPILED[key] = compile_rule_set(case.rule_set, library=_ERA_LIBRARIES[case.partitions])
    return _COMPILED[key]


def check(rule_set: RuleSet, params: dict[str, Any], expect: dict[str, Any]) -> None:
    if "error" in expect:
        with pytest.raises(EndpointResolutionError) as raised:
            rule_set.resolve(params)
        assert raised.value.message == expect["error"]
        return
    endpoint = rule_set.resolve(params)
    wanted = expect["endpoint"]
    assert endpoint.url == wanted["url"]
    assert dict(endpoint.properties) == wanted.get("properties", {})
    assert dict(endpoint.headers) == wanted.get("headers", {})


def _marked(case_id: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_FAILURES.get(case_id)
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


def _params(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=_marked(c.id)) for c in cases]


def _operation_params(cases: list[Case]) -> list[Any]:
    out = []
    for case in cases:
        for index, _ in enumerate(case.test.get("operationInputs", [])):
            case_id = f"{case.id}/operationInputs[{index}]"
            out.append(pytest.param(case, index, id=case_id, marks=_marked(case_id)))
    return out


def test_shared_vectors_are_present() -> None:
    shared_path("vectors", "endpoints")
    assert len(CASES) >= 1900, f"only {len(CASES)} endpoint cases found under {endpoints_root()}"


def test_known_failures_name_real_cases() -> None:
    ids = {c.id for c in CASES} | {p.id for p in _operation_params(CASES)}
    assert set(KNOWN_FAILURES) <= ids


@pytest.mark.parametrize("case", _params(CASES))
def test_endpoint_case(case: Case) -> None:
    check(compiled(case), dict(case.test.get("params") or {}), case.test["expect"])


@pytest.mark.parametrize(("case", "index"), _operation_params(CASES))
def test_endpoint_case_through_operation_inputs(case: Case, index: int) -> None:
    """Bind built-ins, client settings and the operation's context as a client would."""
    rule_set = compiled(case)
    spec = case.test["operationInputs"][index]
    operation = case.operations.get(spec["operationName"])
    assert operation is not None, f"operation {spec['operationName']} is not in the model"
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
    check(rule_set, params, case.test["expect"])

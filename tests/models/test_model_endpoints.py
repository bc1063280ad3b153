"""Each model's endpoint rule set yields the endpoints real clients use (REPORT.md §1, §4.2)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.models.ast_index import SERVICES, Model

EXPECTED = {
    # model: (URL for a region, signing name in authSchemes or None for bearer services)
    "codewhisperer": ("https://q.{region}.amazonaws.com", None),
    "codewhisperer-streaming": ("https://q.{region}.amazonaws.com", None),
    "qdeveloper-streaming": ("https://q.{region}.amazonaws.com", "q"),
    "consolas": ("https://codewhisperer.{region}.amazonaws.com", "codewhisperer"),
    "toolkit-telemetry": ("https://client-telemetry.us-east-1.amazonaws.com", "execute-api"),
}


class RuleError(Exception):
    """The rule set ended in an error rule."""


def evaluate(rule_set: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A minimal rules-engine 1.0 evaluator for the functions our rule sets use."""
    params = {
        key: given.get(key, spec.get("default")) for key, spec in rule_set["parameters"].items()
    }
    for key, spec in rule_set["parameters"].items():
        assert not (spec.get("required") and params[key] is None), f"{key} is required"
    return run_rules(rule_set["rules"], params)


def run_rules(rules: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    for rule in rules:
        if all(call(c, params) for c in rule["conditions"]):
            if rule["type"] == "error":
                raise RuleError(template(rule["error"], params))
            if rule["type"] == "tree":
                return run_rules(rule["rules"], params)
            endpoint = dict(rule["endpoint"])
            endpoint["url"] = template(endpoint["url"], params)
            return endpoint
    raise AssertionError("no rule matched")


def call(expr: Any, params: dict[str, Any]) -> Any:
    if isinstance(expr, dict) and "ref" in expr:
        return params[expr["ref"]]
    if isinstance(expr, dict) and "fn" in expr:
        args = [call(a, params) for a in expr["argv"]]
        functions = {
            "isSet": lambda v: v is not None,
            "not": lambda v: not v,
            "booleanEquals": lambda a, b: a == b,
            "stringEquals": lambda a, b: a == b,
        }
        return functions[expr["fn"]](*args)
    if isinstance(expr, str):
        return template(expr, params)
    return expr


def template(text: str, params: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), text)


def rule_set(service: str) -> dict[str, Any]:
    _, shape = Model.load(service).service()
    rules: dict[str, Any] = shape["traits"]["smithy.rules#endpointRuleSet"]
    return rules


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1"])
def test_region_yields_the_service_endpoint(service: str, region: str) -> None:
    url, signing_name = EXPECTED[service]
    endpoint = evaluate(rule_set(service), {"Region": region})
    assert endpoint["url"] == url.format(region=region)
    schemes = endpoint.get("properties", {}).get("authSchemes")
    if signing_name is None:
        assert schemes is None
    else:
        assert schemes[0]["name"] == "sigv4"
        assert schemes[0]["signingName"] == signing_name


@pytest.mark.parametrize("service", SERVICES)
def test_region_defaults_to_us_east_1(service: str) -> None:
    url, _ = EXPECTED[service]
    assert evaluate(rule_set(service), {})["url"] == url.format(region="us-east-1")


@pytest.mark.parametrize("service", SERVICES)
def test_endpoint_parameter_overrides(service: str) -> None:
    given = {"Region": "eu-central-1", "Endpoint": "http://127.0.0.1:8080"}
    assert evaluate(rule_set(service), given)["url"] == "http://127.0.0.1:8080"


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("flag", ["UseFIPS", "UseDualStack"])
def test_fips_and_dual_stack_are_refused(service: str, flag: str) -> None:
    with pytest.raises(RuleError):
        evaluate(rule_set(service), {"Region": "us-east-1", flag: True})


@pytest.mark.parametrize("service", SERVICES)
def test_parameters_are_the_standard_built_ins(service: str) -> None:
    params = rule_set(service)["parameters"]
    assert {k: v.get("builtIn") for k, v in params.items()} == {
        "Region": "AWS::Region",
        "UseFIPS": "AWS::UseFIPS",
        "UseDualStack": "AWS::UseDualStack",
        "Endpoint": "SDK::Endpoint",
    }
    assert params["Endpoint"]["required"] is False

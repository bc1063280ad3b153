"""The rules engine's own behaviour: errors, malformed rule sets, parameters, the BDD form."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

from qsmith.runtime.endpoints import (
    BddRuleSet,
    Endpoint,
    EndpointParameterError,
    EndpointResolutionError,
    RuleSetError,
    TreeRuleSet,
    compile_rule_set,
    resolve_endpoint,
)
from qsmith.runtime.endpoints.functions import parse_url, split, substring, uri_encode
from qsmith.runtime.errors import ConfigError, ModelError
from tests.runtime.endpoints.vectors import codewhisperer_bdd, endpoints_root
from tests.support.shared import shared_path

REGION_RULES: dict[str, Any] = {
    "version": "1.0",
    "parameters": {
        "Region": {"type": "string", "builtIn": "AWS::Region", "required": True},
        "UseFIPS": {"type": "boolean", "required": True, "default": False},
    },
    "rules": [
        {
            "type": "error",
            "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, True]}],
            "error": "FIPS is not offered in {Region}",
        },
        {
            "type": "endpoint",
            "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}],
            "endpoint": {
                "url": "https://svc.{Region}.{P#dnsSuffix}",
                "headers": {"x-region": ["{Region}"]},
                "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}"}]},
            },
        },
    ],
}


def test_resolves_an_endpoint_with_headers_and_auth_schemes() -> None:
    endpoint = resolve_endpoint(REGION_RULES, {"Region": "cn-north-1"})
    assert endpoint == Endpoint(
        "https://svc.cn-north-1.amazonaws.com.cn",
        {"x-region": ["cn-north-1"]},
        {"authSchemes": [{"name": "sigv4", "signingRegion": "cn-north-1"}]},
    )
    assert endpoint.auth_schemes == [{"name": "sigv4", "signingRegion": "cn-north-1"}]


def test_error_rule_raises_a_config_error_carrying_the_message() -> None:
    with pytest.raises(EndpointResolutionError) as raised:
        resolve_endpoint(REGION_RULES, {"Region": "us-east-1", "UseFIPS": True})
    assert raised.value.message == "FIPS is not offered in us-east-1"
    assert isinstance(raised.value, ConfigError)
    assert "FIPS is not offered in us-east-1" in str(raised.value)


def test_missing_required_parameter_is_named() -> None:
    with pytest.raises(
        EndpointParameterError, match="missing required endpoint parameter 'Region'"
    ) as raised:
        resolve_endpoint(REGION_RULES, {})
    assert raised.value.name == "Region"


def test_unknown_and_mistyped_parameters_are_named() -> None:
    with pytest.raises(EndpointParameterError, match="unknown endpoint parameter 'Regoin'"):
        resolve_endpoint(REGION_RULES, {"Region": "us-east-1", "Regoin": "x"})
    with pytest.raises(EndpointParameterError, match="'UseFIPS' must be a boolean, got str"):
        resolve_endpoint(REGION_RULES, {"Region": "us-east-1", "UseFIPS": "true"})


def test_exhausted_rules_are_an_error() -> None:
    rules = {
        "parameters": {"A": {"type": "string"}},
        "rules": [
            {
                "type": "endpoint",
                "conditions": [{"fn": "isSet", "argv": [{"ref": "A"}]}],
                "endpoint": {"url": "https://a"},
            }
        ],
    }
    with pytest.raises(EndpointResolutionError, match="no endpoint rule matched"):
        resolve_endpoint(rules, {})


def _tree(condition: Any, url: Any = "https://example.com") -> dict[str, Any]:
    return {
        "parameters": {"A": {"type": "string"}},
        "rules": [{"type": "endpoint", "conditions": [condition], "endpoint": {"url": url}}],
    }


@pytest.mark.parametrize(
    ("document", "where", "what"),
    [
        (_tree({"fn": "nope", "argv": []}), "rules[0].conditions[0]", "unknown function 'nope'"),
        (
            _tree({"fn": "isSet", "argv": []}),
            "rules[0].conditions[0]",
            "takes 1 argument(s), got 0",
        ),
        (_tree({"fn": "isSet", "argv": [{"ref": "B"}]}), "argv[0]", "reference to 'B'"),
        (
            _tree({"fn": "isSet", "argv": [{"ref": "A"}]}, "https://{A"),
            "endpoint.url",
            "unterminated",
        ),
        (
            _tree({"fn": "getAttr", "argv": [{"ref": "A"}, "x[y]"], "assign": "V"}),
            "rules[0].conditions[0]",
            "index is not an integer",
        ),
        (
            {"parameters": {"A": {"type": "number"}}, "rules": []},
            "parameters.A",
            "unknown parameter type",
        ),
        (
            {"parameters": {}, "rules": [{"type": "maybe", "conditions": []}]},
            "rules[0]",
            "unknown rule type",
        ),
        ({"parameters": {}}, "", "neither 'rules'"),
    ],
)
def test_malformed_rule_sets_name_the_place(
    document: dict[str, Any], where: str, what: str
) -> None:
    with pytest.raises(RuleSetError) as raised:
        compile_rule_set(document, source="example.json")
    assert isinstance(raised.value, ModelError)
    assert where in raised.value.path and what in str(raised.value)
    assert "example.json" in str(raised.value)


def test_assign_may_not_shadow_a_parameter() -> None:
    document = _tree({"fn": "isSet", "argv": [{"ref": "A"}], "assign": "A"})
    with pytest.raises(RuleSetError, match="shadows"):
        compile_rule_set(document)


def _bdd(nodes: list[tuple[int, int, int]], root: int) -> dict[str, Any]:
    return {
        "version": "1.1",
        "parameters": {"Fips": {"type": "boolean", "required": True, "default": False}},
        "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Fips"}, True]}],
        "results": [
            {"type": "endpoint", "endpoint": {"url": "https://fips.example.com"}},
            {"type": "error", "error": "plain is disabled"},
        ],
        "root": root,
        "nodeCount": len(nodes),
        "nodes": base64.b64encode(b"".join(struct.pack(">3i", *n) for n in nodes)).decode(),
    }


def test_bdd_in_trait_form_with_base64_nodes() -> None:
    document = _bdd([(-1, 1, -1), (0, 100_000_001, 100_000_002)], root=2)
    rule_set = compile_rule_set(document)
    assert isinstance(rule_set, BddRuleSet)
    assert rule_set.resolve({"Fips": True}).url == "https://fips.example.com"
    with pytest.raises(EndpointResolutionError, match="plain is disabled"):
        rule_set.resolve({})


def test_bdd_complement_edge_swaps_the_branches() -> None:
    rule_set = compile_rule_set(_bdd([(-1, 1, -1), (0, 100_000_001, 100_000_002)], root=-2))
    assert rule_set.resolve({"Fips": False}).url == "https://fips.example.com"


@pytest.mark.parametrize(
    ("nodes", "root", "what"),
    [
        ([(0, 1, -1)], 1, "first node must be the terminal"),
        ([(-1, 1, -1), (5, 1, -1)], 2, "condition index 5 is out of range"),
        ([(-1, 1, -1), (0, 100_000_009, -1)], 2, "reference 100000009"),
        ([(-1, 1, -1), (0, 1, -1)], 7, "root reference 7"),
    ],
)
def test_malformed_bdd_is_rejected(nodes: list[tuple[int, int, int]], root: int, what: str) -> None:
    with pytest.raises(RuleSetError, match=what):
        compile_rule_set(_bdd(nodes, root))


def test_codewhisperer_bdd_nodes_match_their_base64_encoding() -> None:
    shared_path("vectors", "endpoints", "codewhisperer")
    assert endpoints_root().exists()
    document = codewhisperer_bdd()
    as_triples = compile_rule_set(document)
    as_base64 = compile_rule_set({**document, "nodes": document["nodesBase64"]})
    assert isinstance(as_triples, BddRuleSet) and isinstance(as_base64, BddRuleSet)
    assert as_triples._highs == as_base64._highs and as_triples._lows == as_base64._lows
    endpoint = as_base64.resolve({"Region": "us-east-1", "UseFIPS": False, "UseDualStack": False})
    assert endpoint.url == "https://amazoncodewhispererstreamingservice.us-east-1.amazonaws.com"
    with pytest.raises(EndpointResolutionError, match="FIPS and custom endpoint"):
        as_base64.resolve({"Region": "us-east-1", "UseFIPS": True, "Endpoint": "https://x.example"})


def test_tree_form_is_detected() -> None:
    assert isinstance(compile_rule_set(REGION_RULES), TreeRuleSet)


def test_standard_library_edges() -> None:
    assert substring("abcdef", 0, 4, True) == "cdef"
    assert substring("ab", 0, 4, False) is None
    assert substring("abcdé", 0, 2, False) is None
    assert uri_encode("a b/ü") == "a%20b%2F%C3%BC"
    assert split("a--b--c", "--", 2) == ["a", "b--c"]
    assert split("abc", "", 0) is None
    assert parse_url("https://example.com:8443/a") == {
        "scheme": "https",
        "authority": "example.com:8443",
        "path": "/a",
        "normalizedPath": "/a/",
        "isIp": False,
    }
    assert parse_url("https://user@example.com") is None
    assert parse_url("https://[::1]:x") is None
    parsed = parse_url("http://[fe80::1]")
    assert parsed is not None and parsed["isIp"] is True


def test_endpoints_package_imports_only_the_standard_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, qsmith.runtime.endpoints.config\n"
        "third = {'httpx', 'httpcore', 'pydantic', 'botocore', 'jinja2', 'click'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in third)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

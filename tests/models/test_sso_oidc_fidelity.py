"""models/sso-oidc.json against the public Smithy model of the service (the reference).

Our model is written from the service's public facts; the reference JSON AST (read in place
from the shared vectors) checks that the facts are right: the same operations with the same
HTTP bindings, auth traits and errors; the same members with the same wire names, target
kinds, required-ness, defaults and @sensitive; the same error faults and status codes. Only
documentation, examples and the endpoint rule set are ours. A difference passes only when
``ALLOWED`` lists it with its reason; a listed difference that no longer occurs fails too.
The reference's endpoint tests run against our own rule set through the runtime resolver.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qsmith.runtime.endpoints.errors import EndpointResolutionError
from qsmith.runtime.endpoints.ruleset import resolve_endpoint
from tests.models.ast_index import MODELS_DIR, PRELUDE
from tests.support.shared import shared_path

REFERENCE = ("vectors", "aws-models", "api-models-aws", "sso-oidc", "service", "2019-06-10")
REFERENCE_FILE = "sso-oidc-2019-06-10.json"
SERVICE = "com.amazonaws.ssooidc#AWSSSOOIDCService"

# Traits that are prose or examples: ours are our own words, so they are not compared.
PROSE = {"smithy.api#documentation", "smithy.api#examples"}
# Service traits whose content is ours by design (endpoint rules; their tests run below).
OURS = {"smithy.rules#endpointRuleSet", "smithy.rules#endpointTests"}

# (shape, member or "", aspect) -> why ours differs. Empty today: every fact matches.
ALLOWED: dict[tuple[str, str, str], str] = {}

_ISO_DUAL_STACK = "newer partition data: ISO partitions support dual-stack"
# Reference endpoint tests whose expectation our rule set does not reproduce, and why.
# (region, UseFIPS, UseDualStack) -> reason.
ENDPOINT_EXCEPTIONS: dict[tuple[str | None, bool, bool], str] = {
    # The service answers FIPS requests in us-gov-east-1 on its plain host; our rule set
    # applies the general oidc-fips pattern, which the partition data says is supported.
    ("us-gov-east-1", True, False): "us-gov-east-1 FIPS uses the plain host in the reference",
    # The runtime's partition data (1.1) lists dual-stack support for the ISO partitions;
    # the reference's tests were written when those partitions had none.
    ("us-iso-east-1", True, True): _ISO_DUAL_STACK,
    ("us-iso-east-1", False, True): _ISO_DUAL_STACK,
    ("us-isob-east-1", True, True): _ISO_DUAL_STACK,
    ("us-isob-east-1", False, True): _ISO_DUAL_STACK,
}

Shapes = dict[str, dict[str, Any]]


def _load(path: Any) -> Shapes:
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes: Shapes = data["shapes"]
    return shapes


def ours() -> Shapes:
    return _load(MODELS_DIR / "sso-oidc.json")


def reference() -> Shapes:
    return _load(shared_path(*REFERENCE, REFERENCE_FILE))


def _facts(traits: dict[str, Any], skip: set[str] = PROSE) -> dict[str, Any]:
    return {k: v for k, v in traits.items() if k not in skip}


def _kind(shapes: Shapes, target: str) -> str:
    return PRELUDE.get(target) or str(shapes[target]["type"])


def _shape_differences(name: str, mine: Shapes, theirs: Shapes) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    a, b = mine[name], theirs[name]
    skip = PROSE | OURS if a["type"] == "service" else PROSE
    if a["type"] != b["type"]:
        found.append((name, "", "type"))
    if _facts(a.get("traits", {}), skip) != _facts(b.get("traits", {}), skip):
        found.append((name, "", "traits"))
    for key in ("input", "output", "member"):
        if a.get(key) != b.get(key):
            found.append((name, "", key))
    for key in ("errors", "operations"):
        if sorted(r["target"] for r in a.get(key, [])) != sorted(
            r["target"] for r in b.get(key, [])
        ):
            found.append((name, "", key))
    members_a, members_b = a.get("members", {}), b.get("members", {})
    if list(members_a) != list(members_b):
        found.append((name, "", "member names or order"))
    for member in set(members_a) & set(members_b):
        ma, mb = members_a[member], members_b[member]
        if _kind(mine, ma["target"]) != _kind(theirs, mb["target"]):
            found.append((name, member, "target kind"))
        if ma["target"] != mb["target"]:
            found.append((name, member, "target"))
        if _facts(ma.get("traits", {})) != _facts(mb.get("traits", {})):
            found.append((name, member, "traits (required, default, jsonName, http bindings)"))
    return found


def test_same_shapes() -> None:
    assert sorted(ours()) == sorted(reference())


def test_every_fact_matches_the_reference() -> None:
    mine, theirs = ours(), reference()
    found: list[tuple[str, str, str]] = []
    for name in sorted(set(mine) & set(theirs)):
        found += _shape_differences(name, mine, theirs)
    unexpected = [d for d in found if d not in ALLOWED]
    stale = [d for d in ALLOWED if d not in found]
    assert not unexpected, f"differences from the reference: {unexpected}"
    assert not stale, f"listed differences that no longer occur: {stale}"


def test_operations_bindings_and_auth_are_the_services() -> None:
    """The facts the login flow relies on, spelled out (a readable subset of the above)."""
    shapes = ours()
    ns = "com.amazonaws.ssooidc#"
    http = {n: shapes[ns + n]["traits"]["smithy.api#http"] for n in ("RegisterClient",)}
    assert http["RegisterClient"] == {"method": "POST", "uri": "/client/register", "code": 200}
    assert shapes[ns + "CreateToken"]["traits"]["smithy.api#http"]["uri"] == "/token"
    assert shapes[ns + "StartDeviceAuthorization"]["traits"]["smithy.api#auth"] == []
    assert "smithy.api#auth" not in shapes[ns + "CreateTokenWithIAM"]["traits"]
    assert shapes[SERVICE]["traits"]["aws.auth#sigv4"] == {"name": "sso-oauth"}
    token_errors = {r["target"].split("#")[1] for r in shapes[ns + "CreateToken"]["errors"]}
    assert {"AuthorizationPendingException", "SlowDownException"} <= token_errors
    assert {"ExpiredTokenException", "AccessDeniedException", "InvalidGrantException"} <= (
        token_errors
    )


def _endpoint_cases() -> list[dict[str, Any]]:
    traits = reference()[SERVICE]["traits"]
    cases: list[dict[str, Any]] = traits["smithy.rules#endpointTests"]["testCases"]
    return cases


def test_reference_endpoint_tests_pass_on_our_rule_set() -> None:
    rule_set = ours()[SERVICE]["traits"]["smithy.rules#endpointRuleSet"]
    cases = _endpoint_cases()
    assert len(cases) > 30
    failures, excepted = [], set()
    for case in cases:
        params = case.get("params", {})
        key = (
            params.get("Region"),
            params.get("UseFIPS", False),
            params.get("UseDualStack", False),
        )
        expected = case["expect"]
        try:
            url: str | None = resolve_endpoint(rule_set, params).url
        except EndpointResolutionError:
            url = None
        wanted = expected.get("endpoint", {}).get("url")
        if url == wanted and ("error" in expected) == (url is None):
            continue
        if key in ENDPOINT_EXCEPTIONS and "Endpoint" not in params:
            excepted.add(key)
            continue
        failures.append((params, wanted or expected.get("error"), url))
    assert not failures
    assert excepted == set(ENDPOINT_EXCEPTIONS), "a listed endpoint exception no longer occurs"


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "ap-southeast-2"])
def test_region_gives_the_oidc_host(region: str) -> None:
    rule_set = ours()[SERVICE]["traits"]["smithy.rules#endpointRuleSet"]
    endpoint = resolve_endpoint(rule_set, {"Region": region})
    assert endpoint.url == f"https://oidc.{region}.amazonaws.com"

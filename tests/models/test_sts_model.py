"""models/sts.json: the public STS model with its prose left out, and nothing else changed.

``tools/model_build/derived.py`` derives it (the project commits no file taken from another
repository); the public model is read in place from the shared vectors. Its endpoint test
cases run against the committed rule set through the runtime resolver.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from qsmith.runtime.endpoints.errors import EndpointResolutionError
from qsmith.runtime.endpoints.ruleset import resolve_endpoint
from tests.models.ast_index import MODELS_DIR
from tests.support.shared import REPO_ROOT, shared_path

REFERENCE = ("vectors", "aws-models", "api-models-aws", "sts", "service", "2011-06-15")
SERVICE = "com.amazonaws.sts#AWSSecurityTokenServiceV20110615"
PROSE = {"smithy.api#documentation", "smithy.api#examples", "smithy.rules#endpointTests"}

_ISO_DUAL_STACK = "newer partition data: ISO partitions support dual-stack"
# Public endpoint tests the runtime's partition data (1.1) answers otherwise: it lists
# dual-stack support for the ISO partitions, which had none when the tests were written.
# (region, UseFIPS, UseDualStack) -> reason; the same cases as sso-oidc's.
ENDPOINT_EXCEPTIONS: dict[tuple[str | None, bool, bool], str] = {
    ("us-iso-east-1", True, True): _ISO_DUAL_STACK,
    ("us-iso-east-1", False, True): _ISO_DUAL_STACK,
    ("us-isob-east-1", True, True): _ISO_DUAL_STACK,
    ("us-isob-east-1", False, True): _ISO_DUAL_STACK,
}

Shapes = dict[str, dict[str, Any]]


def reference() -> Shapes:
    path = shared_path(*REFERENCE, "sts-2011-06-15.json")
    shapes: Shapes = json.loads(path.read_text(encoding="utf-8"))["shapes"]
    return shapes


def ours() -> Shapes:
    shapes: Shapes = json.loads((MODELS_DIR / "sts.json").read_text(encoding="utf-8"))["shapes"]
    return shapes


def _facts(shape: dict[str, Any]) -> dict[str, Any]:
    """A shape without prose traits, and without the rule parameters' descriptions."""
    facts = {k: v for k, v in shape.items() if k not in ("traits", "members")}
    facts["members"] = {n: _facts(m) for n, m in shape.get("members", {}).items()}
    traits = {k: v for k, v in shape.get("traits", {}).items() if k not in PROSE}
    rules = traits.get("smithy.rules#endpointRuleSet")
    if rules is not None:
        parameters = {
            name: {k: v for k, v in p.items() if k != "documentation"}
            for name, p in rules["parameters"].items()
        }
        traits["smithy.rules#endpointRuleSet"] = {**rules, "parameters": parameters}
    facts["traits"] = traits
    return facts


def test_the_builder_reproduces_the_committed_file(tmp_path: Path) -> None:
    upstream = shared_path("upstream")
    script = REPO_ROOT / "tools" / "build_models.py"
    command = [sys.executable, str(script), "--shared", str(upstream.parent), "--out"]
    subprocess.run([*command, str(tmp_path), "sts"], check=True, capture_output=True)
    assert (tmp_path / "sts.json").read_text() == (MODELS_DIR / "sts.json").read_text()


def test_every_fact_of_the_public_model_is_kept() -> None:
    public, mine = reference(), ours()
    assert sorted(mine) == sorted(public)
    different = [name for name in public if _facts(public[name]) != _facts(mine[name])]
    assert different == []
    operations = [op["target"] for op in mine[SERVICE]["operations"]]
    assert "com.amazonaws.sts#GetCallerIdentity" in operations and len(operations) == 9


def test_no_prose_of_the_public_model_is_committed() -> None:
    text = (MODELS_DIR / "sts.json").read_text(encoding="utf-8")
    assert "smithy.api#examples" not in text and "smithy.rules#endpointTests" not in text
    documented = []
    for name, shape in ours().items():
        for owner in [shape, *shape.get("members", {}).values()]:
            if "smithy.api#documentation" in owner.get("traits", {}):
                documented.append(name)
    assert documented == [SERVICE]
    assert "derived by qsmith" in ours()[SERVICE]["traits"]["smithy.api#documentation"]


def test_public_endpoint_tests_pass_on_the_committed_rule_set() -> None:
    rule_set = ours()[SERVICE]["traits"]["smithy.rules#endpointRuleSet"]
    traits = reference()[SERVICE]["traits"]
    cases: list[dict[str, Any]] = traits["smithy.rules#endpointTests"]["testCases"]
    assert len(cases) > 50
    failures, excepted = [], set()
    for case in cases:
        params, expected = case.get("params", {}), case["expect"]
        try:
            url: str | None = resolve_endpoint(rule_set, params).url
        except EndpointResolutionError:
            url = None
        if url == expected.get("endpoint", {}).get("url"):
            continue
        key = (
            params.get("Region"),
            params.get("UseFIPS", False),
            params.get("UseDualStack", False),
        )
        if key in ENDPOINT_EXCEPTIONS and "Endpoint" not in params:
            excepted.add(key)
            continue
        failures.append((params, expected, url))
    assert failures == []
    assert excepted == set(ENDPOINT_EXCEPTIONS), "a listed endpoint exception no longer occurs"

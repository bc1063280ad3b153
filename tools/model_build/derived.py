"""Models derived from a public AWS Smithy model in ``../shared/vectors/aws-models``.

The project never commits a file taken from another repository, so a model qsmith needs from
a public AWS model is rebuilt here: shapes, constraints, errors, protocol traits and the
endpoint rule set are wire facts and kept; the public model's prose (documentation traits,
examples, rule parameter descriptions), its endpoint test cases (tests read them in place)
and its validation suppressions are left out; the service documentation is ours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

STS_SOURCE = ("vectors", "aws-models", "api-models-aws", "sts", "service", "2011-06-15")
STS_SERVICE = "com.amazonaws.sts#AWSSecurityTokenServiceV20110615"
STS_DOCUMENTATION = (
    "AWS Security Token Service, derived by qsmith's tools/model_build/derived.py from the public "
    "Smithy model of the service with its prose left out. The chat reads the caller's account "
    "id with GetCallerIdentity."
)
# Our one-line descriptions of the rule set's parameters.
RULE_PARAMETER_DOCS = {
    "Region": "The AWS region the client talks to.",
    "UseDualStack": "Send to the dual-stack endpoint.",
    "UseFIPS": "Send to the FIPS endpoint.",
    "Endpoint": "An endpoint URL that replaces the resolved one.",
    "UseGlobalEndpoint": "Send us-east-1 and the legacy global regions to sts.amazonaws.com.",
}
PROSE_TRAITS = ("smithy.api#documentation", "smithy.api#examples", "smithy.rules#endpointTests")


def build_sts(upstream: Path) -> JSON:
    """models/sts.json from the public STS model (``upstream`` is ``../shared/upstream``)."""
    folder = upstream.parent.joinpath(*STS_SOURCE)
    public: JSON = json.loads((folder / "sts-2011-06-15.json").read_text(encoding="utf-8"))
    shapes = {name: _without_prose(shape) for name, shape in sorted(public["shapes"].items())}
    traits = shapes[STS_SERVICE]["traits"]
    traits["smithy.api#documentation"] = STS_DOCUMENTATION
    rules = traits["smithy.rules#endpointRuleSet"]
    for name, parameter in rules["parameters"].items():
        parameter["documentation"] = RULE_PARAMETER_DOCS[name]
    shapes[STS_SERVICE]["traits"] = dict(sorted(traits.items()))
    return {"smithy": public["smithy"], "shapes": shapes}


def _without_prose(shape: JSON) -> JSON:
    kept = {key: value for key, value in shape.items() if key not in ("traits", "members")}
    if "members" in shape:
        kept["members"] = {name: _without_prose(m) for name, m in shape["members"].items()}
    traits = {k: v for k, v in shape.get("traits", {}).items() if k not in PROSE_TRAITS}
    if traits:
        kept["traits"] = traits
    return kept

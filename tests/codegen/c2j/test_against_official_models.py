"""import-c2j on real AWS C2J files gives what AWS's own Smithy models say.

botocore (a dev dependency, used as a test oracle) ships the C2J files of AWS services; the
shared data holds AWS's Smithy JSON AST models of some of the same services. Converting the
botocore file must reproduce the official model's protocol, auth, HTTP bindings, wire names,
event stream bindings and shape kinds, for every operation, shape and member both contain.
The two were published at different times, so only shapes present in both are compared, and
each remaining difference is listed below with its reason. The listed differences are not
required to persist: a newer botocore may fix them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import botocore
import pytest

from qsmith.codegen.c2j import convert_c2j
from tests.support.shared import shared_path

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
SMITHY_RS = ("vectors", "aws-models", "smithy-rs")
API_MODELS = ("vectors", "aws-models", "api-models-aws")

# botocore service folder -> (apiVersion, official model under shared/, newest copy first)
SERVICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bedrock-runtime": ("2023-09-30", (*SMITHY_RS, "bedrock-runtime.json")),
    "dynamodb": ("2012-08-10", (*SMITHY_RS, "dynamodb.json")),
    "sso": ("2019-06-10", (*SMITHY_RS, "sso.json")),
    "sso-oidc": ("2019-06-10", (*SMITHY_RS, "sso-oidc.json")),
    "kinesis": (
        "2013-12-02",
        (*API_MODELS, "kinesis", "service", "2013-12-02", "kinesis-2013-12-02.json"),
    ),
    "lambda": (
        "2015-03-31",
        (*API_MODELS, "lambda", "service", "2015-03-31", "lambda-2015-03-31.json"),
    ),
    "logs": (
        "2014-03-28",
        (
            *API_MODELS,
            "cloudwatch-logs",
            "service",
            "2014-03-28",
            "cloudwatch-logs-2014-03-28.json",
        ),
    ),
    "qbusiness": (
        "2023-11-27",
        (*API_MODELS, "qbusiness", "service", "2023-11-27", "qbusiness-2023-11-27.json"),
    ),
    "secretsmanager": (
        "2017-10-17",
        (
            *API_MODELS,
            "secrets-manager",
            "service",
            "2017-10-17",
            "secrets-manager-2017-10-17.json",
        ),
    ),
}

MEMBER_TRAITS = (
    "smithy.api#httpHeader",
    "smithy.api#httpQuery",
    "smithy.api#httpLabel",
    "smithy.api#httpPayload",
    "smithy.api#httpPrefixHeaders",
    "smithy.api#httpQueryParams",
    "smithy.api#httpResponseCode",
    "smithy.api#jsonName",
    "smithy.api#eventHeader",
    "smithy.api#eventPayload",
    "smithy.api#idempotencyToken",
    "smithy.api#hostLabel",
    "smithy.api#timestampFormat",
)
SHAPE_TRAITS = ("smithy.api#error", "smithy.api#streaming", "smithy.api#timestampFormat")

# (service, place) -> why the official model differs from the botocore C2J of the same API.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("dynamodb", "AttributeValue type"): "the C2J marks it a plain structure, not a union",
    (
        "dynamodb",
        "PutResourcePolicyInput$ConfirmRemoveSelfResourceAccess smithy.api#httpHeader",
    ): "the C2J of an awsJson service leaves out header bindings, which awsJson ignores",
    (
        "lambda",
        "DeleteFunction smithy.api#http",
    ): "api-models-aws (2025-04) answers 204; botocore's newer C2J 200",
    (
        "qbusiness",
        "BrowserExtension type",
    ): "api-models-aws keeps the IDL 1.0 @enum trait on a string",
}


def official_model(parts: tuple[str, ...]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(shared_path(*parts).read_text(encoding="utf-8"))
    return loaded


def botocore_c2j(service: str, version: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    folder = BOTOCORE_DATA / service / version
    if not (folder / "service-2.json.gz").exists():
        pytest.skip(f"botocore {botocore.__version__} has no {service} {version} model")
    document = json.loads(gzip.decompress((folder / "service-2.json.gz").read_bytes()))
    pages = folder / "paginators-1.json"
    return document, json.loads(pages.read_text(encoding="utf-8")) if pages.exists() else None


def by_name(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k.partition("#")[2]: v for k, v in model["shapes"].items()}


def differences(ours: dict[str, Any], official: dict[str, Any]) -> list[str]:
    """Every compared fact that differs, as 'place: ours vs official'."""
    found: list[str] = []
    for name, shape in sorted(by_name(ours).items()):
        theirs = by_name(official).get(name)
        if theirs is None:
            continue
        if shape["type"] != theirs["type"]:
            found.append(f"{name} type: {shape['type']} vs {theirs['type']}")
            continue
        compare = _SERVICE_TRAITS if shape["type"] == "service" else SHAPE_TRAITS
        if shape["type"] == "operation":
            compare = ("smithy.api#http", "smithy.api#auth")
        found += _trait_differences(name, shape, theirs, compare)
        for member, body in shape.get("members", {}).items():
            if shape["type"] != "enum" and member in theirs.get("members", {}):
                their_member = theirs["members"][member]
                found += _trait_differences(f"{name}${member}", body, their_member, MEMBER_TRAITS)
    return found


_SERVICE_TRAITS = ("aws.auth#sigv4", "smithy.api#httpBearerAuth", "smithy.api#auth")


def _trait_differences(
    place: str, ours: dict[str, Any], theirs: dict[str, Any], names: tuple[str, ...]
) -> list[str]:
    found = []
    for name in names:
        mine, official = ours.get("traits", {}).get(name), theirs.get("traits", {}).get(name)
        if name == "smithy.api#http" and mine and official:
            mine, official = {"code": 200, **mine}, {"code": 200, **official}
        if name == "smithy.api#auth" and ours["type"] == "service" and mine is None:
            continue  # without an 'auth' list the C2J states no order
        if mine != official:
            found.append(f"{place} {name}: {mine!r} vs {official!r}")
    return found


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_botocore_c2j_converts_to_the_official_smithy_model(service: str) -> None:
    version, parts = SERVICES[service]
    document, paginators = botocore_c2j(service, version)
    official = official_model(parts)
    ours = convert_c2j(document, paginators=paginators, source=service).model
    [our_service] = [s for s in ours["shapes"].values() if s["type"] == "service"]
    [their_service] = [s for s in official["shapes"].values() if s["type"] == "service"]
    assert our_service["version"] == their_service["version"] == version
    our_protocols = {t for t in our_service["traits"] if "protocols#" in t}
    assert our_protocols == {t for t in their_service["traits"] if "protocols#" in t}
    common = set(by_name(ours)) & set(by_name(official))
    assert len(common) > 0.5 * len(by_name(official)), "too little in common to compare"
    unexplained = [
        d
        for d in differences(ours, official)
        if (service, d.partition(":")[0]) not in KNOWN_DIFFERENCES
    ]
    assert unexplained == []

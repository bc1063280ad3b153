"""Cognito identity-pool credentials: the two calls, caching, renewal, errors, and the model."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import botocore
import pytest

from qsmith.runtime.errors import ConfigError, IdentityError
from qsmith.telemetry import TelemetryClientInfo, TelemetryPublisher
from qsmith.telemetry.cognito import (
    CognitoCredentialsProvider,
    CognitoIdentityCalls,
    CognitoIdentityError,
    cognito_credentials,
)
from qsmith.telemetry.http_sender import HttpMetricSender
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.support.shared import REPO_ROOT
from tests.telemetry.fakes import datum

POOL = "us-east-1:01234567-89ab-cdef-0123-456789abcdef"
IDENTITY = "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


class FakeCognito:
    """Answers GetId and GetCredentialsForIdentity; credentials live ``lifetime`` seconds."""

    def __init__(self, lifetime: float = 3600) -> None:
        self.lifetime = lifetime
        self.issued = 0
        self.forget_identity = False

    def __call__(self, request: RecordedRequest) -> ScriptedResponse:
        target = request.header("x-amz-target")
        body = json.loads(request.body)
        if target == "AWSCognitoIdentityService.GetId":
            return ScriptedResponse.json(200, json.dumps({"IdentityId": IDENTITY}))
        if target == "AWSCognitoIdentityService.GetCredentialsForIdentity":
            if self.forget_identity:
                self.forget_identity = False
                return ScriptedResponse.json(
                    400, '{"__type": "ResourceNotFoundException", "message": "no such identity"}'
                )
            assert body == {"IdentityId": IDENTITY}
            self.issued += 1
            credentials = {
                "AccessKeyId": f"ASIACOGNITO{self.issued:04d}",
                "SecretKey": "cognito-secret",
                "SessionToken": "cognito-token",
                "Expiration": time.time() + self.lifetime,
            }
            return ScriptedResponse.json(
                200, json.dumps({"IdentityId": IDENTITY, "Credentials": credentials})
            )
        return ScriptedResponse(status=200)  # PostMetrics


def targets(server: LoopbackServer) -> list[str]:
    return [r.header("x-amz-target") or f"{r.method} {r.path}" for r in server.requests]


def test_get_id_then_credentials_unsigned_awsjson11(loopback: LoopbackServer) -> None:
    loopback.set_handler(FakeCognito())
    provider = CognitoCredentialsProvider(
        POOL, CognitoIdentityCalls("us-east-1", endpoint=loopback.url)
    )
    credentials = provider.resolve_credentials()
    assert credentials.access_key_id == "ASIACOGNITO0001"
    assert credentials.session_token == "cognito-token" and credentials.source == "cognito-identity"
    get_id, get_credentials = loopback.requests
    assert json.loads(get_id.body) == {"IdentityPoolId": POOL}
    for request in (get_id, get_credentials):
        assert (request.method, request.path) == ("POST", "/")
        assert request.header("content-type") == "application/x-amz-json-1.1"
        assert request.header("authorization") is None
    assert "cognito-secret" not in repr(credentials)


def test_credentials_are_cached_until_they_near_expiry(loopback: LoopbackServer) -> None:
    cognito = FakeCognito(lifetime=3600)
    loopback.set_handler(cognito)
    provider = cognito_credentials(POOL, endpoint=loopback.url)
    first = provider.resolve_credentials()
    assert provider.resolve_credentials() is first
    assert cognito.issued == 1 and len(loopback.requests) == 2


def test_credentials_near_expiry_are_renewed_for_the_same_identity(
    loopback: LoopbackServer,
) -> None:
    cognito = FakeCognito(lifetime=60)  # inside the five-minute renewal margin
    loopback.set_handler(cognito)
    provider = cognito_credentials(POOL, endpoint=loopback.url)
    first = provider.resolve_credentials()
    second = provider.resolve_credentials()
    assert (first.access_key_id, second.access_key_id) == ("ASIACOGNITO0001", "ASIACOGNITO0002")
    assert targets(loopback).count("AWSCognitoIdentityService.GetId") == 1


def test_a_forgotten_identity_is_replaced_once(loopback: LoopbackServer) -> None:
    cognito = FakeCognito()
    loopback.set_handler(cognito)
    provider = CognitoCredentialsProvider(
        POOL, CognitoIdentityCalls("us-east-1", endpoint=loopback.url)
    )
    provider.resolve_credentials()
    cognito.forget_identity = True
    provider.resolve_credentials()
    assert targets(loopback) == [
        "AWSCognitoIdentityService.GetId",
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
        "AWSCognitoIdentityService.GetId",
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
    ]


def test_service_errors_are_identity_errors_naming_the_code(loopback: LoopbackServer) -> None:
    loopback.enqueue(
        ScriptedResponse.json(
            400,
            '{"__type": "com.amazonaws.cognitoidentity#NotAuthorizedException", '
            '"message": "Unauthenticated access is not supported for this identity pool."}',
        )
    )
    provider = CognitoCredentialsProvider(
        POOL, CognitoIdentityCalls("us-east-1", endpoint=loopback.url)
    )
    with pytest.raises(CognitoIdentityError) as caught:
        provider.resolve_credentials()
    assert isinstance(caught.value, IdentityError)
    assert caught.value.code == "NotAuthorizedException"
    assert str(caught.value).startswith("cognito-identity GetId failed with NotAuthorizedException")


def test_a_malformed_pool_id_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'not-a-pool' is not '<region>:<uuid>'"):
        CognitoCredentialsProvider("not-a-pool")


def test_end_to_end_cognito_credentials_sign_post_metrics(loopback: LoopbackServer) -> None:
    loopback.set_handler(FakeCognito())
    sender = HttpMetricSender(
        TelemetryClientInfo(product="AWS Toolkit For VS Code", product_version="1.0"),
        cognito_credentials(POOL, endpoint=loopback.url),
        endpoint=loopback.url,
    )
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False)
    for i in range(25):
        publisher.record(datum(i))
    assert publisher.flush(timeout=10)
    publisher.close()
    assert targets(loopback) == [
        "AWSCognitoIdentityService.GetId",
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
        "POST /metrics",
        "POST /metrics",
    ]
    for request in loopback.requests[2:]:
        assert "Credential=ASIACOGNITO0001/" in (request.header("authorization") or "")
        assert request.header("x-amz-security-token") == "cognito-token"


# --- the model: our subset against the public C2J model botocore ships -----------------

NS = "com.amazonaws.cognitoidentity#"
PRELUDE = {"String": "smithy.api#String"}


def our_model() -> dict[str, dict[str, object]]:
    shapes: dict[str, dict[str, object]] = json.loads(
        (REPO_ROOT / "models" / "cognito-identity.json").read_text()
    )["shapes"]
    return shapes


def botocore_model() -> dict[str, object]:
    path = Path(botocore.__file__).parent / "data" / "cognito-identity" / "2014-06-30"
    loaded: dict[str, object] = json.loads(
        gzip.decompress((path / "service-2.json.gz").read_bytes())
    )
    return loaded


def test_the_model_loads_with_the_project_loader() -> None:
    from qsmith.codegen.model import load_model

    model = load_model(REPO_ROOT / "models" / "cognito-identity.json")
    assert [s.id for s in model.services()] == [NS + "AWSCognitoIdentityService"]


def test_the_model_agrees_with_the_public_c2j_model() -> None:
    ours = our_model()
    c2j = botocore_model()
    metadata = c2j["metadata"]
    service = ours[NS + "AWSCognitoIdentityService"]
    traits = service["traits"]
    assert service["version"] == metadata["apiVersion"]
    assert metadata["targetPrefix"] == "AWSCognitoIdentityService"
    assert (metadata["protocol"], metadata["jsonVersion"]) == ("json", "1.1")
    assert "aws.protocols#awsJson1_1" in traits
    signing_name = metadata.get("signingName", metadata["endpointPrefix"])
    assert traits["aws.auth#sigv4"] == {"name": signing_name}
    assert traits["aws.api#service"]["sdkId"] == metadata["serviceId"]
    assert traits["aws.api#service"]["endpointPrefix"] == metadata["endpointPrefix"]
    compared = set()
    for operation in ("GetId", "GetCredentialsForIdentity"):
        theirs = c2j["operations"][operation]
        mine = ours[NS + operation]
        assert theirs["authtype"] == "none" and mine["traits"] == {"smithy.api#auth": []}
        assert mine["input"]["target"] == NS + theirs["input"]["shape"]
        assert mine["output"]["target"] == NS + theirs["output"]["shape"]
        assert [e["target"] for e in mine["errors"]] == [NS + e["shape"] for e in theirs["errors"]]
    for name, shape in c2j["shapes"].items():
        if NS + name not in ours:
            continue
        compared.add(NS + name)
        compare_shape(name, shape, ours[NS + name])
    # every data shape we wrote has a counterpart, and was compared with it
    assert compared == {k for k, v in ours.items() if v["type"] not in ("operation", "service")}
    assert len(compared) == 26


def compare_shape(name: str, theirs: dict[str, object], mine: dict[str, object]) -> None:
    traits = mine.get("traits", {})
    assert isinstance(traits, dict)
    if theirs.get("exception"):
        assert traits["smithy.api#error"] == ("server" if theirs.get("fault") else "client"), name
    assert mine["type"] == theirs["type"], name
    length = traits.get("smithy.api#length", {})
    assert length.get("min") == theirs.get("min") and length.get("max") == theirs.get("max"), name
    if "pattern" in theirs:
        assert traits["smithy.api#pattern"] == f"^{theirs['pattern']}$", name
    assert ("smithy.api#sensitive" in traits) == bool(theirs.get("sensitive")), name
    if theirs["type"] == "structure":
        members = mine["members"]
        assert isinstance(members, dict)
        assert list(members) == list(theirs["members"]), name
        for member, ref in theirs["members"].items():
            target = members[member]["target"]
            assert target in (NS + ref["shape"], PRELUDE.get(ref["shape"])), (name, member)
            required = "smithy.api#required" in members[member].get("traits", {})
            assert required == (member in theirs.get("required", [])), (name, member)
    if theirs["type"] == "map":
        assert mine["key"]["target"] == NS + theirs["key"]["shape"]
        assert mine["value"]["target"] == NS + theirs["value"]["shape"]

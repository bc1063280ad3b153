"""The product's STS client (awsQuery, ``qsmith.clients.sts`` from models/sts.json) on the wire.

Requests must be the form botocore sends for the same call; answers and errors must read
as botocore reads them. A loopback server plays STS.
"""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime
from typing import Any

import pytest

from qsmith.clients.sts import Client, errors, models
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse

CONFIG = ClientConfig(
    region="eu-west-1", credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary"), max_attempts=1
)
ASSUME_ROLE_ANSWER = b"""<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/session-1</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:session-1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLEKEYID0001</AccessKeyId>
      <SecretAccessKey>sts-secret-canary</SecretAccessKey>
      <SessionToken>session-token-canary</SessionToken>
      <Expiration>2026-12-08T01:02:03Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>
"""
EXPIRED = b"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>ExpiredTokenException</Code><Message>expired</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c8</RequestId>
</ErrorResponse>
"""


def _botocore_operation(operation: str) -> Any:
    import botocore.session
    from botocore.model import ServiceModel

    session = botocore.session.get_session()
    return ServiceModel(session.get_service_data("sts")).operation_model(operation)


def _botocore_form(operation: str, params: dict[str, Any]) -> dict[str, str]:
    from botocore.serialize import create_serializer

    request = create_serializer("query").serialize_to_request(
        params, _botocore_operation(operation)
    )
    return {key: str(value) for key, value in request["body"].items()}


def _sent_form(loopback: LoopbackServer) -> dict[str, str]:
    (request,) = loopback.requests
    assert request.method == "POST" and request.target == "/"
    assert (request.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")
    return dict(urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True))


def test_assume_role_sends_the_form_botocore_sends(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(status=200, body=ASSUME_ROLE_ANSWER))
    with Client(endpoint_url=loopback.url, config=CONFIG) as client:
        client.assume_role(
            role_arn="arn:aws:iam::123456789012:role/demo",
            role_session_name="session-1",
            duration_seconds=900,
            policy_arns=[models.PolicyDescriptorType(arn="arn:aws:iam::aws:policy/ReadOnly")],
            tags=[models.Tag(key="team", value="q"), models.Tag(key="env", value="a b&c")],
            transitive_tag_keys=["team"],
        )
    assert _sent_form(loopback) == _botocore_form(
        "AssumeRole",
        {
            "RoleArn": "arn:aws:iam::123456789012:role/demo",
            "RoleSessionName": "session-1",
            "DurationSeconds": 900,
            "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnly"}],
            "Tags": [{"Key": "team", "Value": "q"}, {"Key": "env", "Value": "a b&c"}],
            "TransitiveTagKeys": ["team"],
        },
    )


def test_get_caller_identity_sends_the_form_botocore_sends(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(status=200, body=b"<GetCallerIdentityResponse/>"))
    with Client(endpoint_url=loopback.url, config=CONFIG) as client:
        answer = client.get_caller_identity()
    assert answer == models.GetCallerIdentityResponse()
    assert _sent_form(loopback) == _botocore_form("GetCallerIdentity", {})
    (request,) = loopback.requests
    assert "/eu-west-1/sts/aws4_request" in (request.header("Authorization") or "")


def test_assume_role_reads_what_botocore_reads(loopback: LoopbackServer) -> None:
    from botocore.parsers import create_parser

    expected = create_parser("query").parse(
        {"body": ASSUME_ROLE_ANSWER, "headers": {}, "status_code": 200},
        _botocore_operation("AssumeRole").output_shape,
    )
    loopback.enqueue(ScriptedResponse(status=200, body=ASSUME_ROLE_ANSWER))
    with Client(endpoint_url=loopback.url, config=CONFIG) as client:
        answer = client.assume_role(role_arn="arn:aws:iam::1:role/r", role_session_name="s")
    credentials, wanted = answer.credentials, expected["Credentials"]
    assert credentials is not None and answer.assumed_role_user is not None
    assert credentials.access_key_id == wanted["AccessKeyId"]
    assert credentials.secret_access_key == wanted["SecretAccessKey"]
    assert credentials.session_token == wanted["SessionToken"]
    assert (
        credentials.expiration == wanted["Expiration"] == datetime(2026, 12, 8, 1, 2, 3, tzinfo=UTC)
    )
    assert answer.assumed_role_user.arn == expected["AssumedRoleUser"]["Arn"]
    assert answer.packed_policy_size == expected["PackedPolicySize"] == 6
    assert answer.source_identity == expected["SourceIdentity"]
    assert "sts-secret-canary" not in repr(answer)  # @sensitive in the model


def test_an_awsquery_error_becomes_its_typed_class(loopback: LoopbackServer) -> None:
    answer = ScriptedResponse(status=400, headers=[("Content-Type", "text/xml")], body=EXPIRED)
    loopback.enqueue(answer, answer)
    client = Client(endpoint_url=loopback.url, config=CONFIG)
    with client, pytest.raises(errors.ExpiredTokenException) as modeled:
        client.assume_role(role_arn="arn:aws:iam::1:role/r", role_session_name="s")
    assert modeled.value.code == "ExpiredTokenException" and "expired" in str(modeled.value)
    # GetCallerIdentity lists no errors: the same answer is the service's base error.
    client = Client(endpoint_url=loopback.url, config=CONFIG)
    with client, pytest.raises(errors.STSError) as unmodeled:
        client.get_caller_identity()
    assert type(unmodeled.value) is errors.STSError
    assert unmodeled.value.code == "ExpiredTokenException"

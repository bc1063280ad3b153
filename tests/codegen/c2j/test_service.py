"""Service shape: name, namespace, version, sdkId, protocols and auth."""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.codegen.c2j.inputs import JSON_METADATA, REST_METADATA, c2j, convert, snapshot_view

SIMPLE_SHAPES = {
    "PingInput": {"type": "structure", "members": {}},
    "PingOutput": {"type": "structure", "members": {}},
}
PING = {
    "Ping": {
        "name": "Ping",
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "PingInput"},
        "output": {"shape": "PingOutput"},
    }
}


def service_of(metadata: dict[str, Any], **kwargs: Any) -> tuple[str, dict[str, Any]]:
    conversion = convert(c2j(SIMPLE_SHAPES, PING, metadata), **kwargs)
    services = [(k, v) for k, v in conversion.model["shapes"].items() if v["type"] == "service"]
    assert len(services) == 1
    return services[0]


def test_json_service_carries_name_version_sdk_id_protocol_and_sigv4(
    snapshot: SnapshotAssertion,
) -> None:
    conversion = convert(c2j(SIMPLE_SHAPES, PING))
    service_id, service = service_of(JSON_METADATA)
    assert service_id == "com.amazonaws.exampleservice#ExampleService"
    assert service["version"] == "2024-01-01"
    assert service["operations"] == [{"target": "com.amazonaws.exampleservice#Ping"}]
    assert service["traits"]["aws.api#service"] == {
        "sdkId": "Example Service",
        "endpointPrefix": "example",
    }
    assert service["traits"]["aws.protocols#awsJson1_0"] == {}
    assert service["traits"]["aws.auth#sigv4"] == {"name": "example"}
    assert "smithy.api#auth" not in service["traits"]  # one scheme, no order to state
    assert snapshot_view(conversion) == snapshot


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"jsonVersion": "1.1"}, ["aws.protocols#awsJson1_1"]),
        ({"protocol": "rest-json"}, ["aws.protocols#restJson1"]),
        (
            {"protocols": ["rest-json", "json"]},
            ["aws.protocols#awsJson1_0", "aws.protocols#restJson1"],
        ),
        ({"protocols": ["smithy-rpc-v2-cbor"]}, ["smithy.protocols#rpcv2Cbor"]),
        ({"protocol": "query"}, ["aws.protocols#awsQuery"]),
        ({"protocol": "ec2"}, ["aws.protocols#ec2Query"]),
        ({"protocol": "rest-xml"}, ["aws.protocols#restXml"]),
        (
            {"protocols": ["smithy-rpc-v2-cbor", "json", "query"]},
            ["aws.protocols#awsJson1_0", "aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor"],
        ),
    ],
)
def test_protocols_map_to_smithy_protocol_traits(
    changes: dict[str, Any], expected: list[str]
) -> None:
    _, service = service_of({**JSON_METADATA, **changes})
    found = sorted(t for t in service["traits"] if "protocols#" in t)
    assert found == expected


def test_unsupported_protocol_is_a_warning_not_a_silent_drop() -> None:
    conversion = convert(c2j(SIMPLE_SHAPES, PING, {**JSON_METADATA, "protocol": "soap"}))
    assert [w.message for w in conversion.warnings] == [
        "protocol 'soap' is not supported: no protocol trait"
    ]


def test_bearer_signature_version_gives_http_bearer_auth_and_warns_about_signing_name() -> None:
    conversion = convert(c2j(SIMPLE_SHAPES, PING, {**JSON_METADATA, "signatureVersion": "bearer"}))
    service = next(v for v in conversion.model["shapes"].values() if v["type"] == "service")
    assert service["traits"]["smithy.api#httpBearerAuth"] == {}
    assert "aws.auth#sigv4" not in service["traits"]
    assert [w.message for w in conversion.warnings] == [
        "signingName 'example' not carried: the service has no SigV4"
    ]


def test_query_compatible_json_service() -> None:
    _, service = service_of({**JSON_METADATA, "awsQueryCompatible": {}})
    assert service["traits"]["aws.protocols#awsQueryCompatible"] == {}


def test_auth_list_keeps_its_order_over_signature_version() -> None:
    metadata = {**JSON_METADATA, "auth": ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]}
    _, service = service_of(metadata)
    assert service["traits"]["smithy.api#auth"] == ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]
    assert service["traits"]["aws.auth#sigv4"] == {"name": "example"}
    assert service["traits"]["smithy.api#httpBearerAuth"] == {}


def test_service_name_falls_back_from_target_prefix_to_service_id_to_uid() -> None:
    without_prefix = {k: v for k, v in JSON_METADATA.items() if k != "targetPrefix"}
    assert service_of(without_prefix)[0].endswith("#ExampleService")
    only_uid = {k: v for k, v in without_prefix.items() if k != "serviceId"}
    assert service_of(only_uid, namespace="a.b")[0] == "a.b#example"


def test_namespace_option_overrides_the_default() -> None:
    conversion = convert(c2j(SIMPLE_SHAPES, PING), namespace="com.example.things")
    assert sorted(conversion.model["shapes"]) == [
        "com.example.things#ExampleService",
        "com.example.things#Ping",
        "com.example.things#PingInput",
        "com.example.things#PingOutput",
    ]


def test_rest_json_service_with_title_and_documentation(snapshot: SnapshotAssertion) -> None:
    document = c2j(SIMPLE_SHAPES, PING, {**REST_METADATA, "serviceFullName": "Example Rest API"})
    document["documentation"] = "<p>An example.</p>"
    conversion = convert(document)
    service = next(v for v in conversion.model["shapes"].values() if v["type"] == "service")
    assert service["traits"]["smithy.api#title"] == "Example Rest API"
    assert service["traits"]["smithy.api#documentation"] == "<p>An example.</p>"
    assert snapshot_view(conversion) == snapshot

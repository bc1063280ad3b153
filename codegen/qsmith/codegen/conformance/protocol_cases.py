"""The client-side cases of the Smithy protocol tests, read from their JSON AST models.

Cases come from ``smithy.test#httpRequestTests`` / ``httpResponseTests`` on the
operations of each test service and on the errors those operations can raise, plus the
``smithy.test#eventStreamTests``, keeping those for the service's protocol that are not
server-only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qsmith.codegen.conformance.protocol_models import suite_shapes, suite_source

__all__ = ["PROTOCOLS", "VECTORS", "ProtocolCase", "collect"]

VECTORS = ("vectors", "smithy-protocol-tests", "json-ast")

# protocol name -> (protocol trait id, test services). The file stem is the protocol name.
# QueryCompatibleJsonRpc10 is the awsJson1_0 service that tests `awsQueryCompatible`.
PROTOCOLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "restJson1": ("aws.protocols#restJson1", ("aws.protocoltests.restjson#RestJson",)),
    "awsJson1_0": (
        "aws.protocols#awsJson1_0",
        ("aws.protocoltests.json10#JsonRpc10", "aws.protocoltests.json10#QueryCompatibleJsonRpc10"),
    ),
    "awsJson1_1": ("aws.protocols#awsJson1_1", ("aws.protocoltests.json#JsonProtocol",)),
    "awsQuery": ("aws.protocols#awsQuery", ("aws.protocoltests.query#AwsQuery",)),
    "ec2Query": ("aws.protocols#ec2Query", ("aws.protocoltests.ec2#AwsEc2",)),
    "restXml": (
        "aws.protocols#restXml",
        ("aws.protocoltests.restxml#RestXml", "com.amazonaws.s3#AmazonS3"),
    ),
    "restXmlWithNamespace": (
        "aws.protocols#restXml",
        ("aws.protocoltests.restxml.xmlns#RestXmlWithNamespace",),
    ),
    "rpcv2Cbor": ("smithy.protocols#rpcv2Cbor", ("smithy.protocoltests.rpcv2Cbor#RpcV2Protocol",)),
    "rpcv2Json": (
        "smithy.protocols#rpcv2Json",
        ("smithy.protocoltests.rpcv2Json#RpcV2JsonProtocol",),
    ),
    "rpcv2CborAws": (
        "smithy.protocols#rpcv2Cbor",
        (
            "aws.protocoltests.rpcv2cbor#QueryCompatibleRpcV2Protocol",
            "aws.protocoltests.rpcv2cbor#NonQueryCompatibleRpcV2Protocol",
        ),
    ),
}


@dataclass(frozen=True)
class ProtocolCase:
    protocol: str
    kind: str  # "request", "response", "error" or "event-stream"
    service_id: str
    operation_id: str
    case: Mapping[str, Any]
    error_id: str | None = None

    @property
    def id(self) -> str:
        return f"{self.protocol}:{self.kind}:{self.case['id']}"


def collect(protocol: str, shared: Path) -> list[ProtocolCase]:
    """Every client-side case of one protocol's test services (empty when data is missing)."""
    if not suite_source(shared, protocol).exists():
        return []
    trait, service_ids = PROTOCOLS[protocol]
    shapes = suite_shapes(shared, protocol)
    return [
        case
        for service_id in service_ids
        for case in _service_cases(protocol, trait, service_id, shapes)
    ]


def _service_cases(
    protocol: str, trait: str, service_id: str, shapes: Mapping[str, Any]
) -> Iterator[ProtocolCase]:
    error_owner: dict[str, str] = {}
    for ref in shapes[service_id]["operations"]:
        op_id = ref["target"]
        traits = shapes[op_id].get("traits", {})
        for error in shapes[op_id].get("errors", []):
            error_owner.setdefault(error["target"], op_id)
        for kind, key in (("request", "httpRequestTests"), ("response", "httpResponseTests")):
            for case in traits.get(f"smithy.test#{key}", []):
                if _client_side(case, trait):
                    yield ProtocolCase(protocol, kind, service_id, op_id, case)
        for case in traits.get("smithy.test#eventStreamTests", []):
            if _client_side(case, trait):
                yield ProtocolCase(protocol, "event-stream", service_id, op_id, case)
    for error_id, op_id in error_owner.items():
        traits = shapes[error_id].get("traits", {})
        for case in traits.get("smithy.test#httpResponseTests", []):
            if _client_side(case, trait):
                yield ProtocolCase(protocol, "error", service_id, op_id, case, error_id)


def _client_side(case: Mapping[str, Any], trait: str) -> bool:
    return case.get("protocol") == trait and case.get("appliesTo") != "server"

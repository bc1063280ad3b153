"""C2J ``metadata`` to the Smithy service shape: name, version, protocols, auth, sdkId."""

from __future__ import annotations

import re

from qsmith.codegen.c2j.context import IDENTIFIER, JsonObject
from qsmith.codegen.c2j.diagnostics import Diagnostics

SIGV4 = "aws.auth#sigv4"
BEARER = "smithy.api#httpBearerAuth"
NO_AUTH = "smithy.api#noAuth"

_WHERE = "metadata"
_KNOWN_METADATA = frozenset(
    {
        "apiVersion",
        "auth",
        "awsQueryCompatible",
        "endpointPrefix",
        "jsonVersion",
        "protocol",
        "protocols",
        "serviceFullName",
        "serviceId",
        "signatureVersion",
        "signingName",
        "targetPrefix",
        "uid",
    }
)
_REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
# C2J protocol names that map to one trait each ("json" depends on jsonVersion).
PROTOCOL_TRAITS = {
    "rest-json": "aws.protocols#restJson1",
    "rest-xml": "aws.protocols#restXml",
    "query": "aws.protocols#awsQuery",
    "ec2": "aws.protocols#ec2Query",
    "smithy-rpc-v2-cbor": "smithy.protocols#rpcv2Cbor",
}
_SIGNATURE_VERSIONS = {"v4": SIGV4, "bearer": BEARER}


def service_name(metadata: JsonObject) -> str:
    """The service shape's name: what awsJson puts before the dot of ``X-Amz-Target``."""
    for candidate in (metadata.get("targetPrefix"), metadata.get("serviceId")):
        if isinstance(candidate, str) and candidate:
            return re.sub(r"[^A-Za-z0-9_]", "", candidate)
    uid = metadata.get("uid")
    if isinstance(uid, str) and uid:
        # uid is "<endpoint name>-<apiVersion>"; the name part alone names the service.
        return re.sub(r"[^A-Za-z0-9_]", "", re.sub(r"-\d{4}-\d{2}-\d{2}$", "", uid))
    return ""


def default_namespace(metadata: JsonObject) -> str:
    """``com.amazonaws.<service id in lower case>``, the convention of AWS's Smithy models."""
    base = metadata.get("serviceId") or service_name(metadata)
    return "com.amazonaws." + re.sub(r"[^a-z0-9]", "", str(base).lower())


def protocol_names(metadata: JsonObject) -> list[str]:
    """The C2J protocol names, newest form (``protocols``) first."""
    listed = metadata.get("protocols")
    if isinstance(listed, list) and listed:
        return [str(p) for p in listed]
    single = metadata.get("protocol")
    return [str(single)] if single else []


def uses_xml(metadata: JsonObject) -> bool:
    """Whether a protocol of the service names its wire elements with ``xmlName``."""
    return any(p in ("rest-xml", "query", "ec2") for p in protocol_names(metadata))


def uses_http_bindings(metadata: JsonObject) -> bool:
    return any(p in _REST_PROTOCOLS for p in protocol_names(metadata))


def convert_service(
    diag: Diagnostics, metadata: JsonObject, operation_ids: list[str], documentation: object
) -> tuple[str, JsonObject]:
    """The service shape's name and body."""
    diag.unknown_keys(_WHERE, metadata, _KNOWN_METADATA)
    name = service_name(metadata)
    if not IDENTIFIER.match(name):
        diag.problem(_WHERE, "no targetPrefix, serviceId or uid gives a valid service name")
    version = metadata.get("apiVersion")
    if not isinstance(version, str):
        diag.problem(_WHERE, "apiVersion is missing")
    traits: JsonObject = {}
    if isinstance(metadata.get("serviceId"), str):
        service: JsonObject = {"sdkId": metadata["serviceId"]}
        if "endpointPrefix" in metadata:
            service["endpointPrefix"] = metadata["endpointPrefix"]
        traits["aws.api#service"] = service
    else:
        diag.warn(_WHERE, "no serviceId: aws.api#service (sdkId) not emitted")
    if "serviceFullName" in metadata:
        traits["smithy.api#title"] = metadata["serviceFullName"]
    if documentation is not None:
        traits["smithy.api#documentation"] = documentation
    traits.update(_protocol_traits(diag, metadata))
    if isinstance(metadata.get("awsQueryCompatible"), dict):
        traits["aws.protocols#awsQueryCompatible"] = {}
    traits.update(_auth_traits(diag, metadata))
    shape: JsonObject = {
        "type": "service",
        "version": version if isinstance(version, str) else "",
        "operations": [{"target": op} for op in sorted(operation_ids)],
        "traits": traits,
    }
    return name, shape


def _protocol_traits(diag: Diagnostics, metadata: JsonObject) -> JsonObject:
    traits: JsonObject = {}
    for protocol in protocol_names(metadata):
        if protocol == "json":
            json_version = str(metadata.get("jsonVersion", "1.0"))
            if json_version not in {"1.0", "1.1"}:
                diag.problem(_WHERE, f"jsonVersion {json_version!r} is neither 1.0 nor 1.1")
            suffix = "1_1" if json_version == "1.1" else "1_0"
            traits[f"aws.protocols#awsJson{suffix}"] = {}
        elif protocol in PROTOCOL_TRAITS:
            traits[PROTOCOL_TRAITS[protocol]] = {}
        else:
            diag.warn(_WHERE, f"protocol {protocol!r} is not supported: no protocol trait")
    if not protocol_names(metadata):
        diag.warn(_WHERE, "no protocol given: no protocol trait")
    return traits


def _auth_traits(diag: Diagnostics, metadata: JsonObject) -> JsonObject:
    schemes = _auth_schemes(diag, metadata)
    traits: JsonObject = {}
    signing_name = metadata.get("signingName")
    if SIGV4 in schemes:
        name = signing_name or metadata.get("endpointPrefix")
        if not isinstance(name, str):
            diag.problem(_WHERE, "SigV4 auth needs a signingName or endpointPrefix")
        traits[SIGV4] = {"name": name}
    elif signing_name is not None:
        diag.warn(_WHERE, f"signingName {signing_name!r} not carried: the service has no SigV4")
    if BEARER in schemes:
        traits[BEARER] = {}
    if isinstance(metadata.get("auth"), list) and len(schemes) > 1:
        traits["smithy.api#auth"] = schemes  # only a listed choice of schemes has an order
    return traits


def _auth_schemes(diag: Diagnostics, metadata: JsonObject) -> list[str]:
    """Auth scheme shape ids in priority order: the ``auth`` list, else signatureVersion."""
    listed = metadata.get("auth")
    if isinstance(listed, list):
        schemes = []
        for scheme in listed:
            if scheme in (SIGV4, BEARER):
                schemes.append(str(scheme))
            elif scheme == NO_AUTH:
                diag.warn(_WHERE, "auth lists smithy.api#noAuth: expressed as no scheme")
            else:
                diag.warn(_WHERE, f"auth scheme {scheme!r} is not supported")
        implied = _SIGNATURE_VERSIONS.get(str(metadata.get("signatureVersion")))
        if implied is not None and implied not in schemes:
            diag.warn(_WHERE, f"signatureVersion implies {implied}, which 'auth' does not list")
        return schemes
    version = metadata.get("signatureVersion")
    if version is None:
        return []
    if version in _SIGNATURE_VERSIONS:
        return [_SIGNATURE_VERSIONS[str(version)]]
    diag.warn(_WHERE, f"signatureVersion {version!r} is not supported: no auth trait")
    return []

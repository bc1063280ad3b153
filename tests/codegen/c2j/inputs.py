"""Builders for small hand-written C2J documents."""

from __future__ import annotations

from typing import Any

from qsmith.codegen.c2j import C2JConversion, convert_c2j

JSON_METADATA: dict[str, Any] = {
    "apiVersion": "2024-01-01",
    "protocol": "json",
    "jsonVersion": "1.0",
    "serviceId": "Example Service",
    "targetPrefix": "ExampleService",
    "signatureVersion": "v4",
    "signingName": "example",
    "endpointPrefix": "example",
    "uid": "example-2024-01-01",
}
REST_METADATA: dict[str, Any] = {
    "apiVersion": "2024-01-01",
    "protocol": "rest-json",
    "serviceId": "Example Rest",
    "signatureVersion": "v4",
    "signingName": "example",
    "endpointPrefix": "example",
}


def c2j(
    shapes: dict[str, Any],
    operations: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "version": "2.0",
        "metadata": dict(JSON_METADATA if metadata is None else metadata),
        "operations": operations or {},
        "shapes": shapes,
    }


def convert(document: dict[str, Any], **kwargs: Any) -> C2JConversion:
    return convert_c2j(document, source="input.json", **kwargs)


def shape(conversion: C2JConversion, name: str) -> dict[str, Any]:
    """A converted shape by name, in the namespace the conversion used."""
    matches = [v for k, v in conversion.model["shapes"].items() if k.partition("#")[2] == name]
    assert len(matches) == 1, f"{name}: {len(matches)} matches"
    result: dict[str, Any] = matches[0]
    return result


def traits(conversion: C2JConversion, name: str, member: str | None = None) -> dict[str, Any]:
    body = shape(conversion, name)
    if member is not None:
        body = body["members"][member]
    found: dict[str, Any] = body.get("traits", {})
    return found


def snapshot_view(conversion: C2JConversion) -> dict[str, Any]:
    """What a snapshot records: the exact JSON text (order included) and every warning."""
    return {"json": conversion.to_json(), "warnings": [str(w) for w in conversion.warnings]}

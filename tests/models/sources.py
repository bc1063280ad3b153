"""The extracted sources the models are checked against, and the one smithy-rs name table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.models.ast_index import Model, name
from tests.support.shared import shared_path

CRATES = {
    "codewhisperer": "amzn-codewhisperer-client",
    "codewhisperer-streaming": "amzn-codewhisperer-streaming-client",
    "consolas": "amzn-consolas-client",
    "qdeveloper-streaming": "amzn-qdeveloper-streaming-client",
    "toolkit-telemetry": "amzn-toolkit-telemetry-client",
}
NPM_SCHEMA = "npm-cwsc-1.0.45.schema.json"
UNIT = "smithy.api#Unit"

# THE table: smithy-rs renamed these shapes in the Rust crates; the C2J files, the npm schema
# and the wire's `__type` spell them as on the right.  Operation inputs and outputs are matched
# through the operation instead (smithy-rs names them <Op>Input / <Op>Output).
RUST_TO_SMITHY = {
    "AccessDeniedError": "AccessDeniedException",
    "ConflictError": "ConflictException",
    "DryRunOperationError": "DryRunOperationException",
    "InternalServerError": "InternalServerException",
    "ResourceNotFoundError": "ResourceNotFoundException",
    "ServiceLinkedRoleLockClientError": "ServiceLinkedRoleLockClientException",
    "ServiceLinkedRoleLockServiceError": "ServiceLinkedRoleLockServiceException",
    "ServiceQuotaExceededError": "ServiceQuotaExceededException",
    "ServiceUnavailableError": "ServiceUnavailableException",
    "ThrottlingError": "ThrottlingException",
    "UpdateUsageLimitQuotaExceededError": "UpdateUsageLimitQuotaExceededException",
    "ValidationError": "ValidationException",
    "AwsProduct": "AWSProduct",
    "McpConfiguration": "MCPConfiguration",
    "McpMethod": "MCPMethod",
    "McpStreamOutput": "MCPStreamOutput",
    "SsoIdentityDetails": "SSOIdentityDetails",
    "SsoIdentitySource": "SSOIdentitySource",
}


def load_extracted(filename: str) -> Any:
    path: Path = shared_path("upstream", "extracted", filename)
    return json.loads(path.read_text())


def rust_extract(service: str) -> dict[str, Any]:
    data: dict[str, Any] = load_extracted(f"{CRATES[service]}.prod.json")
    return data


def npm_schema() -> dict[str, Any]:
    data: dict[str, Any] = load_extracted(NPM_SCHEMA)
    return data


def smithy_names(service: str, model: Model) -> dict[str, str]:
    """smithy-rs shape name -> model shape name, for every shape of the Rust extract."""
    extract = rust_extract(service)
    ops = {name(i): op for i, op in model.operations().items()}
    names = {rust: RUST_TO_SMITHY.get(rust, rust) for rust in extract["shapes"]}
    for op_name, raw in extract["operations"].items():
        op = ops.get(op_name)
        if op is None:
            continue
        names[raw["input"]] = name(op["input"]["target"])
        # smithy-rs synthesizes an empty <Op>Output where the model has none (smithy.api#Unit).
        names[raw["output"]] = op["output"]["target"]
        if names[raw["output"]] != UNIT:
            names[raw["output"]] = name(names[raw["output"]])
    return names


RUST_SCALARS = {
    "String": "string",
    "bool": "boolean",
    "i32": "integer",
    "i64": "long",
    "f32": "float",
    "f64": "double",
    "Blob": "blob",
    "DateTime": "timestamp",
    "Document": "document",
}


def rust_type(text: str) -> tuple[bool, str, str | None]:
    """(optional, kind, named shape) of a smithy-rs field type; tolerant of truncated text."""
    text = text.replace(" ", "")
    optional = text.startswith("Option<")
    if optional:
        text = text[len("Option<") :]
    text = text.rstrip(">")
    if text.startswith("EventStream<"):
        return optional, "stream", text[len("EventStream<") :]
    if text.startswith("Vec<"):
        return optional, "list", None
    if text.startswith("HashMap<"):
        return optional, "map", None
    if text in RUST_SCALARS:
        return optional, RUST_SCALARS[text], None
    if not re.fullmatch(r"[A-Z]\w*", text):
        raise ValueError(f"unreadable smithy-rs type {text!r}")
    return optional, "named", text


def rust_member_name(raw: dict[str, Any]) -> str:
    """The member's Smithy name: its wire name, or (event stream payloads) the camelCase field."""
    if raw["wire"]:
        return str(raw["wire"])
    head, *rest = raw["rust"].split("_")
    return head + "".join(part.capitalize() for part in rest)

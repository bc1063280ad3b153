"""The protocol-test models, read from the suites' Smithy IDL or JSON AST where they are.

restJson1 and the awsJson suites ship as JSON AST (``json-ast/<protocol>.flat.json``);
the others exist only as IDL (``model/<folder>``, ``model-smithy/<folder>``) and are
converted here, at run time, by qsmith's own IDL loader, so no copy of an upstream
model is kept and the conversion is re-done from the suite's text on every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from qsmith.codegen.model import Model, load_model

__all__ = ["IDL_SUITES", "SUITE_ROOT", "suite_model", "suite_shapes", "suite_source"]

SUITE_ROOT = ("vectors", "smithy-protocol-tests")

# protocol name -> (IDL folder of its test services, the folder of its shared-types.smithy).
# The trait definitions in `traits/` come with every suite, except the prelude, which the
# loader has built in.
IDL_SUITES: dict[str, tuple[str, str]] = {
    "awsQuery": ("model/awsQuery", "model"),
    "ec2Query": ("model/ec2Query", "model"),
    "restXml": ("model/restXml", "model"),
    "restXmlWithNamespace": ("model/restXmlWithNamespace", "model"),
    "rpcv2Cbor": ("model-smithy/rpcv2Cbor", "model-smithy"),
    "rpcv2CborAws": ("model/rpcv2Cbor-aws", "model"),
    "rpcv2Json": ("model-smithy/rpcv2Json", "model-smithy"),
}


def _idl_files(shared: Path, protocol: str) -> list[Path]:
    root = shared.joinpath(*SUITE_ROOT)
    folder, types_folder = IDL_SUITES[protocol]
    files = sorted((root / folder).rglob("*.smithy"))
    traits = sorted(p for p in (root / "traits").glob("*.smithy") if p.name != "prelude.smithy")
    return [*files, root / types_folder / "shared-types.smithy", *traits]


def suite_source(shared: Path, protocol: str) -> Path:
    """The file or folder whose presence says the suite's data is there."""
    if protocol in IDL_SUITES:
        return shared.joinpath(*SUITE_ROOT, IDL_SUITES[protocol][0])
    return shared.joinpath(*SUITE_ROOT, "json-ast", f"{protocol}.flat.json")


@cache
def suite_model(shared: Path, protocol: str) -> Model:
    """One suite's model: its JSON AST, or its IDL converted by qsmith's IDL loader."""
    if protocol in IDL_SUITES:
        return load_model([str(p) for p in _idl_files(shared, protocol)])
    return load_model(suite_source(shared, protocol))


@cache
def suite_shapes(shared: Path, protocol: str) -> Mapping[str, Any]:
    """The suite's shapes as JSON AST nodes (mixins and ``apply`` already resolved)."""
    model = suite_model(shared, protocol)
    return {shape.id: shape.to_ast() for shape in model.user_shapes()}

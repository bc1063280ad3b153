"""Test support: the client-side cases of the Smithy protocol tests, and their values.

Cases come from ``smithy.test#httpRequestTests`` / ``httpResponseTests`` on the
operations of one service and on the errors those operations can raise, keeping
those for the service's protocol that are not server-only. Test ``params`` are plain
JSON; ``to_value`` turns them into values as the generated classes would hold them,
and ``comparable`` turns values into plain data that compares NaN equal to NaN.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from qsmith.runtime.schema import Schema, ShapeType
from qsmith.runtime.serde.scalars import EPOCH, default_value
from qsmith.runtime.values import ModeledServiceError, UnionVariant, UnknownUnionMember
from tests.protocols.model import ModelSchemas
from tests.support.shared import shared_root

VECTORS = ("vectors", "smithy-protocol-tests", "json-ast")

# protocol name -> (protocol trait id, test services). The file stem is the protocol name.
# QueryCompatibleJsonRpc10 is the awsJson1_0 service that tests `awsQueryCompatible`.
SERVICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "awsJson1_0": (
        "aws.protocols#awsJson1_0",
        ("aws.protocoltests.json10#JsonRpc10", "aws.protocoltests.json10#QueryCompatibleJsonRpc10"),
    ),
    "awsJson1_1": ("aws.protocols#awsJson1_1", ("aws.protocoltests.json#JsonProtocol",)),
    "restJson1": ("aws.protocols#restJson1", ("aws.protocoltests.restjson#RestJson",)),
}


@dataclass(frozen=True)
class Case:
    protocol: str
    kind: str  # "request", "response", "error" or "event-stream"
    service_id: str
    operation_id: str
    case: Mapping[str, Any]
    error_id: str | None = None

    @property
    def id(self) -> str:
        return f"{self.protocol}:{self.kind}:{self.case['id']}"


def model_file(root: Path, protocol: str) -> Path:
    return root.joinpath(*VECTORS, f"{protocol}.flat.json")


@cache
def load_shapes(path: Path) -> Mapping[str, Any]:
    with path.open(encoding="utf-8") as handle:
        shapes: Mapping[str, Any] = json.load(handle)["shapes"]
    return shapes


@cache
def model(path: Path) -> ModelSchemas:
    return ModelSchemas(load_shapes(path))


def collect(protocol: str, root: Path | None = None) -> list[Case]:
    """Every client-side case of one protocol's test service (empty when data is missing)."""
    path = model_file(root or shared_root(), protocol)
    if not path.exists():
        return []
    return list(_cases(protocol, load_shapes(path)))


def _cases(protocol: str, shapes: Mapping[str, Any]) -> Iterator[Case]:
    trait, service_ids = SERVICES[protocol]
    for service_id in service_ids:
        yield from _service_cases(protocol, trait, service_id, shapes)


def _service_cases(
    protocol: str, trait: str, service_id: str, shapes: Mapping[str, Any]
) -> Iterator[Case]:
    error_owner: dict[str, str] = {}
    for ref in shapes[service_id]["operations"]:
        op_id = ref["target"]
        traits = shapes[op_id].get("traits", {})
        for error in shapes[op_id].get("errors", []):
            error_owner.setdefault(error["target"], op_id)
        for kind, key in (("request", "httpRequestTests"), ("response", "httpResponseTests")):
            for case in traits.get(f"smithy.test#{key}", []):
                if _client_side(case, trait):
                    yield Case(protocol, kind, service_id, op_id, case)
        for case in traits.get("smithy.test#eventStreamTests", []):
            if case.get("appliesTo") != "server":
                yield Case(protocol, "event-stream", service_id, op_id, case)
    for error_id, op_id in error_owner.items():
        traits = shapes[error_id].get("traits", {})
        for case in traits.get("smithy.test#httpResponseTests", []):
            if _client_side(case, trait):
                yield Case(protocol, "error", service_id, op_id, case, error_id)


def _client_side(case: Mapping[str, Any], trait: str) -> bool:
    return case.get("protocol") == trait and case.get("appliesTo") != "server"


# ------------------------------------------------------------------ values


def to_value(schema: Schema, raw: Any, *, defaults: bool = False) -> Any:
    """Test params (plain JSON) as the value a generated class would hold.

    With ``defaults`` (expected responses) a member left out of the params holds its
    ``@default``, since clients fill defaults in when reading.
    """
    if raw is None:
        return None
    kind = schema.type
    if kind is ShapeType.STRUCTURE:
        kwargs: dict[str, Any] = {}
        for m in schema.members.values():
            if m.name in raw:
                kwargs[m.python_name] = to_value(m.target, raw[m.name], defaults=defaults)
            elif defaults and m.has_default:
                kwargs[m.python_name] = default_value(m)
            else:
                kwargs[m.python_name] = None
        unknown = set(raw) - set(schema.members)
        assert not unknown, f"params name unknown members {unknown} of {schema.id}"
        return kwargs if schema.python_type is None else schema.python_type(**kwargs)
    if kind is ShapeType.UNION:
        ((name, item),) = raw.items()
        m = schema.member(name)
        assert m.variant_type is not None
        return m.variant_type(to_value(m.target, item, defaults=defaults))
    if kind is ShapeType.LIST:
        inner = schema.member("member").target
        return [to_value(inner, item, defaults=defaults) for item in raw]
    if kind is ShapeType.MAP:
        inner = schema.member("value").target
        return {key: to_value(inner, item, defaults=defaults) for key, item in raw.items()}
    if kind is ShapeType.BLOB:
        return raw.encode("utf-8") if isinstance(raw, str) else raw
    if kind is ShapeType.TIMESTAMP:
        return EPOCH + dt.timedelta(seconds=Decimal(str(raw)).__float__())
    if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
        return float(raw)  # "NaN", "Infinity" and "-Infinity" included
    if kind is ShapeType.BIG_DECIMAL:
        return Decimal(str(raw))
    return raw


def comparable(value: Any) -> Any:
    """Plain data for equality checks: NaN as a marker, classes by name and fields."""
    if isinstance(value, float) and math.isnan(value):
        return "<NaN>"
    if isinstance(value, UnionVariant):
        return {"<variant>": type(value).member_name, "value": comparable(value.value)}
    if isinstance(value, UnknownUnionMember):
        return {"<unknown>": value.tag, "raw": value.raw}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "<type>": type(value).__name__,
            **{f.name: comparable(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        return ("<time>", value.timestamp())
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def error_members(schema: Schema, error: ModeledServiceError) -> dict[str, Any]:
    return {m.python_name: getattr(error, m.python_name, None) for m in schema.members.values()}

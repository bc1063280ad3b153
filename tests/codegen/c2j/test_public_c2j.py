"""Every public C2J file converts, and the result says what the file says.

Each check reads the C2J file directly (independently of the converter) and looks for the fact
in the converted model. The snapshots hold per-file summary figures, not the large outputs.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from qsmith.codegen.c2j import C2JConversion, load_c2j
from tests.codegen.c2j.public_files import PUBLIC_C2J, PublicC2J, c2j_files_on_disk
from tests.support.shared import shared_path

KIND = {"structure": "structure", "list": "list", "map": "map", "string": "string"}


def converted(source: PublicC2J) -> tuple[dict[str, Any], C2JConversion]:
    path = shared_path("upstream", source.path)
    paginators = shared_path("upstream", source.paginators) if source.paginators else None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return raw, load_c2j(path, paginators=paginators)


def by_name(conversion: C2JConversion) -> dict[str, dict[str, Any]]:
    return {k.partition("#")[2]: v for k, v in conversion.model["shapes"].items()}


def targets(shape: dict[str, Any]) -> list[str]:
    found = [m["target"] for m in shape.get("members", {}).values()]
    found += [shape[p]["target"] for p in ("member", "key", "value") if p in shape]
    found += [shape[p]["target"] for p in ("input", "output") if p in shape]
    found += [ref["target"] for key in ("errors", "operations") for ref in shape.get(key, [])]
    return found


def test_every_public_c2j_file_is_listed() -> None:
    assert c2j_files_on_disk(shared_path("upstream")) == {s.path for s in PUBLIC_C2J}


@pytest.mark.parametrize("source", PUBLIC_C2J, ids=lambda s: s.id)
def test_public_c2j_converts_faithfully(source: PublicC2J, snapshot: SnapshotAssertion) -> None:
    raw, conversion = converted(source)
    shapes = by_name(conversion)
    model = conversion.model["shapes"]
    for shape_id, shape in model.items():
        for target in targets(shape):
            assert target in model or target.startswith("smithy.api#"), (shape_id, target)
    operations = [n for n, s in shapes.items() if s["type"] == "operation"]
    assert sorted(operations) == sorted(raw["operations"])
    [service] = [s for s in shapes.values() if s["type"] == "service"]
    assert len(service["operations"]) == len(raw["operations"])
    for name, c2j_shape in raw["shapes"].items():
        _check_shape(name, c2j_shape, shapes[name])
    rest = raw["metadata"]["protocol"] == "rest-json"
    for name, op in raw["operations"].items():
        errors = [bare(e["target"]) for e in shapes[name].get("errors", [])]
        assert errors == [e["shape"] for e in op.get("errors", [])], name
        http = shapes[name].get("traits", {}).get("smithy.api#http")
        if rest or op["http"] != {"method": "POST", "requestUri": "/"}:
            assert http == {"method": op["http"]["method"], "uri": op["http"]["requestUri"]}
        else:
            assert http is None, name  # awsJson's fixed POST / is no binding of its own
    if source.paginators:
        pages = json.loads(shared_path("upstream", source.paginators).read_text(encoding="utf-8"))
        for name, config in pages["pagination"].items():
            paginated = shapes[name]["traits"]["smithy.api#paginated"]
            assert paginated["inputToken"] == config["input_token"], name
            assert paginated.get("items") == config.get("result_key"), name
    assert summary(conversion) == snapshot


def bare(shape_id: str) -> str:
    return shape_id.partition("#")[2]


def _check_shape(name: str, c2j: dict[str, Any], shape: dict[str, Any]) -> None:
    traits = shape.get("traits", {})
    if "enum" in c2j:
        values = [m["traits"]["smithy.api#enumValue"] for m in shape["members"].values()]
        assert values == c2j["enum"], name
    if c2j.get("exception"):
        assert traits["smithy.api#error"] == ("server" if c2j.get("fault") else "client"), name
        if "retryable" in c2j:
            throttling = c2j["retryable"].get("throttling")
            assert traits["smithy.api#retryable"] == ({"throttling": True} if throttling else {})
    for key in ("min", "max"):
        if key in c2j:
            bound = traits.get("smithy.api#length") or traits.get("smithy.api#range")
            assert bound is not None and bound[key] == c2j[key], (name, key)
    if "pattern" in c2j:
        assert traits["smithy.api#pattern"] == c2j["pattern"], name
    assert traits.get("smithy.api#documentation") == c2j.get("documentation"), name
    assert ("smithy.api#sensitive" in traits) == bool(c2j.get("sensitive")), name
    if c2j["type"] == "structure":
        _check_structure(name, c2j, shape)


def _check_structure(name: str, c2j: dict[str, Any], shape: dict[str, Any]) -> None:
    if c2j.get("document"):
        assert shape["type"] == "document", name
        return
    expected_kind = "union" if c2j.get("union") or c2j.get("eventstream") else "structure"
    assert shape["type"] == expected_kind, name
    assert list(shape["members"]) == list(c2j["members"]), name
    for member_name, ref in c2j["members"].items():
        member = shape["members"][member_name]
        assert bare(member["target"]) == ref["shape"], (name, member_name)
        traits = member.get("traits", {})
        required = member_name in c2j.get("required", []) and expected_kind == "structure"
        assert ("smithy.api#required" in traits) == required, (name, member_name)
        assert traits.get("smithy.api#documentation") == ref.get("documentation")
        assert ("smithy.api#idempotencyToken" in traits) == bool(ref.get("idempotencyToken"))
    if c2j.get("eventstream"):
        assert shape["traits"]["smithy.api#streaming"] == {}, name


def summary(conversion: C2JConversion) -> dict[str, Any]:
    """Figures worth pinning for a large file: counts of shapes, traits and warnings."""
    model = conversion.model["shapes"]
    shape_traits: Counter[str] = Counter()
    member_traits: Counter[str] = Counter()
    for shape in model.values():
        shape_traits.update(list(shape.get("traits", {})))
        for member in shape.get("members", {}).values():
            if shape["type"] != "enum":
                member_traits.update(list(member.get("traits", {})))
    return {
        "shapes": dict(sorted(Counter(s["type"] for s in model.values()).items())),
        "shape_traits": dict(sorted(shape_traits.items())),
        "member_traits": dict(sorted(member_traits.items())),
        "enum_values": sum(len(s["members"]) for s in model.values() if s["type"] == "enum"),
        "warnings": [f"{w.where}: {w.message}" for w in conversion.warnings],
    }


def test_member_order_survives_rendering() -> None:
    source = PUBLIC_C2J[3]  # the streaming model: event stream members in declaration order
    raw, conversion = converted(source)
    rendered = json.loads(conversion.to_json())
    for name, c2j_shape in raw["shapes"].items():
        if c2j_shape["type"] == "structure" and not c2j_shape.get("document"):
            shape = rendered["shapes"][f"com.amazonaws.codewhispererstreaming#{name}"]
            assert list(shape["members"]) == list(c2j_shape["members"]), name

"""Mixins are flattened on load and ``apply`` shapes add traits."""

from __future__ import annotations

import json

import pytest

from qsmith.codegen.model import ModelError, load_model
from tests.codegen.model.helpers import NS, load, problems, structure
from tests.support.shared import shared_path

MIXIN = {"smithy.api#mixin": {}}


def test_members_and_traits_come_from_the_mixin_local_traits_win() -> None:
    model = load(
        {
            NS
            + "Base": {
                **structure(id="smithy.api#String"),
                "traits": {
                    **MIXIN,
                    "smithy.api#documentation": "base",
                    "smithy.api#sensitive": {},
                },
            },
            NS
            + "User": {
                **structure(name="smithy.api#String"),
                "mixins": [{"target": NS + "Base"}],
                "traits": {"smithy.api#documentation": "user"},
            },
        }
    )
    user = model.shape(NS + "User")
    assert list(user.members) == ["id", "name"]
    assert user.members["id"].container == NS + "User"
    assert user.traits == {"smithy.api#documentation": "user", "smithy.api#sensitive": {}}
    assert not user.is_mixin and model.shape(NS + "Base").is_mixin
    assert user.mixins == (NS + "Base",)


def test_mixin_chains_flatten_in_order() -> None:
    model = load(
        {
            NS
            + "C": {
                **structure(c="smithy.api#String"),
                "mixins": [{"target": NS + "B"}],
            },
            NS
            + "B": {
                **structure(b="smithy.api#String"),
                "mixins": [{"target": NS + "A"}],
                "traits": {**MIXIN, "smithy.api#documentation": "b"},
            },
            NS
            + "A": {
                **structure(a="smithy.api#String"),
                "traits": {**MIXIN, "smithy.api#tags": ["a"], "smithy.api#documentation": "a"},
            },
        }
    )
    c = model.shape(NS + "C")
    assert list(c.members) == ["a", "b", "c"]
    assert c.traits == {"smithy.api#tags": ["a"], "smithy.api#documentation": "b"}


def test_local_traits_of_a_mixin_are_not_inherited() -> None:
    model = load(
        {
            NS
            + "Base": {
                "type": "string",
                "traits": {
                    "smithy.api#mixin": {"localTraits": ["smithy.api#documentation"]},
                    "smithy.api#documentation": "only here",
                    "smithy.api#pattern": "^a$",
                },
            },
            NS + "S": {"type": "string", "mixins": [{"target": NS + "Base"}]},
        }
    )
    assert model.shape(NS + "S").traits == {"smithy.api#pattern": "^a$"}


def test_redefined_mixin_member_keeps_target_and_overrides_traits() -> None:
    model = load(
        {
            NS
            + "Base": {
                **structure(
                    id={
                        "target": "smithy.api#String",
                        "traits": {"smithy.api#documentation": "x", "smithy.api#sensitive": {}},
                    }
                ),
                "traits": MIXIN,
            },
            NS
            + "User": {
                **structure(
                    id={
                        "target": "smithy.api#String",
                        "traits": {"smithy.api#documentation": "y", "smithy.api#required": {}},
                    }
                ),
                "mixins": [{"target": NS + "Base"}],
            },
        }
    )
    assert model.member(NS + "User$id").traits == {
        "smithy.api#documentation": "y",
        "smithy.api#sensitive": {},
        "smithy.api#required": {},
    }


def test_operation_and_service_mixins_merge_their_lists() -> None:
    model = load(
        {
            NS + "Err": {**structure(), "traits": {"smithy.api#error": "client"}},
            NS + "Err2": {**structure(), "traits": {"smithy.api#error": "server"}},
            NS
            + "OpBase": {"type": "operation", "errors": [{"target": NS + "Err"}], "traits": MIXIN},
            NS
            + "Op": {
                "type": "operation",
                "mixins": [{"target": NS + "OpBase"}],
                "errors": [{"target": NS + "Err2"}],
            },
        }
    )
    assert model.shape(NS + "Op").errors == (NS + "Err", NS + "Err2")


def test_mixin_problems() -> None:
    found = problems(
        {
            NS + "NotMixin": structure(),
            NS + "A": {**structure(), "mixins": [{"target": NS + "NotMixin"}]},
            NS + "B": {**structure(), "mixins": [{"target": NS + "Missing"}]},
            NS + "Str": {"type": "string", "traits": MIXIN},
            NS + "C": {**structure(), "mixins": [{"target": NS + "Str"}]},
            NS + "Loop1": {**structure(), "mixins": [{"target": NS + "Loop2"}], "traits": MIXIN},
            NS + "Loop2": {**structure(), "mixins": [{"target": NS + "Loop1"}], "traits": MIXIN},
            NS + "Base": {**structure(x="smithy.api#String"), "traits": MIXIN},
            NS + "D": {**structure(x="smithy.api#Integer"), "mixins": [{"target": NS + "Base"}]},
        }
    )
    messages = {(p.shape_id, p.message) for p in found}
    assert (NS + "A", f"{NS}NotMixin is used as a mixin but has no @mixin trait") in messages
    assert (NS + "B", f"mixin {NS}Missing does not exist") in messages
    assert (NS + "C", f"a structure cannot use mixin {NS}Str, a string") in messages
    assert any(sid in (NS + "Loop1", NS + "Loop2") and "mixin cycle" in m for sid, m in messages)
    assert any(sid == NS + "D" and "different target" in m for sid, m in messages)
    assert all(p.file == "test.json" for p in found)


def test_apply_adds_traits_to_shapes_members_and_inherited_members() -> None:
    model = load(
        {
            NS + "Base": {**structure(id="smithy.api#String"), "traits": MIXIN},
            NS
            + "User": {
                **structure(name="smithy.api#String"),
                "mixins": [{"target": NS + "Base"}],
            },
            NS + "User$name": {"type": "apply", "traits": {"smithy.api#required": {}}},
            NS + "User$id": {"type": "apply", "traits": {"smithy.api#sensitive": {}}},
            NS + "Base$id": {"type": "apply", "traits": {"smithy.api#documentation": "via mixin"}},
        }
    )
    user = model.shape(NS + "User")
    assert user.members["name"].traits == {"smithy.api#required": {}}
    assert user.members["id"].traits == {
        "smithy.api#documentation": "via mixin",
        "smithy.api#sensitive": {},
    }


def test_apply_in_another_file_concatenates_lists_and_rejects_conflicts() -> None:
    base = {
        "smithy": "2.0",
        "shapes": {
            NS
            + "S": {
                "type": "string",
                "traits": {"smithy.api#tags": ["a"], "smithy.api#pattern": "x"},
            }
        },
    }
    ok = {
        "smithy": "2.0",
        "shapes": {NS + "S": {"type": "apply", "traits": {"smithy.api#tags": ["b"]}}},
    }
    model = load_model([("base.json", base), ("apply.json", ok)])
    assert model.shape(NS + "S").traits["smithy.api#tags"] == ["a", "b"]
    bad = {
        "smithy": "2.0",
        "shapes": {NS + "S": {"type": "apply", "traits": {"smithy.api#pattern": "y"}}},
    }
    with pytest.raises(ModelError) as caught:
        load_model([("base.json", base), ("apply.json", bad)])
    [problem] = caught.value.problems
    assert (problem.file, problem.shape_id) == ("apply.json", NS + "S")
    assert "trait smithy.api#pattern conflicts" in problem.message


def test_apply_to_missing_shapes_and_members() -> None:
    found = problems(
        {
            NS + "S": structure(),
            NS + "Nope": {"type": "apply", "traits": {"smithy.api#sensitive": {}}},
            NS + "S$nope": {"type": "apply", "traits": {"smithy.api#sensitive": {}}},
        }
    )
    assert {(p.shape_id, p.message) for p in found} == {
        (NS + "Nope", "apply targets a shape that does not exist"),
        (NS + "S$nope", "apply targets a member that does not exist"),
    }


@pytest.mark.parametrize("protocol", ["restJson1", "awsJson1_0", "awsJson1_1"])
def test_flattening_matches_the_published_flat_models(protocol: str) -> None:
    folder = shared_path("vectors", "smithy-protocol-tests", "json-ast")
    model = load_model(folder / f"{protocol}.json")
    flat = json.loads((folder / f"{protocol}.flat.json").read_text())["shapes"]
    mine = {s.id: s.to_ast() for s in model.user_shapes() if not s.is_mixin}
    assert set(mine) == set(flat)
    for shape_id, expected in flat.items():
        expected = dict(expected)
        expected.pop("mixins", None)  # the flat files keep the list; we keep it aside
        assert mine[shape_id] == _sorted_traits(expected), shape_id
        assert list(mine[shape_id].get("members", {})) == list(expected.get("members", {}))


def _sorted_traits(node: dict[str, object]) -> dict[str, object]:
    out = dict(node)
    if isinstance(out.get("traits"), dict):
        out["traits"] = dict(sorted(out["traits"].items()))  # type: ignore[union-attr]
    members = out.get("members")
    if isinstance(members, dict):
        out["members"] = {k: _sorted_traits(v) for k, v in members.items()}
    return out

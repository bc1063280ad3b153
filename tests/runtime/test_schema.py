from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from qsmith.runtime.schema import (
    NO_DEFAULT,
    HttpBinding,
    MemberSchema,
    OperationSchema,
    Schema,
    ShapeType,
)

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
SECRET = Schema(id="ex#Secret", type=ShapeType.STRING, sensitive=True)


def _node() -> Schema:
    return NODE


# A recursive structure: Node.next targets Node itself, through a lazy reference.
NODE = Schema(
    id="ex#Node",
    type=ShapeType.STRUCTURE,
    members={
        "name": MemberSchema(name="name", python_name="name", target_ref=STRING, required=True),
        "next": MemberSchema(name="next", python_name="next", target_ref=_node),
    },
)


def test_lazy_target_resolves_recursive_shapes() -> None:
    assert NODE.member("next").target is NODE
    assert NODE.member("next").target.member("next").target is NODE


def test_unknown_member_names_the_shape() -> None:
    with pytest.raises(KeyError, match="ex#Node has no member 'nope'"):
        NODE.member("nope")


def test_wire_name_prefers_json_name() -> None:
    plain = MemberSchema(name="fooBar", python_name="foo_bar", target_ref=STRING)
    renamed = MemberSchema(
        name="fooBar", python_name="foo_bar", target_ref=STRING, json_name="foo_bar_wire"
    )
    assert plain.wire_name == "fooBar"
    assert renamed.wire_name == "foo_bar_wire"


def test_sensitivity_comes_from_member_or_target() -> None:
    on_target = MemberSchema(name="a", python_name="a", target_ref=SECRET)
    on_member = MemberSchema(name="b", python_name="b", target_ref=STRING, sensitive=True)
    neither = MemberSchema(name="c", python_name="c", target_ref=STRING)
    assert on_target.is_sensitive and on_member.is_sensitive
    assert not neither.is_sensitive


@pytest.mark.parametrize(
    ("required", "client_optional", "default", "expected"),
    [
        (True, False, NO_DEFAULT, True),
        (True, True, NO_DEFAULT, False),
        (True, False, "x", False),
        (False, False, NO_DEFAULT, False),
    ],
)
def test_required_to_send_follows_smithy_2_semantics(
    required: bool, client_optional: bool, default: object, expected: bool
) -> None:
    member = MemberSchema(
        name="m",
        python_name="m",
        target_ref=STRING,
        required=required,
        client_optional=client_optional,
        default=default,
    )
    assert member.is_required_to_send is expected


def test_event_stream_is_a_streaming_union() -> None:
    stream = Schema(id="ex#Events", type=ShapeType.UNION, streaming=True)
    blob = Schema(id="ex#Body", type=ShapeType.BLOB, streaming=True)
    assert stream.is_event_stream and not blob.is_event_stream


def test_operation_finds_its_streaming_output_member() -> None:
    stream = Schema(id="ex#Events", type=ShapeType.UNION, streaming=True)
    output = Schema(
        id="ex#Out",
        type=ShapeType.STRUCTURE,
        members={
            "id": MemberSchema(
                name="id",
                python_name="id",
                target_ref=STRING,
                http_binding=HttpBinding.HEADER,
                http_name="x-id",
            ),
            "events": MemberSchema(name="events", python_name="events", target_ref=stream),
        },
    )
    op = OperationSchema(
        id="ex#Chat", input=Schema(id="ex#In", type=ShapeType.STRUCTURE), output=output
    )
    member = op.streaming_member("output")
    assert member is not None and member.name == "events"
    assert op.streaming_member("input") is None
    assert op.name == "Chat"


def test_schemas_are_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        STRING.sensitive = True  # type: ignore[misc]

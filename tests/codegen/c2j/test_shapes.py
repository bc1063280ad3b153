"""Shapes and members: constraints, enums, errors, defaults, timestamps, unions, event streams."""

from __future__ import annotations

from typing import Any

from syrupy.assertion import SnapshotAssertion

from qsmith.codegen.c2j.enums import enum_member_names
from tests.codegen.c2j.inputs import JSON_METADATA, c2j, convert, shape, snapshot_view, traits


def holder(**members: str) -> dict[str, Any]:
    return {"type": "structure", "members": {m: {"shape": s} for m, s in members.items()}}


def test_constraints_become_length_range_and_pattern(snapshot: SnapshotAssertion) -> None:
    shapes = {
        "Name": {"type": "string", "min": 1, "max": 64, "pattern": "[a-z]+"},
        "Names": {"type": "list", "member": {"shape": "Name"}, "min": 0, "max": 10},
        "Tags": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}, "max": 5},
        "Bytes": {"type": "blob", "min": 1, "max": 1000},
        "Count": {"type": "integer", "box": True, "min": -1, "max": 100},
        "Big": {"type": "long", "box": True, "min": 0},
        "Ratio": {"type": "double", "box": True, "min": 0.5, "max": 2},
        "Holder": holder(name="Name", names="Names", tags="Tags", data="Bytes", count="Count"),
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "Name") == {
        "smithy.api#length": {"min": 1, "max": 64},
        "smithy.api#pattern": "[a-z]+",
    }
    assert traits(conversion, "Names") == {"smithy.api#length": {"min": 0, "max": 10}}
    assert traits(conversion, "Tags") == {"smithy.api#length": {"max": 5}}
    assert traits(conversion, "Bytes") == {"smithy.api#length": {"min": 1, "max": 1000}}
    assert traits(conversion, "Count") == {"smithy.api#range": {"min": -1, "max": 100}}
    assert traits(conversion, "Big") == {"smithy.api#range": {"min": 0}}
    assert traits(conversion, "Ratio") == {"smithy.api#range": {"min": 0.5, "max": 2}}
    assert shape(conversion, "Names")["member"] == {"target": "com.amazonaws.exampleservice#Name"}
    assert snapshot_view(conversion) == snapshot


def test_enum_values_get_deterministic_unique_member_names(snapshot: SnapshotAssertion) -> None:
    values = ["Positive", "NEGATIVE", "AWS Toolkit For VS Code", "1.0", "a-b", "A_B", "", "x"]
    values.remove("")
    conversion = convert(c2j({"Kind": {"type": "string", "enum": values}}))
    enum = shape(conversion, "Kind")
    assert enum["type"] == "enum"
    assert {n: m["traits"]["smithy.api#enumValue"] for n, m in enum["members"].items()} == {
        "POSITIVE": "Positive",
        "NEGATIVE": "NEGATIVE",
        "AWS_TOOLKIT_FOR_VS_CODE": "AWS Toolkit For VS Code",
        "_1_0": "1.0",
        "A_B": "a-b",
        "A_B_2": "A_B",
        "X": "x",
    }
    assert list(enum["members"]) == enum_member_names(values)  # C2J order is kept
    assert snapshot_view(conversion) == snapshot


def test_enum_duplicate_value_is_warned_and_kept_once() -> None:
    conversion = convert(c2j({"Kind": {"type": "string", "enum": ["A", "B", "A"]}}))
    assert list(shape(conversion, "Kind")["members"]) == ["A", "B"]
    assert [w.message for w in conversion.warnings] == ["enum value 'A' is listed twice: kept once"]


def test_errors_carry_fault_status_and_retryable(snapshot: SnapshotAssertion) -> None:
    message = {"message": {"shape": "Msg"}}
    shapes: dict[str, Any] = {
        "Msg": {"type": "string"},
        "ThrottlingException": {
            "type": "structure",
            "members": message,
            "exception": True,
            "error": {"httpStatusCode": 429, "senderFault": True},
            "retryable": {"throttling": True},
        },
        "InternalServerException": {
            "type": "structure",
            "members": message,
            "exception": True,
            "fault": True,
            "error": {"httpStatusCode": 500},
            "retryable": {"throttling": False},
        },
        "ValidationException": {"type": "structure", "members": message, "exception": True},
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "ThrottlingException") == {
        "smithy.api#error": "client",
        "smithy.api#httpError": 429,
        "smithy.api#retryable": {"throttling": True},
    }
    assert traits(conversion, "InternalServerException") == {
        "smithy.api#error": "server",
        "smithy.api#httpError": 500,
        "smithy.api#retryable": {},
    }
    assert traits(conversion, "ValidationException") == {"smithy.api#error": "client"}
    assert snapshot_view(conversion) == snapshot


def test_error_code_different_from_name_is_warned() -> None:
    shapes = {
        "BadThing": {
            "type": "structure",
            "members": {},
            "exception": True,
            "error": {"code": "Bad"},
        }
    }
    conversion = convert(c2j(shapes))
    assert [w.message for w in conversion.warnings] == [
        "error code 'Bad' differs from the shape name, which Smithy uses"
    ]


def test_unboxed_primitives_get_zero_defaults_and_box_keeps_them_nullable(
    snapshot: SnapshotAssertion,
) -> None:
    shapes: dict[str, Any] = {
        "PrimitiveInteger": {"type": "integer"},
        "Flag": {"type": "boolean"},
        "BoxedInteger": {"type": "integer", "box": True},
        "PositiveInteger": {"type": "integer", "min": 1},
        "Holder": {
            "type": "structure",
            "required": ["count"],
            "members": {
                "count": {"shape": "PrimitiveInteger"},
                "maybe": {"shape": "PrimitiveInteger", "box": True},
                "flag": {"shape": "Flag"},
                "boxed": {"shape": "BoxedInteger"},
                "positive": {"shape": "PositiveInteger"},
            },
        },
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "PrimitiveInteger") == {"smithy.api#default": 0}
    assert traits(conversion, "Flag") == {"smithy.api#default": False}
    assert traits(conversion, "BoxedInteger") == {}
    assert traits(conversion, "Holder", "count") == {
        "smithy.api#default": 0,
        "smithy.api#required": {},
    }
    assert traits(conversion, "Holder", "maybe") == {"smithy.api#default": None}
    assert traits(conversion, "Holder", "flag") == {"smithy.api#default": False}
    assert traits(conversion, "Holder", "boxed") == {}
    assert traits(conversion, "Holder", "positive") == {}
    assert [w.where for w in conversion.warnings] == ["shapes.PositiveInteger"]
    assert snapshot_view(conversion) == snapshot


def test_without_any_box_unboxed_means_nothing_and_is_warned() -> None:
    shapes: dict[str, Any] = {
        "Count": {"type": "integer"},
        "Holder": {"type": "structure", "members": {"count": {"shape": "Count"}}},
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "Count") == {}
    assert traits(conversion, "Holder", "count") == {}
    assert [w.message for w in conversion.warnings] == [
        "no shape says 'box': numbers and booleans are converted as nullable"
    ]


def test_timestamp_formats_on_shapes_and_members() -> None:
    shapes: dict[str, Any] = {
        "Iso": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Http": {"type": "timestamp", "timestampFormat": "rfc822"},
        "Epoch": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
        "Plain": {"type": "timestamp"},
        "Holder": {
            "type": "structure",
            "members": {"at": {"shape": "Plain", "timestampFormat": "rfc822"}},
        },
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "Iso") == {"smithy.api#timestampFormat": "date-time"}
    assert traits(conversion, "Http") == {"smithy.api#timestampFormat": "http-date"}
    assert traits(conversion, "Epoch") == {"smithy.api#timestampFormat": "epoch-seconds"}
    assert traits(conversion, "Plain") == {}
    assert traits(conversion, "Holder", "at") == {"smithy.api#timestampFormat": "http-date"}


def test_structure_kinds_and_member_traits(snapshot: SnapshotAssertion) -> None:
    shapes: dict[str, Any] = {
        "Secret": {"type": "string", "sensitive": True, "documentation": "<p>Hidden.</p>"},
        "Doc": {"type": "structure", "members": {}, "document": True},
        "Body": {"type": "blob", "streaming": True, "requiresLength": True},
        "Choice": {
            "type": "structure",
            "union": True,
            "members": {"text": {"shape": "Secret"}, "doc": {"shape": "Doc"}},
        },
        "Old": {
            "type": "string",
            "deprecated": True,
            "deprecatedMessage": "Use New.",
            "deprecatedSince": "2024-01-01",
        },
        "Thing": {
            "type": "structure",
            "required": ["token"],
            "members": {
                "token": {"shape": "Secret", "idempotencyToken": True},
                "choice": {"shape": "Choice", "documentation": "<b>Pick one</b>"},
                "old": {"shape": "Old", "deprecated": True},
                "body": {"shape": "Body"},
            },
        },
    }
    conversion = convert(c2j(shapes))
    assert shape(conversion, "Doc") == {"type": "document"}
    assert shape(conversion, "Choice")["type"] == "union"
    assert traits(conversion, "Secret") == {
        "smithy.api#sensitive": {},
        "smithy.api#documentation": "<p>Hidden.</p>",
    }
    assert traits(conversion, "Body") == {
        "smithy.api#streaming": {},
        "smithy.api#requiresLength": {},
    }
    assert traits(conversion, "Old") == {
        "smithy.api#deprecated": {"message": "Use New.", "since": "2024-01-01"}
    }
    assert traits(conversion, "Thing", "token") == {
        "smithy.api#idempotencyToken": {},
        "smithy.api#required": {},
    }
    assert traits(conversion, "Thing", "choice") == {"smithy.api#documentation": "<b>Pick one</b>"}
    assert traits(conversion, "Thing", "old") == {"smithy.api#deprecated": {}}
    assert list(shape(conversion, "Thing")["members"]) == ["token", "choice", "old", "body"]
    assert conversion.warnings == ()
    assert snapshot_view(conversion) == snapshot


def test_event_streams_become_streaming_unions_with_event_bindings(
    snapshot: SnapshotAssertion,
) -> None:
    shapes: dict[str, Any] = {
        "Text": {"type": "string"},
        "Bytes": {"type": "blob"},
        "ChunkEvent": {
            "type": "structure",
            "event": True,
            "members": {
                "id": {"shape": "Text", "eventheader": True},
                "data": {"shape": "Bytes", "eventpayload": True},
            },
        },
        "EndEvent": {"type": "structure", "event": True, "members": {}},
        "StreamFailure": {"type": "structure", "exception": True, "members": {}},
        "Events": {
            "type": "structure",
            "eventstream": True,
            "members": {
                "chunk": {"shape": "ChunkEvent"},
                "end": {"shape": "EndEvent"},
                "failure": {"shape": "StreamFailure"},
            },
        },
        "Output": {"type": "structure", "members": {"events": {"shape": "Events"}}},
    }
    conversion = convert(c2j(shapes))
    events = shape(conversion, "Events")
    assert events["type"] == "union"
    assert events["traits"] == {"smithy.api#streaming": {}}
    assert list(events["members"]) == ["chunk", "end", "failure"]
    assert shape(conversion, "ChunkEvent")["type"] == "structure"
    assert traits(conversion, "ChunkEvent", "id") == {"smithy.api#eventHeader": {}}
    assert traits(conversion, "ChunkEvent", "data") == {"smithy.api#eventPayload": {}}
    assert snapshot_view(conversion) == snapshot


def test_unknown_keys_are_listed_as_warnings(snapshot: SnapshotAssertion) -> None:
    shapes: dict[str, Any] = {
        "Name": {"type": "string", "xmlNamespace": {"uri": "urn:x"}},
        "Holder": {
            "type": "structure",
            "members": {"name": {"shape": "Name", "jsonvalue": True, "queryName": "N"}},
            "wrapper": True,
        },
    }
    document = c2j(shapes)
    document["examples"] = {}
    conversion = convert(document)
    assert sorted((w.where, w.message.split(" (")[0]) for w in conversion.warnings) == [
        ("(document)", "unsupported C2J key 'examples'"),
        ("shapes.Holder", "unsupported C2J key 'wrapper'"),
        ("shapes.Holder$name", "'queryName' belongs to the XML protocols: not converted"),
        ("shapes.Holder$name", "unsupported C2J key 'jsonvalue'"),
        ("shapes.Name", "unsupported C2J key 'xmlNamespace'"),
    ]
    assert snapshot_view(conversion) == snapshot


def test_xml_and_query_keys_become_their_traits_under_those_protocols() -> None:
    shapes: dict[str, Any] = {
        "Name": {"type": "string"},
        "Names": {"type": "list", "member": {"shape": "Name", "locationName": "item"}},
        "Flat": {"type": "list", "member": {"shape": "Name"}, "flattened": True},
        "Holder": {
            "type": "structure",
            "locationName": "HolderRoot",
            "xmlNamespace": {"uri": "urn:x", "prefix": "x"},
            "members": {
                "name": {"shape": "Name", "locationName": "NameOnWire", "queryName": "N"},
                "names": {"shape": "Names"},
                "flat": {"shape": "Flat"},
                "id": {"shape": "Name", "xmlAttribute": True, "locationName": "id"},
            },
        },
        "Gone": {
            "type": "structure",
            "members": {},
            "exception": True,
            "error": {"code": "Resource.Gone", "httpStatusCode": 410, "senderFault": True},
        },
    }
    conversion = convert(c2j(shapes, metadata={**JSON_METADATA, "protocol": "ec2"}))
    assert traits(conversion, "Holder", "name") == {
        "smithy.api#xmlName": "NameOnWire",
        "aws.protocols#ec2QueryName": "N",
    }
    assert traits(conversion, "Holder", "flat") == {"smithy.api#xmlFlattened": {}}
    assert traits(conversion, "Holder", "id") == {"smithy.api#xmlAttribute": {}}
    assert shape(conversion, "Names")["member"]["traits"] == {"smithy.api#xmlName": "item"}
    assert shape(conversion, "Holder")["traits"] == {
        "smithy.api#xmlName": "HolderRoot",
        "smithy.api#xmlNamespace": {"uri": "urn:x", "prefix": "x"},
    }
    assert shape(conversion, "Gone")["traits"]["aws.protocols#awsQueryError"] == {
        "code": "Resource.Gone",
        "httpResponseCode": 410,
    }
    assert not [w for w in conversion.warnings if "Holder" in w.where or "Names" in w.where]

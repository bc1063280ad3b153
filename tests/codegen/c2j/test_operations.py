"""Operations: @http, HTTP member bindings, wire names, auth overrides, pagination."""

from __future__ import annotations

from typing import Any

from syrupy.assertion import SnapshotAssertion

from tests.codegen.c2j.inputs import REST_METADATA, c2j, convert, shape, snapshot_view, traits

REST_SHAPES: dict[str, Any] = {
    "Text": {"type": "string"},
    "Code": {"type": "integer", "box": True},
    "Labels": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Text"}},
    "Payload": {"type": "structure", "members": {"note": {"shape": "Text"}}},
    "GetThingRequest": {
        "type": "structure",
        "required": ["thingId", "path"],
        "members": {
            "thingId": {"shape": "Text", "location": "uri", "locationName": "ThingId"},
            "path": {"shape": "Text", "location": "uri", "locationName": "Key"},
            "profileArn": {"shape": "Text", "location": "querystring", "locationName": "profile"},
            "filters": {"shape": "Labels", "location": "querystring"},
            "mode": {"shape": "Text", "location": "header", "locationName": "x-amzn-mode"},
            "meta": {"shape": "Labels", "location": "headers", "locationName": "x-meta-"},
            "body": {"shape": "Payload"},
        },
        "payload": "body",
    },
    "GetThingResponse": {
        "type": "structure",
        "members": {
            "status": {"shape": "Code", "location": "statusCode"},
            "conversationId": {
                "shape": "Text",
                "location": "header",
                "locationName": "x-amzn-conversation-id",
            },
            "displayName": {"shape": "Text", "locationName": "DisplayName"},
        },
    },
}
REST_OPERATIONS: dict[str, Any] = {
    "GetThing": {
        "name": "GetThing",
        "http": {
            "method": "GET",
            "requestUri": "/things/{ThingId}/{Key+}?x-id=Get",
            "responseCode": 200,
        },
        "input": {"shape": "GetThingRequest"},
        "output": {"shape": "GetThingResponse"},
        "idempotent": True,
        "documentation": "<p>Gets a thing.</p>",
    }
}


def test_rest_json_http_bindings(snapshot: SnapshotAssertion) -> None:
    conversion = convert(c2j(REST_SHAPES, REST_OPERATIONS, REST_METADATA))
    operation = shape(conversion, "GetThing")
    assert operation["traits"]["smithy.api#http"] == {
        "method": "GET",
        "uri": "/things/{thingId}/{path+}?x-id=Get",
        "code": 200,
    }
    assert operation["traits"]["smithy.api#idempotent"] == {}
    assert operation["traits"]["smithy.api#documentation"] == "<p>Gets a thing.</p>"
    request = "GetThingRequest"
    assert traits(conversion, request, "thingId") == {
        "smithy.api#httpLabel": {},
        "smithy.api#required": {},
    }
    assert traits(conversion, request, "profileArn") == {"smithy.api#httpQuery": "profile"}
    assert traits(conversion, request, "filters") == {"smithy.api#httpQueryParams": {}}
    assert traits(conversion, request, "mode") == {"smithy.api#httpHeader": "x-amzn-mode"}
    assert traits(conversion, request, "meta") == {"smithy.api#httpPrefixHeaders": "x-meta-"}
    assert traits(conversion, request, "body") == {"smithy.api#httpPayload": {}}
    response = "GetThingResponse"
    assert traits(conversion, response, "status") == {"smithy.api#httpResponseCode": {}}
    assert traits(conversion, response, "conversationId") == {
        "smithy.api#httpHeader": "x-amzn-conversation-id"
    }
    assert traits(conversion, response, "displayName") == {"smithy.api#jsonName": "DisplayName"}
    assert conversion.warnings == ()
    assert snapshot_view(conversion) == snapshot


def test_label_member_not_required_is_made_required_with_a_warning() -> None:
    shapes = {
        "Text": {"type": "string"},
        "In": {"type": "structure", "members": {"id": {"shape": "Text", "location": "uri"}}},
    }
    operations = {
        "Get": {"http": {"method": "GET", "requestUri": "/{id}"}, "input": {"shape": "In"}}
    }
    conversion = convert(c2j(shapes, operations, REST_METADATA))
    assert traits(conversion, "In", "id") == {"smithy.api#httpLabel": {}, "smithy.api#required": {}}
    assert [w.message for w in conversion.warnings] == [
        "URI label member was not required: marked required"
    ]


def test_rest_event_stream_member_must_be_the_payload() -> None:
    shapes: dict[str, Any] = {
        "Event": {"type": "structure", "event": True, "members": {}},
        "Events": {"type": "structure", "eventstream": True, "members": {"e": {"shape": "Event"}}},
        "Bound": {"type": "structure", "members": {"s": {"shape": "Events"}}, "payload": "s"},
        "Unbound": {"type": "structure", "members": {"s": {"shape": "Events"}}},
    }
    conversion = convert(c2j(shapes, metadata=REST_METADATA))
    assert traits(conversion, "Bound", "s") == {"smithy.api#httpPayload": {}}
    assert [(w.where, w.message) for w in conversion.warnings] == [
        ("shapes.Unbound$s", "event stream member is not the 'payload': REST needs it")
    ]


def test_json_protocol_wire_name_is_kept_with_a_warning() -> None:
    shapes = {
        "Text": {"type": "string"},
        "In": {"type": "structure", "members": {"name": {"shape": "Text", "locationName": "Name"}}},
    }
    conversion = convert(c2j(shapes))
    assert traits(conversion, "In", "name") == {"smithy.api#jsonName": "Name"}
    assert [w.message for w in conversion.warnings] == [
        "wire name 'Name' kept as jsonName, which awsJson ignores"
    ]


def test_rpc_operations_keep_http_only_when_it_says_more_than_post_slash() -> None:
    operations = {
        "Plain": {"http": {"method": "POST", "requestUri": "/"}, "readonly": True},
        "Special": {"http": {"method": "POST", "requestUri": "/special"}},
    }
    conversion = convert(c2j({}, operations))
    assert traits(conversion, "Plain") == {"smithy.api#readonly": {}}
    assert traits(conversion, "Special") == {
        "smithy.api#http": {"method": "POST", "uri": "/special"}
    }


def test_missing_input_and_output_are_unit_and_errors_are_listed() -> None:
    shapes = {"Oops": {"type": "structure", "members": {}, "exception": True}}
    operations = {"Fire": {"name": "Fire", "errors": [{"shape": "Oops"}]}}
    operation = shape(convert(c2j(shapes, operations)), "Fire")
    assert operation["input"] == {"target": "smithy.api#Unit"}
    assert operation["output"] == {"target": "smithy.api#Unit"}
    assert operation["errors"] == [{"target": "com.amazonaws.exampleservice#Oops"}]


def test_operation_auth_overrides() -> None:
    shapes: dict[str, Any] = {}
    operations = {
        "Open": {"authtype": "none"},
        "Bearer": {"auth": ["smithy.api#httpBearerAuth"]},
        "Unsigned": {"authtype": "v4-unsigned-body"},
        "Anonymous": {"auth": ["smithy.api#noAuth"]},
        "Plain": {},
    }
    conversion = convert(c2j(shapes, operations))
    assert traits(conversion, "Open") == {"smithy.api#auth": []}
    assert traits(conversion, "Bearer") == {"smithy.api#auth": ["smithy.api#httpBearerAuth"]}
    assert traits(conversion, "Unsigned") == {
        "smithy.api#auth": ["aws.auth#sigv4"],
        "aws.auth#unsignedPayload": {},
    }
    assert traits(conversion, "Anonymous") == {"smithy.api#auth": []}
    assert traits(conversion, "Plain") == {}


def test_endpoint_host_prefix_and_checksum() -> None:
    operations = {"Put": {"endpoint": {"hostPrefix": "data."}, "httpChecksumRequired": True}}
    assert traits(convert(c2j({}, operations)), "Put") == {
        "smithy.api#endpoint": {"hostPrefix": "data."},
        "smithy.api#httpChecksumRequired": {},
    }


PAGED_SHAPES: dict[str, Any] = {
    "Token": {"type": "string"},
    "Size": {"type": "integer", "box": True, "min": 1, "max": 100},
    "Item": {"type": "string"},
    "Items": {"type": "list", "member": {"shape": "Item"}},
    "ListIn": {
        "type": "structure",
        "members": {"nextToken": {"shape": "Token"}, "maxResults": {"shape": "Size"}},
    },
    "ListOut": {
        "type": "structure",
        "members": {"nextToken": {"shape": "Token"}, "items": {"shape": "Items"}},
    },
}
PAGED_OPERATIONS = {
    "ListThings": {"input": {"shape": "ListIn"}, "output": {"shape": "ListOut"}},
    "ListOthers": {"input": {"shape": "ListIn"}, "output": {"shape": "ListOut"}},
}


def test_paginators_become_paginated(snapshot: SnapshotAssertion) -> None:
    paginators = {
        "pagination": {
            "ListThings": {
                "input_token": "nextToken",
                "output_token": "nextToken",
                "limit_key": "maxResults",
                "result_key": "items",
            },
            "ListOthers": {
                "input_token": ["nextToken"],
                "output_token": "nextToken",
                "more_results": "IsTruncated",
            },
        }
    }
    conversion = convert(c2j(PAGED_SHAPES, PAGED_OPERATIONS), paginators=paginators)
    assert traits(conversion, "ListThings")["smithy.api#paginated"] == {
        "inputToken": "nextToken",
        "outputToken": "nextToken",
        "pageSize": "maxResults",
        "items": "items",
    }
    assert traits(conversion, "ListOthers")["smithy.api#paginated"] == {
        "inputToken": "nextToken",
        "outputToken": "nextToken",
    }
    assert [(w.file, w.where) for w in conversion.warnings] == [
        ("<paginators>", "pagination.ListOthers")
    ]
    assert snapshot_view(conversion) == snapshot


def test_paginator_with_jmespath_is_warned_and_not_converted() -> None:
    pages = {"ListThings": {"input_token": "nextToken", "output_token": "items[-1].id"}}
    conversion = convert(c2j(PAGED_SHAPES, PAGED_OPERATIONS), paginators={"pagination": pages})
    assert "smithy.api#paginated" not in traits(conversion, "ListThings")
    assert [w.message for w in conversion.warnings] == [
        "'items[-1].id' is not a Smithy member path: @paginated not emitted"
    ]


def test_paginator_with_several_tokens_or_unknown_members_is_warned() -> None:
    paginators = {
        "pagination": {
            "ListThings": {"input_token": ["a", "b"], "output_token": ["c", "d"]},
            "ListOthers": {"input_token": "cursor", "output_token": "nextToken"},
        }
    }
    conversion = convert(c2j(PAGED_SHAPES, PAGED_OPERATIONS), paginators=paginators)
    assert "smithy.api#paginated" not in traits(conversion, "ListThings")
    assert traits(conversion, "ListOthers")["smithy.api#paginated"]["inputToken"] == "cursor"
    assert [w.message for w in conversion.warnings] == [
        "inputToken 'cursor' is not a member of the input",
        "input_token ['a', 'b']: Smithy @paginated takes one path; not converted",
        "output_token ['c', 'd']: Smithy @paginated takes one path; not converted",
        "no single input_token and output_token: @paginated not emitted",
    ]

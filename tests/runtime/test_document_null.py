"""An explicit JSON null in a document: ``DOCUMENT_NULL`` (``None`` means "not set").

It is written as ``null`` wherever a document can stand: as a member's whole value,
as a list element or map value inside a document, as an ``@httpPayload`` or a header
document, through the real generated client and over the wire. Inside documents a
decoded ``null`` stays ``None`` (plain JSON values), and re-encoding writes it back.
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from qsmith.clients.codewhisperer_streaming import Client
from qsmith.clients.codewhisperer_streaming.models import InvokeMCPRequest
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.protocols import RestJson1
from qsmith.runtime.protocols.restjson import header_value
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType
from qsmith.runtime.serde.json import JsonCodec
from qsmith.runtime.values import DOCUMENT_NULL, Document, JsonNull
from qsmith.testing import LoopbackServer, ScriptedResponse

CODEC = JsonCodec(use_json_name=True)


def _document_schema() -> Schema:
    return Schema(id="smithy.api#Document", type=ShapeType.DOCUMENT)


def _holder() -> Schema:
    document = _document_schema()
    return Schema(
        id="ns#Holder",
        type=ShapeType.STRUCTURE,
        members={"doc": MemberSchema(name="doc", python_name="doc", target_ref=document)},
    )


def test_the_null_document_is_one_falsy_value_that_survives_copy_and_pickle() -> None:
    assert JsonNull() is DOCUMENT_NULL
    assert not DOCUMENT_NULL and DOCUMENT_NULL is not None
    assert copy.deepcopy(DOCUMENT_NULL) is DOCUMENT_NULL
    assert pickle.loads(pickle.dumps(DOCUMENT_NULL)) is DOCUMENT_NULL
    assert repr(DOCUMENT_NULL) == "DOCUMENT_NULL"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (DOCUMENT_NULL, {"doc": None}),
        ([1, DOCUMENT_NULL, None], {"doc": [1, None, None]}),
        ({"a": DOCUMENT_NULL, "b": {"c": DOCUMENT_NULL}}, {"doc": {"a": None, "b": {"c": None}}}),
    ],
    ids=["member", "list element", "map value"],
)
def test_it_is_written_as_json_null_in_every_position(value: Document, expected: object) -> None:
    data = CODEC.structure_to_data(_holder(), {"doc": value}, top_level=True)
    assert json.loads(CODEC.encode(data)) == expected


def test_none_still_means_the_member_is_not_sent() -> None:
    data = CODEC.structure_to_data(_holder(), {"doc": None}, top_level=True)
    assert CODEC.encode(data) == b"{}"


def test_a_null_read_inside_a_document_round_trips() -> None:
    decoded = CODEC.decode(_holder(), b'{"doc":{"a":null,"b":[null,1]}}')
    assert decoded == {"doc": {"a": None, "b": [None, 1]}}
    again = CODEC.encode(CODEC.structure_to_data(_holder(), decoded, top_level=True))
    assert again == b'{"doc":{"a":null,"b":[null,1]}}'


def test_a_header_document_can_be_null() -> None:
    member = MemberSchema(name="h", python_name="h", target_ref=_document_schema(), http_name="x-h")
    assert header_value(member, DOCUMENT_NULL) == "bnVsbA=="  # base64 of "null"


def test_objects_that_are_not_json_are_a_param_validation_error() -> None:
    with pytest.raises(ParamValidationError, match="object"):
        CODEC.encode({"doc": object()})


def test_the_generated_client_sends_a_null_document(loopback: LoopbackServer) -> None:
    request = InvokeMCPRequest(id=DOCUMENT_NULL, method="ping", params=[DOCUMENT_NULL])
    assert request.id is DOCUMENT_NULL
    loopback.enqueue(ScriptedResponse.json(200, '{"jsonrpc":"2.0","id":null,"result":null}'))
    config = ClientConfig(token="t", region="us-east-1")
    with Client(endpoint_url=loopback.url, config=config) as client:
        client.invoke_mcp(id=DOCUMENT_NULL, method="ping", params={"x": DOCUMENT_NULL})
    sent: dict[str, Any] = json.loads(loopback.requests[0].body)
    assert sent["id"] is None and "id" in sent
    assert sent["params"] == {"x": None}


def test_restjson1_payload_document_can_be_null() -> None:
    assert RestJson1().codec.encode(DOCUMENT_NULL) == b"null"

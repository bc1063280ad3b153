"""Behaviour of the runtime protocols that the Smithy protocol tests do not pin down."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import math
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.runtime.errors import ParamValidationError, ServiceError
from qsmith.runtime.protocols import AwsJson1_0, RestJson1, protocol_for
from qsmith.runtime.schema import (
    Constraints,
    HttpBinding,
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
    TimestampFormat,
)
from qsmith.runtime.serde.json import decode_structure, encode_structure
from qsmith.runtime.serde.scalars import EPOCH, format_timestamp, parse_timestamp
from qsmith.runtime.values import ModeledServiceError, UnionVariant, UnknownUnionMember

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
INTEGER = Schema(id="smithy.api#Integer", type=ShapeType.INTEGER)
DOUBLE = Schema(id="smithy.api#Double", type=ShapeType.DOUBLE)
TIMESTAMP = Schema(id="smithy.api#Timestamp", type=ShapeType.TIMESTAMP)
BLOB = Schema(id="smithy.api#Blob", type=ShapeType.BLOB)
DECIMAL = Schema(id="smithy.api#BigDecimal", type=ShapeType.BIG_DECIMAL)
STREAM = Schema(id="t#Stream", type=ShapeType.BLOB, streaming=True)
NAME = Schema(id="t#Name", type=ShapeType.STRING, constraints=Constraints(max_length=3))


def member(name: str, target: Schema, **extra: Any) -> MemberSchema:
    return MemberSchema(name=name, python_name=name.lower(), target_ref=target, **extra)


@dataclasses.dataclass(kw_only=True, slots=True)
class Item:
    count: int | None = None


@dataclasses.dataclass(kw_only=True, slots=True)
class Input:
    name: str | None = None
    items: list[Item] | None = None
    token: str | None = None
    choice: Any = None
    label: str | None = None


@dataclasses.dataclass(kw_only=True, slots=True)
class Output:
    name: str | None = None
    count: int | None = None
    item: Item | None = None
    ratio: float | None = None
    when: dt.datetime | None = None
    data: bytes | None = None
    amount: Decimal | None = None
    choice: Any = None


class ChoiceText(UnionVariant):
    __slots__ = ()
    member_name: ClassVar[str] = "Text"


class ChoiceUnknown(UnknownUnionMember):
    __slots__ = ()


class Throttled(ModeledServiceError):
    pass


ITEM = Schema(
    id="t#Item",
    type=ShapeType.STRUCTURE,
    members={"Count": member("Count", INTEGER, required=True)},
    python_type_ref=Item,
)
ITEMS = Schema(id="t#Items", type=ShapeType.LIST, members={"member": member("member", ITEM)})
CHOICE = Schema(
    id="t#Choice",
    type=ShapeType.UNION,
    members={"Text": member("Text", STRING, variant_type_ref=ChoiceText)},
    python_type_ref=ChoiceUnknown,
)
INPUT = Schema(
    id="t#Input",
    type=ShapeType.STRUCTURE,
    members={
        "Name": member("Name", NAME, required=True),
        "Items": member("Items", ITEMS),
        "Token": member("Token", STRING, idempotency_token=True),
        "Choice": member("Choice", CHOICE),
        "Label": member("Label", STRING, host_label=True),
    },
    python_type_ref=Input,
)
OUTPUT = Schema(
    id="t#Output",
    type=ShapeType.STRUCTURE,
    members={
        "Name": member("Name", STRING, required=True),
        "Count": member("Count", INTEGER, required=True),
        "Item": member("Item", ITEM, required=True),
        "Ratio": member("Ratio", DOUBLE),
        "When": member("When", TIMESTAMP),
        "Data": member("Data", BLOB),
        "Amount": member("Amount", DECIMAL),
        "Choice": member("Choice", CHOICE),
    },
    python_type_ref=Output,
)
THROTTLED = Schema(
    id="t#Throttled",
    type=ShapeType.STRUCTURE,
    members={"message": member("message", STRING)},
    python_type_ref=Throttled,
    error="server",
    retryable=True,
)
OPERATION = OperationSchema(
    id="t#Do",
    input=INPUT,
    output=OUTPUT,
    errors=(THROTTLED,),
    host_prefix="{Label}.",
    request_compression=("gzip",),
    checksum_required=True,
)
SERVICE = ServiceSchema(id="t#Svc", version="1", operations={"Do": OPERATION})
URL = "https://example.com"


def send(value: Input, **options: Any) -> Any:
    options.setdefault("idempotency_token", lambda: "fixed-token")
    return AwsJson1_0(**options).serialize_request(SERVICE, OPERATION, value, URL)


def test_missing_required_member_is_named() -> None:
    with pytest.raises(ParamValidationError, match=r"Input\.name: is required"):
        send(Input(label="a"))


def test_wrong_type_deep_in_a_list_is_named() -> None:
    value = Input(name="ab", label="a", items=[Item(count=1), Item(count="2")])
    with pytest.raises(ParamValidationError, match=r"Input\.items\[1\]\.count: expected a integer"):
        send(value)


def test_constraints_are_checked_only_on_request() -> None:
    value = Input(name="toolong", label="a")
    send(value)  # relaxed by default: services relax constraints
    with pytest.raises(ParamValidationError, match=r"Input\.name: length 7 is above"):
        send(value, validate=True)


def test_unknown_union_member_is_kept_and_never_sent() -> None:
    body = json.dumps({"Name": "n", "Count": 1, "Item": {}, "Choice": {"New": {"x": [1]}}})
    result = decode_structure(OUTPUT, body.encode(), use_json_name=False)
    assert isinstance(result.choice, ChoiceUnknown)
    assert (result.choice.tag, result.choice.raw) == ("New", {"x": [1]})
    with pytest.raises(ParamValidationError, match="unknown union member 'New'"):
        send(Input(name="n", label="a", choice=result.choice))


def test_missing_required_members_get_zero_values() -> None:
    result = decode_structure(OUTPUT, b"{}")
    assert (result.name, result.count, result.item) == ("", 0, Item(count=0))
    assert result.ratio is None and result.choice is None


def test_json_round_trip_of_scalars() -> None:
    value = Output(
        name="n",
        count=3,
        item=Item(count=1),
        ratio=-math.inf,
        when=dt.datetime(2020, 1, 2, 3, 4, 5, 250000, tzinfo=dt.UTC),
        data=b"\x00\xff",
        amount=Decimal("12345678901234567890.123456789"),
        choice=ChoiceText("hi"),
    )
    body = encode_structure(OUTPUT, value)
    raw = json.loads(body, parse_float=Decimal)
    assert raw["Ratio"] == "-Infinity" and raw["When"] == Decimal("1577934245.25")
    assert raw["Data"] == base64.b64encode(b"\x00\xff").decode()
    assert raw["Amount"] == value.amount  # written as a bare number, no precision lost
    assert decode_structure(OUTPUT, body).choice == ChoiceText("hi")


def test_idempotency_token_is_filled_from_the_injected_source() -> None:
    request = send(Input(name="n", label="a"), idempotency_token=lambda: "tok-1")
    assert json.loads(request.body)["Token"] == "tok-1"
    kept = send(Input(name="n", label="a", token="mine"), idempotency_token=lambda: "tok-1")
    assert json.loads(kept.body)["Token"] == "mine"


def test_gzip_above_the_threshold_with_md5_and_length_of_what_is_sent() -> None:
    value = Input(name="n", label="a", items=[Item(count=i) for i in range(100)])
    small = send(value, min_compression_size=10**6)
    assert small.header("Content-Encoding") is None
    big = send(value, min_compression_size=10)
    assert big.header("Content-Encoding") == "gzip"
    assert gzip.decompress(big.body) == small.body
    assert big.header("Content-Length") == str(len(big.body))
    md5 = base64.b64encode(hashlib.md5(big.body).digest()).decode()
    assert big.header("Content-MD5") == md5
    assert send(value, disable_request_compression=True, min_compression_size=1).body == small.body


def test_host_prefix_uses_the_host_label_and_rejects_bad_labels() -> None:
    assert send(Input(name="n", label="tenant-1")).host == "tenant-1.example.com"
    with pytest.raises(ParamValidationError, match="host label"):
        send(Input(name="n", label="bad/label"))


def test_modeled_error_carries_members_code_status_and_request_id() -> None:
    body = json.dumps({"__type": "t.ns#Throttled:http://x", "message": "slow down"}).encode()
    with pytest.raises(Throttled) as raised:
        AwsJson1_0().deserialize_response(
            SERVICE, OPERATION, 503, {"x-amzn-RequestId": "req-1"}, body
        )
    error = raised.value
    assert (error.code, error.message, error.http_status) == ("Throttled", "slow down", 503)
    assert (error.request_id, error.fault, error.retryable) == ("req-1", "server", True)


def test_unmodeled_error_is_a_generic_service_error() -> None:
    headers = [("X-Amzn-ErrorType", "NoSuchThing:"), ("x-amzn-RequestId", "req-2")]
    with pytest.raises(ServiceError) as raised:
        AwsJson1_0().deserialize_response(SERVICE, OPERATION, 404, headers, b'{"message": "gone"}')
    error = raised.value
    assert type(error) is ServiceError
    assert (error.code, error.message, error.request_id) == ("NoSuchThing", "gone", "req-2")


@dataclasses.dataclass(kw_only=True, slots=True)
class Download:
    body: Any = None
    kind: str | None = None


DOWNLOAD = Schema(
    id="t#Download",
    type=ShapeType.STRUCTURE,
    members={
        "Body": member("Body", STREAM, http_binding=HttpBinding.PAYLOAD),
        "Kind": member("Kind", STRING, http_binding=HttpBinding.HEADER, http_name="X-Kind"),
    },
    python_type_ref=Download,
)
GET = OperationSchema(
    id="t#Get",
    input=Schema(id="smithy.api#Unit", type=ShapeType.STRUCTURE),
    output=DOWNLOAD,
    http=HttpTrait(method="GET", uri="/d"),
)


def test_streaming_output_body_is_handed_over_unread() -> None:
    chunks = iter([b"a", b"b"])
    result = RestJson1().deserialize_response(SERVICE, GET, 200, {"x-kind": "k"}, chunks)
    assert result.body is chunks and result.kind == "k"


def test_protocol_for_unknown_trait_is_a_config_error() -> None:
    from qsmith.runtime.errors import ConfigError

    with pytest.raises(ConfigError, match="awsJson9_9"):
        protocol_for("aws.protocols#awsJson9_9")


timestamps = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))


@settings(max_examples=50)
@given(timestamps, st.sampled_from(list(TimestampFormat)))
def test_timestamps_round_trip_in_every_format(value: dt.datetime, fmt: TimestampFormat) -> None:
    assert parse_timestamp(format_timestamp(value, fmt), fmt, "t") == value
    assert parse_timestamp(0, TimestampFormat.EPOCH_SECONDS, "t") == EPOCH


HEADED = Schema(
    id="t#Headed",
    type=ShapeType.STRUCTURE,
    members={
        "Mode": member("Mode", STRING, http_binding=HttpBinding.HEADER, http_name="x-mode"),
    },
    python_type_ref=dataclasses.make_dataclass(
        "Headed", [("mode", Any, dataclasses.field(default=None))], kw_only=True, slots=True
    ),
)
HEADED_OP = OperationSchema(id="t#Headed", input=HEADED, output=OUTPUT)


def test_awsjson_sends_header_bound_members_as_headers_only_when_asked() -> None:
    value = HEADED.python_type(mode="agentic")  # type: ignore[misc]
    plain = AwsJson1_0().serialize_request(SERVICE, HEADED_OP, value, URL)
    assert plain.header("x-mode") is None
    headed = AwsJson1_0(send_header_members=True).serialize_request(SERVICE, HEADED_OP, value, URL)
    assert headed.header("x-mode") == "agentic"
    assert json.loads(headed.body) == {"Mode": "agentic"}


EVENTS = Schema(
    id="t#Events",
    type=ShapeType.UNION,
    streaming=True,
    members={"Text": member("Text", STRING, variant_type_ref=ChoiceText)},
)
STREAMED = Schema(
    id="t#Streamed",
    type=ShapeType.STRUCTURE,
    members={"Id": member("Id", STRING, required=True), "Events": member("Events", EVENTS)},
    python_type_ref=dataclasses.make_dataclass(
        "Streamed",
        [
            ("id", Any, dataclasses.field(default=None)),
            ("events", Any, dataclasses.field(default=None)),
        ],
        kw_only=True,
        slots=True,
    ),
)
STREAM_OP = OperationSchema(id="t#Chat", input=HEADED, output=STREAMED)


def test_awsjson_event_stream_output_hands_the_body_over_and_waits_for_initial_response() -> None:
    body = iter([b"frame"])
    result = AwsJson1_0().deserialize_response(SERVICE, STREAM_OP, 200, {}, body)
    # `id` comes later, in the initial-response event: it is not error-corrected to "".
    assert result.events is body and result.id is None


def test_header_values_with_line_breaks_are_refused() -> None:
    value = HEADED.python_type(mode="a\r\nX-Evil: 1")  # type: ignore[misc]
    with pytest.raises(ParamValidationError, match="header x-mode"):
        AwsJson1_0(send_header_members=True).serialize_request(SERVICE, HEADED_OP, value, URL)


def test_compression_threshold_out_of_range_is_a_config_error() -> None:
    from qsmith.runtime.errors import ConfigError

    with pytest.raises(ConfigError, match="min_compression_size"):
        AwsJson1_0(min_compression_size=-1)


def test_quoted_header_list_items_keep_commas_and_spaces() -> None:
    from qsmith.runtime.protocols.restjson import _split_header_list

    raw = 'a, " b,c " , "q\\"x", d'
    assert _split_header_list(raw) == ["a", " b,c ", 'q"x', "d"]


class Secretive(ModeledServiceError):
    sensitive_members = frozenset({"message"})


def test_a_sensitive_error_message_stays_out_of_str_but_is_kept_as_a_member() -> None:
    error = Secretive(code="Secretive", message="token abc123")
    assert "abc123" not in str(error) and "abc123" not in repr(error)
    assert error.message == "token abc123"  # the member itself is kept

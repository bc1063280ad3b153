"""µs per awsJson1_1 request serialization and response parsing: qsmith vs botocore.

Both sides handle the same shape (strings, integers, a timestamp, a blob, a list of
nested structures) with the same values; botocore's JSON serializer and parser are
the named baseline. Prints the ratio qsmith / botocore (lower is better).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import timeit
from typing import Any

from botocore.model import ServiceModel
from botocore.parsers import JSONParser
from botocore.serialize import JSONSerializer

from qsmith.runtime.protocols import AwsJson1_1
from qsmith.runtime.schema import MemberSchema, OperationSchema, Schema, ServiceSchema, ShapeType

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
INTEGER = Schema(id="smithy.api#Integer", type=ShapeType.INTEGER)
TIMESTAMP = Schema(id="smithy.api#Timestamp", type=ShapeType.TIMESTAMP)
BLOB = Schema(id="smithy.api#Blob", type=ShapeType.BLOB)


@dataclasses.dataclass(kw_only=True, slots=True)
class Item:
    name: str | None = None
    count: int | None = None


@dataclasses.dataclass(kw_only=True, slots=True)
class Payload:
    id: str | None = None
    size: int | None = None
    created: dt.datetime | None = None
    data: bytes | None = None
    items: list[Item] | None = None


def _member(name: str, target: Schema) -> MemberSchema:
    return MemberSchema(name=name, python_name=name.lower(), target_ref=target)


ITEM = Schema(
    id="bench#Item",
    type=ShapeType.STRUCTURE,
    members={"Name": _member("Name", STRING), "Count": _member("Count", INTEGER)},
    python_type_ref=Item,
)
ITEMS = Schema(id="bench#Items", type=ShapeType.LIST, members={"member": _member("member", ITEM)})
PAYLOAD = Schema(
    id="bench#Payload",
    type=ShapeType.STRUCTURE,
    members={
        "Id": _member("Id", STRING),
        "Size": _member("Size", INTEGER),
        "Created": _member("Created", TIMESTAMP),
        "Data": _member("Data", BLOB),
        "Items": _member("Items", ITEMS),
    },
    python_type_ref=Payload,
)
OPERATION = OperationSchema(id="bench#Echo", input=PAYLOAD, output=PAYLOAD)
SERVICE = ServiceSchema(id="bench#Bench", version="1", operations={"Echo": OPERATION})

BOTO_MODEL = ServiceModel(
    {
        "metadata": {
            "protocol": "json",
            "jsonVersion": "1.1",
            "targetPrefix": "Bench",
            "apiVersion": "1",
            "endpointPrefix": "bench",
        },
        "operations": {
            "Echo": {
                "name": "Echo",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "Payload"},
                "output": {"shape": "Payload"},
            }
        },
        "shapes": {
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Timestamp": {"type": "timestamp"},
            "Blob": {"type": "blob"},
            "Item": {
                "type": "structure",
                "members": {"Name": {"shape": "String"}, "Count": {"shape": "Integer"}},
            },
            "Items": {"type": "list", "member": {"shape": "Item"}},
            "Payload": {
                "type": "structure",
                "members": {
                    "Id": {"shape": "String"},
                    "Size": {"shape": "Integer"},
                    "Created": {"shape": "Timestamp"},
                    "Data": {"shape": "Blob"},
                    "Items": {"shape": "Items"},
                },
            },
        },
    },
    service_name="bench",
)

CREATED = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
ITEM_COUNT = 20


def _qsmith_value() -> Payload:
    items = [Item(name=f"item-{i}", count=i) for i in range(ITEM_COUNT)]
    return Payload(id="abc", size=42, created=CREATED, data=b"x" * 64, items=items)


def _boto_params() -> dict[str, Any]:
    items = [{"Name": f"item-{i}", "Count": i} for i in range(ITEM_COUNT)]
    return {"Id": "abc", "Size": 42, "Created": CREATED, "Data": b"x" * 64, "Items": items}


def _best_us(func: Any, number: int = 2000) -> float:
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e6


def main() -> None:
    protocol = AwsJson1_1()
    value = _qsmith_value()
    body = protocol.serialize_request(SERVICE, OPERATION, value, "https://example.com").body
    assert isinstance(body, bytes)
    serializer = JSONSerializer()
    parser = JSONParser()
    op_model = BOTO_MODEL.operation_model("Echo")
    params = _boto_params()
    boto_response = {"headers": {}, "status_code": 200, "body": body}

    rows = [
        (
            "serialize",
            _best_us(
                lambda: protocol.serialize_request(SERVICE, OPERATION, value, "https://example.com")
            ),
            _best_us(lambda: serializer.serialize_to_request(params, op_model)),
        ),
        (
            "parse",
            _best_us(lambda: protocol.deserialize_response(SERVICE, OPERATION, 200, {}, body)),
            _best_us(lambda: parser.parse(boto_response, op_model.output_shape)),
        ),
    ]
    print(f"{'step':<10} {'qsmith µs':>10} {'botocore µs':>12} {'ratio':>6}")
    for name, ours, theirs in rows:
        print(f"{name:<10} {ours:>10.1f} {theirs:>12.1f} {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()

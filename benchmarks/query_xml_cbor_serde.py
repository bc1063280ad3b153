"""µs per request serialization and response parsing under awsQuery, restXml and rpcv2Cbor:
qsmith vs botocore.

Each protocol handles the same shape as benchmarks/protocol_serde.py (strings, integers,
a timestamp, a blob, a list of nested structures) with the same values; botocore's
query, rest-xml and smithy-rpc-v2-cbor serializers and parsers are the named baseline,
fed the answer qsmith's own codec would read. Prints the ratio qsmith / botocore
(lower is better).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import timeit
from typing import Any

import cbor2
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.schema import (
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
)

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
OPERATION = OperationSchema(
    id="bench#Echo", input=PAYLOAD, output=PAYLOAD, http=HttpTrait(method="POST", uri="/echo")
)
SERVICE = ServiceSchema(id="bench#Bench", version="1", operations={"Echo": OPERATION})


def _boto_model(protocol: str) -> ServiceModel:
    return ServiceModel(
        {
            "metadata": {
                "protocol": protocol,
                "apiVersion": "1",
                "endpointPrefix": "bench",
                "targetPrefix": "Bench",
            },
            "operations": {
                "Echo": {
                    "name": "Echo",
                    "http": {"method": "POST", "requestUri": "/echo"},
                    "input": {"shape": "Payload", "locationName": "Payload"},
                    "output": {"shape": "Payload", "resultWrapper": "EchoResult"},
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
ITEMS_XML = "".join(
    f"<member><Name>item-{i}</Name><Count>{i}</Count></member>" for i in range(ITEM_COUNT)
)
FIELDS_XML = (
    "<Id>abc</Id><Size>42</Size><Created>2024-01-02T03:04:05Z</Created>"
    f"<Data>{'eHh4' * 21}eA==</Data><Items>{ITEMS_XML}</Items>"
)
ANSWERS = {
    "query": f"<EchoResponse><EchoResult>{FIELDS_XML}</EchoResult></EchoResponse>".encode(),
    "rest-xml": f"<Payload>{FIELDS_XML}</Payload>".encode(),
    "smithy-rpc-v2-cbor": cbor2.dumps(
        {
            "Id": "abc",
            "Size": 42,
            "Created": cbor2.CBORTag(1, int(CREATED.timestamp())),
            "Data": b"x" * 64,
            "Items": [{"Name": f"item-{i}", "Count": i} for i in range(ITEM_COUNT)],
        }
    ),
}
TRAITS = {
    "query": "aws.protocols#awsQuery",
    "rest-xml": "aws.protocols#restXml",
    "smithy-rpc-v2-cbor": "smithy.protocols#rpcv2Cbor",
}


def _qsmith_value() -> Payload:
    items = [Item(name=f"item-{i}", count=i) for i in range(ITEM_COUNT)]
    return Payload(id="abc", size=42, created=CREATED, data=b"x" * 64, items=items)


def _boto_params() -> dict[str, Any]:
    items = [{"Name": f"item-{i}", "Count": i} for i in range(ITEM_COUNT)]
    return {"Id": "abc", "Size": 42, "Created": CREATED, "Data": b"x" * 64, "Items": items}


def _best_us(func: Any, number: int = 1000) -> float:
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e6


def _rows(name: str) -> list[tuple[str, float, float]]:
    protocol = protocol_for(TRAITS[name])
    value = _qsmith_value()
    answer = ANSWERS[name]
    op_model = _boto_model(name).operation_model("Echo")
    serializer = create_serializer(name)
    parser = create_parser(name)
    params = _boto_params()
    boto_response = {"headers": {}, "status_code": 200, "body": answer}
    return [
        (
            f"{name} serialize",
            _best_us(
                lambda: protocol.serialize_request(SERVICE, OPERATION, value, "https://example.com")
            ),
            _best_us(lambda: serializer.serialize_to_request(params, op_model)),
        ),
        (
            f"{name} parse",
            _best_us(lambda: protocol.deserialize_response(SERVICE, OPERATION, 200, {}, answer)),
            _best_us(lambda: parser.parse(boto_response, op_model.output_shape)),
        ),
    ]


def main() -> None:
    print(f"{'step':<30} {'qsmith µs':>10} {'botocore µs':>12} {'ratio':>6}")
    for name in TRAITS:
        for step, ours, theirs in _rows(name):
            print(f"{step:<30} {ours:>10.1f} {theirs:>12.1f} {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()

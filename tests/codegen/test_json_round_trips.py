"""Clients of the three JSON protocols, from real AWS models, on the wire beside botocore.

DynamoDB (awsJson1_0), Kinesis (awsJson1_1) and Lambda (restJson1): each botocore C2J model
is pruned to the operations under test (the pruning of the EC2 round trip), imported with
``qsmith model import-c2j`` and generated once per module. Each call goes to a loopback
server; the request must equal the one botocore's own client prepares for the same call
(captured at its ``before-send`` event, never sent): method, path and query, Content-Type,
X-Amz-Target, bound headers and the JSON body compared as data. A canned answer must read
into the values botocore's client reads from it.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import importlib
import io
import json
import sys
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.codegen.test_ec2_round_trip import prune
from tests.codegen.test_protocol_round_trips import CONFIG
from tools.botocore_sweep import service_models

TOP = "jsonroundtrips"
DATA = Path(botocore.__file__).parent / "data"
SERVICES = {
    "dynamodb": ("PutItem", "GetItem"),
    "kinesis": ("PutRecord", "GetRecords"),
    "lambda": ("Invoke", "GetFunction"),
}


def _package(service: str) -> str:
    return f"{TOP}.{service}_"  # "lambda" is a keyword


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("json-round-trips")
    runner = CliRunner()
    for service, operations in SERVICES.items():
        ((_, packed),) = service_models(DATA, [service])
        c2j = prune(json.loads(gzip.decompress(packed.read_bytes())), operations)
        (out / f"{service}-c2j.json").write_text(json.dumps(c2j))
        steps = [
            ["model", "import-c2j", str(out / f"{service}-c2j.json"), "-o", str(out / service)],
            ["codegen", str(out / service), "--package", _package(service), "--out", str(out)],
        ]
        for args in steps:
            result = runner.invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield {
            service: importlib.import_module(f"{_package(service)}.client") for service in SERVICES
        }
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def _models(service: str) -> Any:
    return importlib.import_module(f"{_package(service)}.models")


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


@dataclasses.dataclass
class Answer:
    """One canned HTTP answer, given to both botocore and the qsmith client."""

    body: bytes = b"{}"
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


class _RawBody(io.BytesIO):
    """The urllib3-like raw body botocore reads: streamed whole, or read (streaming outputs)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def _botocore_call(service: str, operation: str, params: dict[str, Any], answer: Answer) -> Any:
    """(request botocore prepares, what botocore's client parses from ``answer``)."""
    import botocore.session  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]

    captured: list[Any] = []

    def capture(request: Any, **_: Any) -> Any:
        captured.append(request)
        return AWSResponse(request.url, answer.status, answer.headers, _RawBody(answer.body))

    client = botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url="https://example.test",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret-canary",
    )
    client.meta.events.register(f"before-send.{client.meta.service_model.endpoint_prefix}", capture)
    parsed = getattr(client, _snake(operation))(**params)
    (request,) = captured
    parsed.pop("ResponseMetadata", None)
    return request, parsed


def _qsmith_call(
    clients: dict[str, Any],
    loopback: LoopbackServer,
    service: str,
    operation: str,
    params: dict[str, Any],
    answer: Answer,
) -> tuple[Any, Any]:
    """(request the generated client sent to the loopback server, what it read back)."""
    headers = [("Content-Type", "application/json"), *answer.headers.items()]
    loopback.enqueue(ScriptedResponse(status=answer.status, headers=headers, body=answer.body))
    with clients[service].Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = getattr(client, _snake(operation))(**params)
    (request,) = loopback.requests
    return request, result


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def assert_same_request(
    sent: Any, wanted: Any, bound: tuple[str, ...] = (), *, content_type: bool = True
) -> None:
    """``sent`` (loopback) equals ``wanted`` (botocore) in everything the service reads."""
    assert sent.method == wanted.method
    target = urllib.parse.urlsplit(sent.target)
    url = urllib.parse.urlsplit(wanted.url)
    assert target.path == url.path
    assert sorted(urllib.parse.parse_qsl(target.query)) == sorted(urllib.parse.parse_qsl(url.query))
    for name in ("Content-Type",) * content_type + ("X-Amz-Target", *bound):
        expected = wanted.headers.get(name)
        assert sent.header(name) == (None if expected is None else _text(expected)), name
    body = wanted.body or b""
    body = body if isinstance(body, bytes) else body.encode()
    if body:
        assert json.loads(sent.body) == json.loads(body)
    else:
        assert sent.body == b""


# -- DynamoDB (awsJson1_0) --------------------------------------------------------------------

ITEM: dict[str, Any] = {
    "pk": {"S": "user#1"},
    "age": {"N": "42"},
    "photo": {"B": b"\x00\xff"},
    "tags": {"SS": ["a", "b"]},
    "address": {"M": {"city": {"S": "Lyon"}, "zip": {"N": "69001"}}},
    "history": {"L": [{"BOOL": True}, {"NULL": True}, {"L": [{"S": "x"}]}]},
}


def _attribute(models: Any, value: dict[str, Any]) -> Any:
    """The generated ``AttributeValue`` of one botocore attribute value."""
    ((kind, inner),) = value.items()
    if kind == "M":
        inner = {key: _attribute(models, item) for key, item in inner.items()}
    elif kind == "L":
        inner = [_attribute(models, item) for item in inner]
    field = {"BOOL": "bool_"}.get(kind, kind.lower())
    return models.AttributeValue(**{field: inner})


def test_dynamodb_put_item_sends_what_botocore_sends(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    params = {"TableName": "users", "Item": ITEM, "ReturnValues": "ALL_OLD"}
    wanted, _ = _botocore_call("dynamodb", "PutItem", params, Answer())
    models = _models("dynamodb")
    item = {key: _attribute(models, value) for key, value in ITEM.items()}
    sent, _ = _qsmith_call(
        clients,
        loopback,
        "dynamodb",
        "PutItem",
        {"table_name": "users", "item": item, "return_values": "ALL_OLD"},
        Answer(),
    )
    assert sent.header("X-Amz-Target") == "DynamoDB_20120810.PutItem"
    assert_same_request(sent, wanted)


GET_ITEM_ANSWER = json.dumps(
    {
        "Item": {
            "pk": {"S": "user#1"},
            "photo": {"B": base64.b64encode(b"\x00\xff").decode()},
            "address": {"M": {"city": {"S": "Lyon"}}},
            "history": {"L": [{"N": "1.5"}, {"BOOL": False}]},
        },
        "ConsumedCapacity": {"TableName": "users", "CapacityUnits": 0.5},
    }
).encode()


def test_dynamodb_get_item_reads_what_botocore_reads(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    key = {"pk": {"S": "user#1"}}
    answer = Answer(GET_ITEM_ANSWER)
    wanted_request, expected = _botocore_call(
        "dynamodb", "GetItem", {"TableName": "users", "Key": key}, answer
    )
    models = _models("dynamodb")
    sent, result = _qsmith_call(
        clients,
        loopback,
        "dynamodb",
        "GetItem",
        {"table_name": "users", "key": {"pk": _attribute(models, key["pk"])}},
        answer,
    )
    assert_same_request(sent, wanted_request)
    item = expected["Item"]
    assert result.item["pk"].s == item["pk"]["S"]
    assert result.item["photo"].b == item["photo"]["B"] == b"\x00\xff"
    assert result.item["address"].m["city"].s == item["address"]["M"]["city"]["S"]
    first, second = result.item["history"].l
    assert (first.n, second.bool_) == (item["history"]["L"][0]["N"], False)
    assert item["history"]["L"][1] == {"BOOL": False}
    capacity = expected["ConsumedCapacity"]
    assert result.consumed_capacity.table_name == capacity["TableName"]
    assert result.consumed_capacity.capacity_units == capacity["CapacityUnits"]


# -- Kinesis (awsJson1_1) ---------------------------------------------------------------------


def test_kinesis_put_record_sends_what_botocore_sends(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    params = {"StreamName": "s1", "Data": b"\x01payload", "PartitionKey": "p1"}
    wanted, _ = _botocore_call("kinesis", "PutRecord", params, Answer())
    sent, _ = _qsmith_call(
        clients,
        loopback,
        "kinesis",
        "PutRecord",
        {"stream_name": "s1", "data": b"\x01payload", "partition_key": "p1"},
        Answer(),
    )
    assert sent.header("Content-Type") == "application/x-amz-json-1.1"
    assert sent.header("X-Amz-Target") == "Kinesis_20131202.PutRecord"
    assert_same_request(sent, wanted)


RECORDS_ANSWER = json.dumps(
    {
        "Records": [
            {
                "SequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                "ApproximateArrivalTimestamp": 1714566600.25,
                "Data": base64.b64encode(b"\x01payload").decode(),
                "PartitionKey": "p1",
            }
        ],
        "NextShardIterator": "next",
        "MillisBehindLatest": 0,
    }
).encode()


def test_kinesis_get_records_reads_what_botocore_reads(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    answer = Answer(RECORDS_ANSWER)
    wanted, expected = _botocore_call(
        "kinesis", "GetRecords", {"ShardIterator": "it-1", "Limit": 10}, answer
    )
    sent, result = _qsmith_call(
        clients, loopback, "kinesis", "GetRecords", {"shard_iterator": "it-1", "limit": 10}, answer
    )
    assert_same_request(sent, wanted)
    (record,) = result.records
    (wanted_record,) = expected["Records"]
    assert record.sequence_number == wanted_record["SequenceNumber"]
    assert record.data == wanted_record["Data"] == b"\x01payload"
    assert record.partition_key == wanted_record["PartitionKey"]
    arrival = wanted_record["ApproximateArrivalTimestamp"]
    assert record.approximate_arrival_timestamp == arrival
    assert arrival == datetime(2024, 5, 1, 12, 30, 0, 250000, tzinfo=UTC)
    assert result.next_shard_iterator == expected["NextShardIterator"]
    assert result.millis_behind_latest == expected["MillisBehindLatest"]


# -- Lambda (restJson1) -----------------------------------------------------------------------

INVOKE_BOUND = ("X-Amz-Invocation-Type", "X-Amz-Log-Type", "X-Amz-Client-Context")


def test_lambda_invoke_binds_label_headers_query_and_payload_as_botocore_does(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    context = base64.b64encode(b'{"custom": {"k": "v"}}').decode()
    payload = b'{"order": 7, "items": ["a b", "c/d"]}'
    answer = Answer(
        b'{"ok": true}',
        headers={
            "X-Amz-Function-Error": "Unhandled",
            "X-Amz-Log-Result": "bG9n",
            "X-Amz-Executed-Version": "3",
        },
    )
    wanted, expected = _botocore_call(
        "lambda",
        "Invoke",
        {
            "FunctionName": "my function",
            "InvocationType": "RequestResponse",
            "LogType": "Tail",
            "ClientContext": context,
            "Payload": payload,
            "Qualifier": "v 2",
        },
        answer,
    )
    sent, result = _qsmith_call(
        clients,
        loopback,
        "lambda",
        "Invoke",
        {
            "function_name": "my function",
            "invocation_type": "RequestResponse",
            "log_type": "Tail",
            "client_context": context,
            "payload": payload,
            "qualifier": "v 2",
        },
        answer,
    )
    assert sent.header("X-Amz-Target") is None
    # botocore sends a blob payload with no Content-Type; Smithy's restJson1 protocol tests
    # (RestJsonHttpPayloadTraitsWithBlob) expect application/octet-stream, as qsmith sends.
    assert "Content-Type" not in wanted.headers
    assert sent.header("Content-Type") == "application/octet-stream"
    assert_same_request(sent, wanted, INVOKE_BOUND, content_type=False)
    assert result.status_code == expected["StatusCode"] == 200
    assert result.function_error == expected["FunctionError"]
    assert result.log_result == expected["LogResult"]
    assert result.executed_version == expected["ExecutedVersion"]
    assert result.payload == expected["Payload"].read() == b'{"ok": true}'


FUNCTION_ANSWER = json.dumps(
    {
        "Configuration": {
            "FunctionName": "f1",
            "Runtime": "python3.12",
            "MemorySize": 256,
            "LastModified": "2024-05-01T12:30:00.000+0000",
            "Environment": {"Variables": {"STAGE": "prod"}},
            "Layers": [{"Arn": "arn:aws:lambda:us-east-1:1:layer:l:1", "CodeSize": 10}],
        },
        "Code": {"RepositoryType": "S3", "Location": "https://example.test/code"},
        "Tags": {"team": "a"},
    }
).encode()


def test_lambda_get_function_reads_what_botocore_reads(
    clients: dict[str, Any], loopback: LoopbackServer
) -> None:
    answer = Answer(FUNCTION_ANSWER)
    wanted, expected = _botocore_call(
        "lambda", "GetFunction", {"FunctionName": "f1", "Qualifier": "$LATEST"}, answer
    )
    sent, result = _qsmith_call(
        clients,
        loopback,
        "lambda",
        "GetFunction",
        {"function_name": "f1", "qualifier": "$LATEST"},
        answer,
    )
    assert_same_request(sent, wanted)
    configuration = result.configuration
    wanted_configuration = expected["Configuration"]
    assert configuration.function_name == wanted_configuration["FunctionName"]
    assert configuration.runtime == wanted_configuration["Runtime"]
    assert configuration.memory_size == wanted_configuration["MemorySize"]
    assert configuration.last_modified == wanted_configuration["LastModified"]
    assert configuration.environment.variables == wanted_configuration["Environment"]["Variables"]
    (layer,) = configuration.layers
    assert (layer.arn, layer.code_size) == (
        wanted_configuration["Layers"][0]["Arn"],
        wanted_configuration["Layers"][0]["CodeSize"],
    )
    assert result.code.location == expected["Code"]["Location"]
    assert result.tags == expected["Tags"]

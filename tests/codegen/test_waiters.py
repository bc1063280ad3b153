"""Generated ``wait_until_<name>`` methods: real AWS models with waiters, on the wire.

DynamoDB (awsJson1_0: ``TableExists``/``TableNotExists``), Lambda (restJson1:
``FunctionActiveV2`` with a failure acceptor) and ElastiCache (awsQuery: projections with
``allStringEquals``, an ``errorType`` naming the ``@awsQueryError`` code) are generated from
../shared/vectors (DynamoDB and Lambda are test_own_models' clients, generated once per run),
checked by ``mypy --strict``, and their waiters poll a loopback server that answers with
scripted states, sync and async.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.codegen.model import load_model
from qsmith.codegen.plan.build import build_service_plan
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import CodegenError, ServiceError
from qsmith.runtime.waiters import WaiterError, WaiterFailure
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.codegen.aws_models import TOP as AWS_TOP
from tests.codegen.aws_models import aws_models
from tests.support.mypy_run import mypy_strict
from tests.support.scratch import importable
from tests.support.shared import REPO_ROOT, shared_path

TOP = "waitermodels"
MODELS = {
    "dynamodb": "api-models-aws/dynamodb/service/2012-08-10/dynamodb-2012-08-10.json",
    "lambda_": "api-models-aws/lambda/service/2015-03-31/lambda-2015-03-31.json",
}
ELASTICACHE = (
    "aws-models-more",
    "api-models-aws/elasticache/service/2015-02-02/elasticache-2015-02-02.json",
)
CONFIG = ClientConfig(
    region="us-east-1", credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary"), max_attempts=1
)
FAST = {"min_delay": 0.01, "max_delay": 0.02, "max_wait_time": 5.0}


# The DynamoDB and Lambda clients are those test_own_models checks (built once per run).
PACKAGES = {
    "dynamodb": f"{AWS_TOP}.aws_dynamodb",
    "lambda_": f"{AWS_TOP}.aws_lambda",
    "elasticache": f"{TOP}.elasticache",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    aws = aws_models(tmp_path_factory)
    out = tmp_path_factory.mktemp("waiter-models")
    model = shared_path("vectors", *ELASTICACHE)
    args = ["codegen", str(model), "--package", PACKAGES["elasticache"], "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with importable(aws, AWS_TOP), importable(out, TOP):
        yield [aws, out]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGES[name]}.client")


def _table(status: str) -> ScriptedResponse:
    body = {"Table": {"TableName": "t", "TableStatus": status}}
    return ScriptedResponse.json(200, json.dumps(body))


def _not_found() -> ScriptedResponse:
    body = {"__type": "com.amazonaws.dynamodb#ResourceNotFoundException", "message": "no t"}
    return ScriptedResponse.json(400, json.dumps(body))


def test_waiter_clients_pass_mypy_strict(generated: list[Path]) -> None:
    packages = [arg for package in PACKAGES.values() for arg in ("-p", package)]
    result = mypy_strict(*packages, cwd=REPO_ROOT, mypy_path=generated)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_waiter_of_the_models_is_a_method(generated: list[Path]) -> None:
    names = {
        "dynamodb": ["wait_until_table_exists", "wait_until_table_not_exists"],
        "lambda_": [
            "wait_until_function_active",
            "wait_until_function_active_v2",
            "wait_until_function_exists",
            "wait_until_function_updated",
            "wait_until_function_updated_v2",
            "wait_until_published_version_active",
        ],
    }
    for package, methods in names.items():
        module = _module(package)
        for cls in (module.Client, module.AsyncClient):
            assert sorted(m for m in vars(cls) if m.startswith("wait_until_")) == methods


def test_table_exists_polls_through_not_found_and_creating(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    loopback.enqueue(_not_found(), _table("CREATING"), _table("ACTIVE"))
    with _module("dynamodb").Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = client.wait_until_table_exists(table_name="t", **FAST)
    assert result.attempts == 3 and result.error is None
    assert result.output.table.table_status == "ACTIVE"
    targets = [r.header("X-Amz-Target") for r in loopback.requests]
    assert targets == ["DynamoDB_20120810.DescribeTable"] * 3
    assert all(json.loads(r.body) == {"TableName": "t"} for r in loopback.requests)


def test_table_not_exists_succeeds_on_the_error(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    loopback.enqueue(_table("DELETING"), _not_found())
    with _module("dynamodb").Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = client.wait_until_table_not_exists(table_name="t", **FAST)
    assert result.output is None and result.error.code == "ResourceNotFoundException"
    assert result.attempts == 2


def test_table_exists_times_out_with_the_last_output(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    loopback.set_handler(lambda request: _table("CREATING"))
    client = _module("dynamodb").Client(endpoint_url=loopback.url, config=CONFIG)
    with client, pytest.raises(WaiterError) as caught:
        client.wait_until_table_exists(
            table_name="t", min_delay=0.01, max_delay=0.01, max_wait_time=0.2
        )
    assert caught.value.reason is WaiterFailure.TIMED_OUT
    assert caught.value.last_output.table.table_status == "CREATING"
    assert caught.value.attempts == len(loopback.requests) >= 2


def test_an_unmatched_error_stops_the_waiter(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    denied = {"__type": "AccessDeniedException", "message": "secret-canary"}
    loopback.enqueue(ScriptedResponse.json(400, json.dumps(denied)))
    client = _module("dynamodb").Client(endpoint_url=loopback.url, config=CONFIG)
    with client, pytest.raises(WaiterError) as caught:
        client.wait_until_table_exists(table_name="t", **FAST)
    assert caught.value.reason is WaiterFailure.UNEXPECTED_ERROR
    error = caught.value.last_error
    assert isinstance(error, ServiceError) and error.code == "AccessDeniedException"
    assert "secret-canary" not in str(caught.value)


def _function(state: str) -> ScriptedResponse:
    body = {"Configuration": {"FunctionName": "f", "State": state}}
    return ScriptedResponse.json(200, json.dumps(body))


async def test_async_function_active_reaches_the_failure_state(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    loopback.enqueue(_function("Pending"), _function("Failed"))
    async with _module("lambda_").AsyncClient(endpoint_url=loopback.url, config=CONFIG) as client:
        with pytest.raises(WaiterError) as caught:
            await client.wait_until_function_active_v2(function_name="f", **FAST)
    assert caught.value.reason is WaiterFailure.FAILURE_STATE
    assert caught.value.last_output.configuration.state == "Failed"
    assert [r.target for r in loopback.requests] == ["/2015-03-31/functions/f"] * 2


async def test_async_function_exists_succeeds_on_any_output(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    missing = {"Type": "User", "message": "no f"}
    loopback.enqueue(
        ScriptedResponse.json(
            404, json.dumps(missing), [("X-Amzn-ErrorType", "ResourceNotFoundException")]
        ),
        _function("Active"),
    )
    async with _module("lambda_").AsyncClient(endpoint_url=loopback.url, config=CONFIG) as client:
        result = await client.wait_until_function_exists(function_name="f", **FAST)
    assert result.attempts == 2 and result.output.configuration.function_name == "f"


def test_a_waiter_with_a_bad_acceptor_is_refused_by_the_generator() -> None:
    model = json.loads(
        shared_path("vectors", "aws-models", MODELS["dynamodb"]).read_text(encoding="utf-8")
    )
    describe = model["shapes"]["com.amazonaws.dynamodb#DescribeTable"]
    acceptor = describe["traits"]["smithy.waiters#waitable"]["TableExists"]["acceptors"][0]
    acceptor["matcher"]["output"]["path"] = "Table.["
    loaded = load_model([model])
    service = "com.amazonaws.dynamodb#DynamoDB_20120810"
    with pytest.raises(CodegenError, match=r"DescribeTable: waiter TableExists: path"):
        build_service_plan(loaded, service, "dynamodb")


def _clusters(*statuses: str) -> ScriptedResponse:
    members = "".join(
        f"<CacheCluster><CacheClusterStatus>{s}</CacheClusterStatus></CacheCluster>"
        for s in statuses
    )
    body = (
        "<DescribeCacheClustersResponse><DescribeCacheClustersResult>"
        f"<CacheClusters>{members}</CacheClusters>"
        "</DescribeCacheClustersResult></DescribeCacheClustersResponse>"
    )
    return ScriptedResponse(status=200, headers=[("Content-Type", "text/xml")], body=body.encode())


def test_awsquery_waiter_projects_every_cluster(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    loopback.enqueue(_clusters("creating", "available"), _clusters("available", "available"))
    with _module("elasticache").Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = client.wait_until_cache_cluster_available(cache_cluster_id="c1", **FAST)
    assert result.attempts == 2
    assert all(b"Action=DescribeCacheClusters" in r.body for r in loopback.requests)


def test_awsquery_error_type_matches_the_query_error_code(
    generated: list[Path], loopback: LoopbackServer
) -> None:
    error = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>CacheClusterNotFound</Code>"
        "<Message>gone</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
    )
    loopback.enqueue(
        _clusters("deleting"),
        ScriptedResponse(status=404, headers=[("Content-Type", "text/xml")], body=error.encode()),
    )
    with _module("elasticache").Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = client.wait_until_cache_cluster_deleted(cache_cluster_id="c1", **FAST)
    assert result.output is None and result.attempts == 2
    assert type(result.error).__name__ == "CacheClusterNotFoundFault"

"""Clients of every new protocol, generated from real and minimal models, on the wire.

- The generator-repro models (one service per protocol combination) are generated,
  type-checked with ``mypy --strict``, and each sends one call to a loopback server,
  whose request is checked: method, path, protocol headers and the body.
- ElastiCache (awsQuery, from ../shared/vectors/aws-models-more) sends calls whose form
  parameters must equal botocore's for the same call, and reads an answer into the values
  botocore's parser reads from it.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cbor2
import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.support.shared import REPO_ROOT, shared_path

TOP = "protocolmodels"
REPROS = {
    "awsquery": "proto_awsquery_only.json",
    "restxml": "proto_restxml_only.json",
    "cbor": "proto_cbor_only.json",
    "cbor_and_json": "proto_cbor_and_json.json",
}
ELASTICACHE = (
    "aws-models-more",
    "api-models-aws/elasticache/service/2015-02-02/elasticache-2015-02-02.json",
)
CONFIG = ClientConfig(
    region="us-east-1", credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary")
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    repros = shared_path("vectors", "generator-repros")
    elasticache = shared_path("vectors", *ELASTICACHE)
    out = tmp_path_factory.mktemp("protocol-models")
    sources = {name: repros / file for name, file in REPROS.items()}
    sources["elasticache"] = elasticache
    runner = CliRunner()
    for name, source in sources.items():
        args = ["codegen", str(source), "--package", f"{TOP}.{name}", "--out", str(out)]
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, (name, result.output)
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def _client(name: str, url: str, **config: Any) -> Any:
    module = importlib.import_module(f"{TOP}.{name}.client")
    return module.Client(endpoint_url=url, config=dataclasses.replace(CONFIG, **config))


def test_the_repro_clients_pass_mypy_strict(generated: Path) -> None:
    packages = [f"{TOP}.{name}" for name in REPROS]
    env = {**os.environ, "MYPYPATH": str(generated)}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(generated / ".mypy")]
        + [arg for p in packages for arg in ("-p", p)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_awsquery_sends_a_form_and_reads_xml(generated: Path, loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(status=200, body=b"<OpResponse><OpResult/></OpResponse>"))
    with _client("awsquery", loopback.url) as client:
        assert client.op(resource_type="a b") is None
    (request,) = loopback.requests
    assert (request.method, request.target) == ("POST", "/")
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert request.body == b"Action=Op&Version=2024-01-01&resourceType=a%20b"


def test_restxml_sends_the_input_element(generated: Path, loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(status=200))
    with _client("restxml", loopback.url) as client:
        client.op(resource_type="<x>")
    (request,) = loopback.requests
    assert (request.method, request.target) == ("POST", "/op")
    assert request.header("Content-Type") == "application/xml"
    assert request.body == b"<OpInput><resourceType>&lt;x&gt;</resourceType></OpInput>"


def test_rpcv2cbor_sends_cbor_to_the_operation_path(
    generated: Path, loopback: LoopbackServer
) -> None:
    loopback.enqueue(ScriptedResponse(status=200, headers=[("smithy-protocol", "rpc-v2-cbor")]))
    with _client("cbor", loopback.url) as client:
        client.op(resource_type="x")
    (request,) = loopback.requests
    assert (request.method, request.target) == ("POST", "/service/Svc/operation/Op")
    assert request.header("smithy-protocol") == "rpc-v2-cbor"
    assert request.header("Content-Type") == "application/cbor"
    assert cbor2.loads(request.body) == {"resourceType": "x"}


def test_a_service_with_cbor_and_json_speaks_json_unless_asked(
    generated: Path, loopback: LoopbackServer
) -> None:
    loopback.enqueue(ScriptedResponse(status=200, body=b"{}"))
    loopback.enqueue(ScriptedResponse(status=200))
    with _client("cbor_and_json", loopback.url) as client:
        client.op(resource_type="x")
    with _client("cbor_and_json", loopback.url, protocol="rpcv2Cbor") as client:
        client.op(resource_type="x")
    first, second = loopback.requests
    assert first.header("X-Amz-Target") == "Svc.Op"
    assert json.loads(first.body) == {"resourceType": "x"}
    assert second.target == "/service/Svc/operation/Op"
    assert cbor2.loads(second.body) == {"resourceType": "x"}


# -- ElastiCache against botocore ------------------------------------------------------------


def _botocore_operation(operation: str) -> Any:
    import botocore.session
    from botocore.model import ServiceModel

    session = botocore.session.get_session()
    return ServiceModel(session.get_service_data("elasticache")).operation_model(operation)


def _botocore_form(operation: str, params: dict[str, Any]) -> dict[str, str]:
    from botocore.serialize import create_serializer

    request = create_serializer("query").serialize_to_request(
        params, _botocore_operation(operation)
    )
    return {key: str(value) for key, value in request["body"].items()}


CALLS = [
    (
        "DescribeCacheClusters",
        {"CacheClusterId": "c1", "MaxRecords": 20, "ShowCacheNodeInfo": True},
        {"cache_cluster_id": "c1", "max_records": 20, "show_cache_node_info": True},
    ),
    (
        "AddTagsToResource",
        {"ResourceName": "arn:x", "Tags": [{"Key": "k1", "Value": "v 1"}, {"Key": "k2"}]},
        {"resource_name": "arn:x", "tags": [("k1", "v 1"), ("k2", None)]},
    ),
]


@pytest.mark.parametrize(("operation", "botocore_params", "qsmith_params"), CALLS)
def test_elasticache_sends_the_form_botocore_sends(
    generated: Path,
    loopback: LoopbackServer,
    operation: str,
    botocore_params: dict[str, Any],
    qsmith_params: dict[str, Any],
) -> None:
    models = importlib.import_module(f"{TOP}.elasticache.models")
    if "tags" in qsmith_params:
        qsmith_params["tags"] = [models.Tag(key=k, value=v) for k, v in qsmith_params["tags"]]
    loopback.enqueue(ScriptedResponse(status=200, body=f"<{operation}Response/>".encode()))
    with _client("elasticache", loopback.url) as client:
        method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
        getattr(client, method)(**qsmith_params)
    (request,) = loopback.requests
    sent = dict(urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True))
    assert sent == _botocore_form(operation, botocore_params)


ANSWER = b"""<DescribeCacheClustersResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
  <DescribeCacheClustersResult>
    <CacheClusters>
      <CacheCluster>
        <CacheClusterId>c1</CacheClusterId>
        <NumCacheNodes>2</NumCacheNodes>
        <CacheClusterCreateTime>2024-05-01T12:30:00.250Z</CacheClusterCreateTime>
        <SecurityGroups>
          <member><SecurityGroupId>sg-1</SecurityGroupId><Status>active</Status></member>
        </SecurityGroups>
      </CacheCluster>
    </CacheClusters>
    <Marker>next</Marker>
  </DescribeCacheClustersResult>
  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
</DescribeCacheClustersResponse>"""


def test_elasticache_reads_what_botocore_reads(generated: Path, loopback: LoopbackServer) -> None:
    from botocore.parsers import create_parser

    expected = create_parser("query").parse(
        {"body": ANSWER, "headers": {}, "status_code": 200},
        _botocore_operation("DescribeCacheClusters").output_shape,
    )
    loopback.enqueue(ScriptedResponse(status=200, body=ANSWER))
    with _client("elasticache", loopback.url) as client:
        result = client.describe_cache_clusters()
    (cluster,) = result.cache_clusters
    (wanted,) = expected["CacheClusters"]
    assert result.marker == expected["Marker"]
    assert cluster.cache_cluster_id == wanted["CacheClusterId"]
    assert cluster.num_cache_nodes == wanted["NumCacheNodes"]
    assert cluster.cache_cluster_create_time == wanted["CacheClusterCreateTime"]
    (group,) = cluster.security_groups
    assert (group.security_group_id, group.status) == (
        wanted["SecurityGroups"][0]["SecurityGroupId"],
        wanted["SecurityGroups"][0]["Status"],
    )

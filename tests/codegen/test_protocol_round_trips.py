"""Clients of every new protocol, generated from real and minimal models, on the wire.

- The generator-repro models (one service per protocol combination) are generated,
  type-checked with ``mypy --strict``, and each sends one call to a loopback server,
  whose request is checked: method, path, protocol headers and the body.
- ElastiCache (awsQuery) and S3 Control (restXml), from ../shared/vectors/aws-models-more,
  and Amazon Translate (rpcv2Cbor, imported from the C2J model botocore ships), build
  requests that must equal botocore's for the same call, and read answers into the values
  botocore's parser reads from them.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
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
from tests.support.mypy_run import mypy_strict
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
S3_CONTROL = (
    "aws-models-more",
    "api-models-aws/s3-control/service/2018-08-20/s3-control-2018-08-20.json",
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
    sources["s3control"] = shared_path("vectors", *S3_CONTROL)
    runner = CliRunner()
    sources["translate"] = _translate_model(runner, out)
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


def _translate_model(runner: CliRunner, out: Path) -> Path:
    """Amazon Translate's C2J model from botocore, imported by ``qsmith model import-c2j``."""
    import gzip

    import botocore

    packed = Path(botocore.__file__).parent / "data/translate/2017-07-01/service-2.json.gz"
    c2j = out / "translate-c2j.json"
    c2j.write_bytes(gzip.decompress(packed.read_bytes()))
    model = out / "translate.json"
    result = runner.invoke(cli, ["model", "import-c2j", str(c2j), "-o", str(model)])
    assert result.exit_code == 0, result.output
    return model


def _client(name: str, url: str, **config: Any) -> Any:
    module = importlib.import_module(f"{TOP}.{name}.client")
    return module.Client(endpoint_url=url, config=dataclasses.replace(CONFIG, **config))


def test_the_repro_clients_pass_mypy_strict(generated: Path) -> None:
    packages = [arg for name in REPROS for arg in ("-p", f"{TOP}.{name}")]
    result = mypy_strict(*packages, cwd=REPO_ROOT, mypy_path=[generated])
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


def _botocore_operation(operation: str, service: str = "elasticache") -> Any:
    import botocore.session
    from botocore.model import ServiceModel

    session = botocore.session.get_session()
    return ServiceModel(session.get_service_data(service)).operation_model(operation)


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


# -- S3 Control against botocore -------------------------------------------------------------

BLOCKS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": False,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": False,
}


def test_s3_control_builds_the_request_botocore_builds(generated: Path) -> None:
    from botocore.serialize import create_serializer

    from qsmith.codegen.conformance.protocol_values import xml_tree
    from qsmith.runtime.client.core import CallOptions, ClientCore

    params = {
        "AccountId": "123456789012",
        "Name": "ap1",
        "Bucket": "bucket1",
        "VpcConfiguration": {"VpcId": "vpc-1"},
        "PublicAccessBlockConfiguration": BLOCKS,
    }
    wanted = create_serializer("rest-xml").serialize_to_request(
        params, _botocore_operation("CreateAccessPoint", "s3control")
    )
    schema = importlib.import_module(f"{TOP}.s3control._schema")
    models = importlib.import_module(f"{TOP}.s3control.models")
    value = models.CreateAccessPointRequest(
        account_id="123456789012",
        name="ap1",
        bucket="bucket1",
        vpc_configuration=models.VpcConfiguration(vpc_id="vpc-1"),
        public_access_block_configuration=models.PublicAccessBlockConfiguration(
            block_public_acls=True,
            ignore_public_acls=False,
            block_public_policy=True,
            restrict_public_buckets=False,
        ),
    )
    core = ClientCore(schema.SERVICE, CONFIG)
    request = core.build_request(
        schema.SERVICE.operations["CreateAccessPoint"], value, CallOptions()
    )
    assert (request.method, request.path) == (wanted["method"], wanted["url_path"])
    assert request.host == "123456789012.s3-control.us-east-1.amazonaws.com"
    assert request.header("x-amz-account-id") == wanted["headers"]["x-amz-account-id"]
    assert isinstance(request.body, bytes)
    assert xml_tree(request.body) == xml_tree(wanted["body"])
    # Signed as botocore's s3v4 signs it: with x-amz-content-sha256 (the generator's switch).
    assert core.customizations.content_sha256_header


ACCESS_POINT = b"""<GetAccessPointResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">
  <Name>ap1</Name><Bucket>bucket1</Bucket><NetworkOrigin>VPC</NetworkOrigin>
  <VpcConfiguration><VpcId>vpc-1</VpcId></VpcConfiguration>
  <PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>
  </PublicAccessBlockConfiguration>
  <CreationDate>2024-05-01T12:30:00Z</CreationDate>
  <Endpoints><entry><key>ipv4</key><value>ap1.example</value></entry></Endpoints>
</GetAccessPointResult>"""


def test_s3_control_reads_what_botocore_reads(generated: Path) -> None:
    from botocore.parsers import create_parser

    from qsmith.runtime.client.core import ClientCore

    expected = create_parser("rest-xml").parse(
        {"body": ACCESS_POINT, "headers": {}, "status_code": 200},
        _botocore_operation("GetAccessPoint", "s3control").output_shape,
    )
    schema = importlib.import_module(f"{TOP}.s3control._schema")
    core = ClientCore(schema.SERVICE, CONFIG)
    result = core.read_response(schema.SERVICE.operations["GetAccessPoint"], 200, [], ACCESS_POINT)
    assert (result.name, result.bucket, result.network_origin) == (
        expected["Name"],
        expected["Bucket"],
        expected["NetworkOrigin"],
    )
    assert result.vpc_configuration.vpc_id == expected["VpcConfiguration"]["VpcId"]
    assert result.public_access_block_configuration.block_public_acls is True
    assert result.creation_date == expected["CreationDate"]
    assert result.endpoints == expected["Endpoints"]


# -- Amazon Translate (rpcv2Cbor) against botocore ---------------------------------------------


def test_translate_over_cbor_builds_the_request_botocore_builds(generated: Path) -> None:
    from botocore.serialize import create_serializer

    from qsmith.runtime.client.core import CallOptions, ClientCore

    params = {
        "Text": "hello",
        "SourceLanguageCode": "en",
        "TargetLanguageCode": "fr",
        "TerminologyNames": ["t1"],
        "Settings": {"Formality": "FORMAL"},
    }
    wanted = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(
        params, _botocore_operation("TranslateText", "translate")
    )
    schema = importlib.import_module(f"{TOP}.translate._schema")
    models = importlib.import_module(f"{TOP}.translate.models")
    assert "smithy.protocols#rpcv2Cbor" in schema.SERVICE.protocols
    value = models.TranslateTextRequest(
        text="hello",
        source_language_code="en",
        target_language_code="fr",
        terminology_names=["t1"],
        settings=models.TranslationSettings(formality="FORMAL"),
    )
    config = dataclasses.replace(
        CONFIG, endpoint_url="https://translate.us-east-1.amazonaws.com", protocol="rpcv2Cbor"
    )
    core = ClientCore(schema.SERVICE, config)
    request = core.build_request(schema.SERVICE.operations["TranslateText"], value, CallOptions())
    assert (request.method, request.path) == (wanted["method"], wanted["url_path"])
    for name, header in wanted["headers"].items():
        assert request.header(name) == header
    assert isinstance(request.body, bytes)
    assert cbor2.loads(request.body) == cbor2.loads(wanted["body"])


def test_translate_over_cbor_reads_what_botocore_reads(generated: Path) -> None:
    from botocore.parsers import create_parser

    from qsmith.runtime.client.core import ClientCore

    answer = cbor2.dumps(
        {
            "TranslatedText": "bonjour",
            "SourceLanguageCode": "en",
            "TargetLanguageCode": "fr",
            "AppliedTerminologies": [{"Name": "t1", "Terms": [{"SourceText": "a"}]}],
        }
    )
    expected = create_parser("smithy-rpc-v2-cbor").parse(
        {"body": answer, "headers": {}, "status_code": 200},
        _botocore_operation("TranslateText", "translate").output_shape,
    )
    schema = importlib.import_module(f"{TOP}.translate._schema")
    config = dataclasses.replace(
        CONFIG, endpoint_url="https://translate.us-east-1.amazonaws.com", protocol="rpcv2Cbor"
    )
    result = ClientCore(schema.SERVICE, config).read_response(
        schema.SERVICE.operations["TranslateText"], 200, [], answer
    )
    assert result.translated_text == expected["TranslatedText"]
    (applied,) = result.applied_terminologies
    assert applied.name == expected["AppliedTerminologies"][0]["Name"]
    assert applied.terms[0].source_text == "a"

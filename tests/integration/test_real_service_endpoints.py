"""Two real AWS services whose endpoints depend on the call: clients construct, and each
call's endpoint comes from its own context parameters.

cloudfront-keyvaluestore binds ``KvsARN`` (``@contextParam``: the account in the ARN picks
the host) and neptune-graph binds ``ApiType`` (``@staticContextParams``: control-plane and
data-plane operations have different hosts); with a client-wide endpoint neither could be
built. Their C2J models (botocore's data, read in place) are converted with ``qsmith model
import-c2j``, given botocore's endpoint rule set, generated and imported.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.client.core import build_input

botocore = pytest.importorskip("botocore", reason="needs the botocore package (its C2J data)")
TOP = "realendpoints"
SERVICES = {"cloudfront-keyvaluestore": "kvs", "neptune-graph": "neptune_graph"}


def _data(service: str) -> Path:
    root = Path(botocore.__file__).parent / "data" / service
    (version,) = sorted(root.iterdir())
    return version


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("real-endpoints")
    runner = CliRunner()
    for service, name in SERVICES.items():
        c2j = out / f"{service}.c2j.json"
        c2j.write_bytes(gzip.decompress((_data(service) / "service-2.json.gz").read_bytes()))
        model_path = out / f"{service}.json"
        result = runner.invoke(cli, ["model", "import-c2j", str(c2j), "-o", str(model_path)])
        assert result.exit_code == 0, result.output
        model = json.loads(model_path.read_text())
        rules = json.loads(
            gzip.decompress((_data(service) / "endpoint-rule-set-1.json.gz").read_bytes())
        )
        (service_shape,) = [s for s in model["shapes"].values() if s["type"] == "service"]
        service_shape["traits"]["smithy.rules#endpointRuleSet"] = rules
        model_path.write_text(json.dumps(model))
        args = ["codegen", str(model_path), "--package", f"{TOP}.{name}", "--out", str(out)]
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield {name: importlib.import_module(f"{TOP}.{name}.client") for name in SERVICES.values()}
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def _client(module: Any) -> Any:
    credentials = AwsCredentials("AKIDEXAMPLE", "real-endpoint-secret")
    return module.Client(config=ClientConfig(region="us-east-1", credentials=credentials))


def _endpoint(client: Any, operation_name: str, **members: Any) -> str:
    core = client._core
    operation = core.service.operations[operation_name]
    url: str = core.endpoints.for_call(operation, build_input(operation, members)).url
    return url


def test_key_value_store_endpoint_comes_from_the_arn(packages: dict[str, Any]) -> None:
    with _client(packages["kvs"]) as client:
        arn = "arn:aws:cloudfront::123456789012:key-value-store/my-store"
        assert _endpoint(client, "DescribeKeyValueStore", kvs_arn=arn) == (
            "https://123456789012.cloudfront-kvs.global.api.aws"
        )
        other = "arn:aws:cloudfront::210987654321:key-value-store/other"
        assert _endpoint(client, "DescribeKeyValueStore", kvs_arn=other) == (
            "https://210987654321.cloudfront-kvs.global.api.aws"
        )


def test_neptune_graph_control_and_data_plane_hosts_differ(packages: dict[str, Any]) -> None:
    with _client(packages["neptune_graph"]) as client:
        control = _endpoint(client, "ListGraphs")
        data = _endpoint(
            client,
            "ExecuteQuery",
            graph_identifier="g-1234567890",
            query_string="RETURN 1",
            language="OPEN_CYPHER",
        )
    assert control == "https://neptune-graph.us-east-1.amazonaws.com"
    assert data == "https://us-east-1.neptune-graph.amazonaws.com"

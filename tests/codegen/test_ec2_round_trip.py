"""An ec2Query client from botocore's real EC2 model, on the wire beside botocore.

EC2's whole model takes minutes to generate, so the test prunes its C2J to two operations
(DescribeRegions, DescribeInstances) and the shapes they reach, imports that with
``qsmith model import-c2j``, generates a client, calls it against a loopback server, and
compares the request with the one botocore's own ``ec2`` client prepares for the same call
(captured at its ``before-send`` event), then reads a canned XML answer as botocore does.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.support.mypy_run import mypy_strict
from tests.support.shared import REPO_ROOT
from tools.botocore_sweep import service_models

TOP = "ec2pruned"
OPERATIONS = ("DescribeRegions", "DescribeInstances")
DATA = Path(botocore.__file__).parent / "data"
CONFIG = ClientConfig(
    region="us-east-1", credentials=AwsCredentials("AKIDEXAMPLE", "secret-canary")
)


def _referenced(shape: dict[str, Any]) -> Iterator[str]:
    for member in shape.get("members", {}).values():
        yield member["shape"]
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["shape"]


def prune(c2j: dict[str, Any], operations: tuple[str, ...]) -> dict[str, Any]:
    """The C2J model limited to ``operations`` and the closure of shapes they reach."""
    kept_operations = {name: c2j["operations"][name] for name in operations}
    pending = [
        ref["shape"]
        for operation in kept_operations.values()
        for ref in (operation.get("input"), operation.get("output"), *operation.get("errors", []))
        if ref
    ]
    shapes: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in shapes:
            shapes[name] = c2j["shapes"][name]
            pending.extend(_referenced(shapes[name]))
    return {**c2j, "operations": kept_operations, "shapes": shapes}


@pytest.fixture(scope="module")
def ec2(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("ec2")
    ((_, packed),) = service_models(DATA, ["ec2"])
    c2j = prune(json.loads(gzip.decompress(packed.read_bytes())), OPERATIONS)
    (out / "ec2-c2j.json").write_text(json.dumps(c2j))
    runner = CliRunner()
    steps = [
        ["model", "import-c2j", str(out / "ec2-c2j.json"), "-o", str(out / "ec2.json")],
        ["codegen", str(out / "ec2.json"), "--package", f"{TOP}.ec2", "--out", str(out)],
    ]
    for args in steps:
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{TOP}.ec2.client")
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def test_pruning_keeps_only_the_operations_and_their_shapes() -> None:
    ((_, packed),) = service_models(DATA, ["ec2"])
    full = json.loads(gzip.decompress(packed.read_bytes()))
    pruned = prune(full, OPERATIONS)
    assert sorted(pruned["operations"]) == sorted(OPERATIONS)
    assert "Instance" in pruned["shapes"] and "Region" in pruned["shapes"]
    assert "Vpc" not in pruned["shapes"]
    assert len(pruned["shapes"]) < len(full["shapes"]) // 10


def test_the_pruned_ec2_client_passes_mypy_strict(ec2: Any) -> None:
    root = Path(ec2.__file__).parents[2]
    result = mypy_strict("-p", f"{TOP}.ec2", cwd=root, mypy_path=[root, REPO_ROOT / "runtime"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _botocore_request(operation: str, params: dict[str, Any]) -> Any:
    """The request botocore's ec2 client prepares for the call (never sent)."""
    import botocore.session  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]

    captured: list[Any] = []

    def capture(request: Any, **_: Any) -> Any:
        captured.append(request)
        return AWSResponse(request.url, 200, {}, _Raw(f"<{operation}Response/>".encode()))

    session = botocore.session.get_session()
    client = session.create_client(
        "ec2",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret-canary",
    )
    client.meta.events.register("before-send.ec2", capture)
    method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
    getattr(client, method)(**params)
    (request,) = captured
    return request


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


CALLS = [
    (
        "DescribeRegions",
        {"RegionNames": ["us-east-1", "eu-west-1"], "AllRegions": True},
        {"region_names": ["us-east-1", "eu-west-1"], "all_regions": True},
    ),
    (
        "DescribeInstances",
        {"InstanceIds": ["i-1"], "MaxResults": 5, "DryRun": False},
        {"instance_ids": ["i-1"], "max_results": 5, "dry_run": False},
    ),
]


@pytest.mark.parametrize(("operation", "botocore_params", "qsmith_params"), CALLS)
def test_ec2_sends_the_request_botocore_sends(
    ec2: Any,
    loopback: LoopbackServer,
    operation: str,
    botocore_params: dict[str, Any],
    qsmith_params: dict[str, Any],
) -> None:
    wanted = _botocore_request(operation, botocore_params)
    loopback.enqueue(ScriptedResponse(status=200, body=f"<{operation}Response/>".encode()))
    with ec2.Client(endpoint_url=loopback.url, config=CONFIG) as client:
        method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
        getattr(client, method)(**qsmith_params)
    (request,) = loopback.requests
    assert request.method == wanted.method
    assert request.path == urllib.parse.urlsplit(wanted.url).path
    # botocore adds "; charset=utf-8"; the Smithy ec2Query protocol tests expect the bare
    # media type, which is what qsmith sends.
    wanted_type = wanted.headers["Content-Type"]
    wanted_type = wanted_type.decode() if isinstance(wanted_type, bytes) else wanted_type
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert wanted_type.split(";")[0] == "application/x-www-form-urlencoded"
    assert request.header("X-Amz-Target") is None
    assert "X-Amz-Target" not in wanted.headers
    sent = urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True)
    body = wanted.body if isinstance(wanted.body, bytes) else wanted.body.encode()
    assert sorted(sent) == sorted(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))


ANSWER = b"""<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>req-1</requestId>
  <reservationSet>
    <item>
      <reservationId>r-1</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item>
          <instanceId>i-1</instanceId>
          <imageId>ami-1</imageId>
          <instanceState><code>16</code><name>running</name></instanceState>
          <instanceType>t3.micro</instanceType>
          <launchTime>2024-05-01T12:30:00.000Z</launchTime>
          <tagSet><item><key>Name</key><value>web</value></item></tagSet>
          <ebsOptimized>false</ebsOptimized>
        </item>
      </instancesSet>
    </item>
  </reservationSet>
  <nextToken>next</nextToken>
</DescribeInstancesResponse>"""


def test_ec2_reads_what_botocore_reads(ec2: Any, loopback: LoopbackServer) -> None:
    import botocore.session
    from botocore.model import ServiceModel  # type: ignore[import-untyped]
    from botocore.parsers import create_parser  # type: ignore[import-untyped]

    service = ServiceModel(botocore.session.get_session().get_service_data("ec2"))
    expected = create_parser("ec2").parse(
        {"body": ANSWER, "headers": {}, "status_code": 200},
        service.operation_model("DescribeInstances").output_shape,
    )
    loopback.enqueue(ScriptedResponse(status=200, body=ANSWER))
    with ec2.Client(endpoint_url=loopback.url, config=CONFIG) as client:
        result = client.describe_instances()
    (reservation,) = result.reservations
    (wanted_reservation,) = expected["Reservations"]
    (instance,) = reservation.instances
    (wanted,) = wanted_reservation["Instances"]
    assert result.next_token == expected["NextToken"]
    assert reservation.reservation_id == wanted_reservation["ReservationId"]
    assert reservation.owner_id == wanted_reservation["OwnerId"]
    assert instance.instance_id == wanted["InstanceId"]
    assert instance.image_id == wanted["ImageId"]
    assert (instance.state.code, instance.state.name) == (
        wanted["State"]["Code"],
        wanted["State"]["Name"],
    )
    assert instance.instance_type == wanted["InstanceType"]
    assert instance.launch_time == wanted["LaunchTime"]
    assert instance.ebs_optimized is wanted["EbsOptimized"] is False
    assert [(t.key, t.value) for t in instance.tags] == [
        (t["Key"], t["Value"]) for t in wanted["Tags"]
    ]

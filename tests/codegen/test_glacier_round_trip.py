"""A generated Glacier client beside botocore: the headers Glacier requires of a request.

Built as the S3 round trip builds S3 (tests/codegen/test_s3_round_trip.py): botocore's C2J
model pruned to the operations under test, imported, with botocore's rule set. Glacier
refuses a request without ``x-amz-glacier-version``, and an upload without the SHA-256 of
its body and the tree hash of its 1 MiB chunks; botocore adds all three in handlers, the
generator switches them on from the model's sdkId (plan/aws_customizations.py).
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.codegen.c2j import load_c2j
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.codegen.test_ec2_round_trip import prune
from tests.codegen.test_s3_round_trip import ACCESS_KEY, DATA, REGION, SECRET
from tools.botocore_sweep import service_models

TOP = "glacierroundtrip"
OPERATIONS = ("UploadArchive", "ListVaults")
GLACIER_HEADERS = ("x-amz-glacier-version", "x-amz-content-sha256", "x-amz-sha256-tree-hash")
# Two full 1 MiB chunks and a short one: the tree has two levels and an odd node.
ARCHIVE = bytes(range(256)) * 4096 * 2 + b"tail"


@pytest.fixture(scope="module")
def glacier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("glacier-round-trip")
    ((_, packed),) = service_models(DATA, ["glacier"])
    c2j = prune(json.loads(gzip.decompress(packed.read_bytes())), OPERATIONS)
    (out / "glacier-c2j.json").write_text(json.dumps(c2j))
    model = load_c2j(out / "glacier-c2j.json").model
    rules = json.loads(
        gzip.decompress((packed.parent / "endpoint-rule-set-1.json.gz").read_bytes())
    )
    (service,) = [shape for shape in model["shapes"].values() if shape["type"] == "service"]
    service.setdefault("traits", {})["smithy.rules#endpointRuleSet"] = rules
    (out / "glacier.json").write_text(json.dumps(model))
    args = ["codegen", str(out / "glacier.json"), "--package", f"{TOP}.glacier", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{TOP}.glacier")
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def _botocore_request(endpoint: str, operation: str, params: dict[str, Any]) -> Any:
    import io

    import botocore.session  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]

    captured: list[Any] = []

    class Raw(io.BytesIO):
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.getvalue()

    def capture(request: Any, **_: Any) -> Any:
        captured.append(request)
        return AWSResponse(request.url, 200, {}, Raw(b"{}"))

    client = botocore.session.get_session().create_client(
        "glacier",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
    )
    client.meta.events.register("before-send.glacier", capture)
    getattr(client, operation)(**params)
    (request,) = captured
    return request


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _assert_signature_verifies(sent: Any, host: str) -> None:
    from botocore.auth import SigV4Auth  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials  # type: ignore[import-untyped]

    authorization = sent.header("Authorization")
    fields = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(", "))
    signed = fields["SignedHeaders"].split(";")
    headers = {name: value for name, value in sent.headers if name.lower() in signed}
    request = AWSRequest(
        method=sent.method, url=f"http://{host}{sent.target}", headers=headers, data=sent.body
    )
    request.context["timestamp"] = sent.header("X-Amz-Date")
    signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET), "glacier", REGION)
    canonical = signer.canonical_request(request)
    assert fields["Signature"] == signer.signature(
        signer.string_to_sign(request, canonical), request
    )


def _call(glacier: Any, loopback: LoopbackServer, method: str, **kwargs: Any) -> Any:
    loopback.enqueue(ScriptedResponse(status=201, body=b"{}"))
    config = ClientConfig(region=REGION, credentials=AwsCredentials(ACCESS_KEY, SECRET))
    with glacier.Client(endpoint_url=loopback.url, config=config) as client:
        getattr(client, method)(**kwargs)
    return loopback.requests[-1]


def test_upload_archive_sends_version_payload_hash_and_tree_hash(
    glacier: Any, loopback: LoopbackServer
) -> None:
    wanted = _botocore_request(
        loopback.url, "upload_archive", {"vaultName": "v", "accountId": "-", "body": ARCHIVE}
    )
    sent = _call(glacier, loopback, "upload_archive", vault_name="v", account_id="-", body=ARCHIVE)
    assert (sent.method, urllib.parse.urlsplit(sent.target).path) == (
        wanted.method,
        urllib.parse.urlsplit(wanted.url).path,
    )
    for name in GLACIER_HEADERS:
        assert sent.header(name) == _text(wanted.headers[name]), name
    assert sent.body == ARCHIVE
    _assert_signature_verifies(sent, urllib.parse.urlsplit(loopback.url).netloc)


def test_a_tree_hash_the_caller_gave_is_kept(glacier: Any, loopback: LoopbackServer) -> None:
    sent = _call(
        glacier,
        loopback,
        "upload_archive",
        vault_name="v",
        account_id="-",
        body=b"x",
        checksum="given",
    )
    assert sent.header("x-amz-sha256-tree-hash") == "given"


def test_every_request_names_the_api_version(glacier: Any, loopback: LoopbackServer) -> None:
    wanted = _botocore_request(loopback.url, "list_vaults", {"accountId": "-"})
    sent = _call(glacier, loopback, "list_vaults", account_id="-")
    assert sent.header("x-amz-glacier-version") == _text(wanted.headers["x-amz-glacier-version"])
    assert sent.header("x-amz-sha256-tree-hash") is None  # not an upload
    _assert_signature_verifies(sent, urllib.parse.urlsplit(loopback.url).netloc)

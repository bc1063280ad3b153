"""A generated S3 client on the wire beside botocore: what real S3 expects of a request.

The model is botocore's own S3 data: its C2J model pruned to the operations under test,
imported with qsmith's C2J importer, with botocore's S3 endpoint rule set as the service's
``smithy.rules#endpointRuleSet`` (AWS's Smithy model carries the same rules). Each call
goes to a loopback server; botocore's client prepares the same call at ``before-send``
(never sent). Compared: method, path (the bucket once: the endpoint rules put it in the
URL, path-style for an IP endpoint), query, the headers S3 reads (payload hash, checksums,
bound headers), the XML body. The signature is checked by botocore's S3 signer over the
request exactly as the server received it, with the client's own signing time: a
signature S3 computes the same way.
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
from qsmith.codegen.c2j import load_c2j
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.codegen.test_ec2_round_trip import prune
from tools.botocore_sweep import service_models

TOP = "s3roundtrip"
DATA = Path(botocore.__file__).parent / "data"
OPERATIONS = (
    "GetObject",
    "PutObject",
    "ListObjectsV2",
    "DeleteObjects",
    "CreateBucket",
    "HeadObject",
    "CopyObject",
    "PutBucketLifecycleConfiguration",
)
ACCESS_KEY, SECRET = "AKIDEXAMPLE", "secret-canary"
REGION = "us-west-2"
# The headers S3 reads that a client computes: the payload hash and the checksums.
# (Content-Type is compared where botocore sends one: restXml's own default, which
# qsmith sends as the Smithy protocol tests require, is one botocore leaves out.)
S3_HEADERS = (
    "Content-MD5",
    "x-amz-content-sha256",
    "x-amz-checksum-crc32",
    "x-amz-sdk-checksum-algorithm",
)


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("s3-round-trip")
    ((_, packed),) = service_models(DATA, ["s3"])
    c2j = prune(json.loads(gzip.decompress(packed.read_bytes())), OPERATIONS)
    (out / "s3-c2j.json").write_text(json.dumps(c2j))
    model = load_c2j(out / "s3-c2j.json").model
    rules = json.loads(
        gzip.decompress((packed.parent / "endpoint-rule-set-1.json.gz").read_bytes())
    )
    (service,) = [shape for shape in model["shapes"].values() if shape["type"] == "service"]
    service.setdefault("traits", {})["smithy.rules#endpointRuleSet"] = rules
    _drop_zero_defaults(model)
    (out / "s3.json").write_text(json.dumps(model))
    args = ["codegen", str(out / "s3.json"), "--package", f"{TOP}.s3", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{TOP}.s3")
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def _drop_zero_defaults(model: dict[str, Any]) -> None:
    """S3's C2J marks ``box`` on some shapes only, so the importer gives every other number
    and boolean member a zero default (``?partNumber=0`` on every GetObject); AWS's Smithy
    model of S3 has no such defaults, and neither has botocore's client."""
    for shape in model["shapes"].values():
        for member in shape.get("members", {}).values():
            member.get("traits", {}).pop("smithy.api#default", None)


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


def _botocore_request(endpoint: str, operation: str, params: dict[str, Any]) -> Any:
    """The request botocore's S3 client prepares for the call (answered 200, never sent)."""
    import io

    import botocore.session  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]

    captured: list[Any] = []

    class Raw(io.BytesIO):
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.getvalue()

    def capture(request: Any, **_: Any) -> Any:
        captured.append(request)
        return AWSResponse(request.url, 200, {}, Raw(b""))

    client = botocore.session.get_session().create_client(
        "s3",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
    )
    client.meta.events.register("before-send.s3", capture)
    getattr(client, _snake(operation))(**params)
    (request,) = captured
    return request


def _client(s3: Any, loopback: LoopbackServer, **settings: Any) -> Any:
    config = ClientConfig(region=REGION, credentials=AwsCredentials(ACCESS_KEY, SECRET), **settings)
    return s3.Client(endpoint_url=loopback.url, config=config)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def assert_same_request(sent: Any, wanted: Any, bound: tuple[str, ...] = ()) -> None:
    """``sent`` (loopback) equals ``wanted`` (botocore) in all S3 reads of it."""
    assert sent.method == wanted.method
    target = urllib.parse.urlsplit(sent.target)
    url = urllib.parse.urlsplit(wanted.url)
    assert target.path == url.path
    pairs = urllib.parse.parse_qsl
    assert sorted(pairs(target.query, keep_blank_values=True)) == sorted(
        pairs(url.query, keep_blank_values=True)
    )
    if wanted.headers.get("Content-Type") is not None:
        assert sent.header("Content-Type") == _text(wanted.headers["Content-Type"])
    for name in (*S3_HEADERS, *bound):
        expected = wanted.headers.get(name)
        assert sent.header(name) == (None if expected is None else _text(expected)), name
    body = wanted.body or b""
    if hasattr(body, "getvalue"):  # a streaming input member: botocore keeps a file object
        body = body.getvalue()
    body = body if isinstance(body, bytes) else body.encode()
    # Byte for byte: the payload hash and the checksums cover these bytes.
    assert sent.body == body


def assert_signature_verifies(sent: Any, host: str) -> None:
    """botocore's S3 signer, given the request as received and the client's signing time,
    computes the signature the client sent."""
    from botocore.auth import S3SigV4Auth  # type: ignore[import-untyped]
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials  # type: ignore[import-untyped]

    authorization = sent.header("Authorization")
    assert authorization is not None
    fields = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(", "))
    signed = fields["SignedHeaders"].split(";")
    assert "x-amz-content-sha256" in signed
    headers = {name: value for name, value in sent.headers if name.lower() in signed}
    request = AWSRequest(
        method=sent.method, url=f"http://{host}{sent.target}", headers=headers, data=sent.body
    )
    request.context["timestamp"] = sent.header("X-Amz-Date")
    signer = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET), "s3", REGION)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    assert fields["Signature"] == signature


def _round_trip(
    s3: Any,
    loopback: LoopbackServer,
    operation: str,
    params: dict[str, Any],
    kwargs: dict[str, Any],
    bound: tuple[str, ...] = (),
    answer: ScriptedResponse | None = None,
) -> Any:
    wanted = _botocore_request(loopback.url, operation, params)
    loopback.enqueue(answer or ScriptedResponse(status=200))
    with _client(s3, loopback) as client:
        result = getattr(client, _snake(operation))(**kwargs)
    sent = loopback.requests[-1]
    assert_same_request(sent, wanted, bound)
    assert_signature_verifies(sent, urllib.parse.urlsplit(loopback.url).netloc)
    return result


def test_get_object_names_the_bucket_once(s3: Any, loopback: LoopbackServer) -> None:
    params = {"Bucket": "mybucket", "Key": "a/b c+d.txt"}
    answer = ScriptedResponse(status=200, headers=[("Content-Type", "text/plain")], body=b"hi")
    result = _round_trip(
        s3,
        loopback,
        "GetObject",
        params,
        {"bucket": "mybucket", "key": "a/b c+d.txt"},
        answer=answer,
    )
    assert result.body == b"hi"
    sent = loopback.requests[-1]
    assert urllib.parse.urlsplit(sent.target).path == "/mybucket/a/b%20c%2Bd.txt"
    assert sent.header("x-amz-content-sha256") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_put_object_sends_payload_hash_and_crc32(s3: Any, loopback: LoopbackServer) -> None:
    params = {"Bucket": "mybucket", "Key": "k", "Body": b"data", "ContentType": "text/plain"}
    kwargs = {"bucket": "mybucket", "key": "k", "body": b"data", "content_type": "text/plain"}
    _round_trip(s3, loopback, "PutObject", params, kwargs)
    assert loopback.requests[-1].header("x-amz-checksum-crc32") == "rfPzYw=="


def test_put_object_with_a_chosen_checksum_algorithm(s3: Any, loopback: LoopbackServer) -> None:
    params = {"Bucket": "mybucket", "Key": "k", "Body": b"data", "ChecksumAlgorithm": "SHA256"}
    kwargs = {"bucket": "mybucket", "key": "k", "body": b"data", "checksum_algorithm": "SHA256"}
    _round_trip(s3, loopback, "PutObject", params, kwargs, bound=("x-amz-checksum-sha256",))


def test_list_objects_v2_path_style_bucket(s3: Any, loopback: LoopbackServer) -> None:
    body = (
        b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>mybucket'
        b"</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated><Contents><Key>a/b"
        b"</Key><Size>5</Size></Contents></ListBucketResult>"
    )
    result = _round_trip(
        s3,
        loopback,
        "ListObjectsV2",
        # botocore asks for url-encoded keys unless told: both are told the same.
        {"Bucket": "mybucket", "Prefix": "a/", "MaxKeys": 10, "EncodingType": "url"},
        {"bucket": "mybucket", "prefix": "a/", "max_keys": 10, "encoding_type": "url"},
        answer=ScriptedResponse(status=200, body=body),
    )
    assert [(item.key, item.size) for item in result.contents] == [("a/b", 5)]
    assert urllib.parse.urlsplit(loopback.requests[-1].target).path == "/mybucket"


def test_delete_objects_sends_its_required_checksum(s3: Any, loopback: LoopbackServer) -> None:
    models = importlib.import_module(f"{TOP}.s3.models")
    delete = models.Delete(
        objects=[models.ObjectIdentifier(key="a"), models.ObjectIdentifier(key="b")], quiet=True
    )
    params = {
        "Bucket": "mybucket",
        "Delete": {"Objects": [{"Key": "a"}, {"Key": "b"}], "Quiet": True},
    }
    _round_trip(s3, loopback, "DeleteObjects", params, {"bucket": "mybucket", "delete": delete})
    assert loopback.requests[-1].header("x-amz-checksum-crc32") is not None


def test_put_bucket_lifecycle_sends_its_required_checksum(
    s3: Any, loopback: LoopbackServer
) -> None:
    models = importlib.import_module(f"{TOP}.s3.models")
    rule = models.LifecycleRule(
        id="expire",
        status="Enabled",
        filter=models.LifecycleRuleFilter(prefix="logs/"),
        expiration=models.LifecycleExpiration(days=30),
    )
    params = {
        "Bucket": "mybucket",
        "LifecycleConfiguration": {
            "Rules": [
                {  # botocore writes members in this order, qsmith in the model's
                    "Expiration": {"Days": 30},
                    "ID": "expire",
                    "Filter": {"Prefix": "logs/"},
                    "Status": "Enabled",
                }
            ]
        },
    }
    kwargs = {
        "bucket": "mybucket",
        "lifecycle_configuration": models.BucketLifecycleConfiguration(rules=[rule]),
    }
    _round_trip(s3, loopback, "PutBucketLifecycleConfiguration", params, kwargs)


def test_create_bucket_with_location_constraint(s3: Any, loopback: LoopbackServer) -> None:
    models = importlib.import_module(f"{TOP}.s3.models")
    params = {
        "Bucket": "mybucket",
        "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
    }
    kwargs = {
        "bucket": "mybucket",
        "create_bucket_configuration": models.CreateBucketConfiguration(
            location_constraint="eu-west-1"
        ),
    }
    _round_trip(s3, loopback, "CreateBucket", params, kwargs)
    assert b"<LocationConstraint>eu-west-1</LocationConstraint>" in loopback.requests[-1].body


def test_head_and_copy_object(s3: Any, loopback: LoopbackServer) -> None:
    answer = ScriptedResponse(status=200, headers=[("ETag", '"e1"'), ("x-amz-meta-a", "1")])
    result = _round_trip(
        s3,
        loopback,
        "HeadObject",
        {"Bucket": "mybucket", "Key": "k"},
        {"bucket": "mybucket", "key": "k"},
        answer=answer,
    )
    assert (result.e_tag, result.metadata) == ('"e1"', {"a": "1"})
    copied = (
        b"<CopyObjectResult><ETag>&quot;e2&quot;</ETag>"
        b"<LastModified>2009-10-12T17:50:30.000Z</LastModified></CopyObjectResult>"
    )
    result = _round_trip(
        s3,
        loopback,
        "CopyObject",
        {"Bucket": "mybucket", "Key": "k2", "CopySource": "mybucket/k"},
        {"bucket": "mybucket", "key": "k2", "copy_source": "mybucket/k"},
        bound=("x-amz-copy-source",),
        answer=ScriptedResponse(status=200, body=copied),
    )
    assert result.copy_object_result.e_tag == '"e2"'


COPY_FAILED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>'
    b"<Message>We encountered an internal error. Please try again.</Message>"
    b"<RequestId>R2</RequestId></Error>"
)
COPIED = (
    b"<CopyObjectResult><ETag>&quot;e2&quot;</ETag>"
    b"<LastModified>2009-10-12T17:50:30.000Z</LastModified></CopyObjectResult>"
)


def test_copy_object_error_inside_a_200_is_an_error(s3: Any, loopback: LoopbackServer) -> None:
    loopback.set_handler(lambda _: ScriptedResponse(status=200, body=COPY_FAILED))
    client = _client(s3, loopback, max_attempts=2)
    with client, pytest.raises(s3.errors.S3Error) as caught:
        client.copy_object(bucket="mybucket", key="k2", copy_source="mybucket/k")
    error = caught.value
    assert (error.code, error.http_status, error.request_id) == ("InternalError", 500, "R2")
    assert len(loopback.requests) == 2  # a 500: the retry strategy tried again


def test_copy_object_retried_after_an_error_inside_a_200(s3: Any, loopback: LoopbackServer) -> None:
    loopback.enqueue(
        ScriptedResponse(status=200, body=COPY_FAILED), ScriptedResponse(status=200, body=COPIED)
    )
    with _client(s3, loopback) as client:
        result = client.copy_object(bucket="mybucket", key="k2", copy_source="mybucket/k")
    assert result.copy_object_result.e_tag == '"e2"'
    assert len(loopback.requests) == 2


def test_error_body_reads_into_the_modeled_error(s3: Any, loopback: LoopbackServer) -> None:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>'
        b"<Message>The specified key does not exist.</Message><Key>k</Key>"
        b"<RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>"
    )
    loopback.enqueue(ScriptedResponse(status=404, body=body))
    with _client(s3, loopback) as client, pytest.raises(s3.errors.NoSuchKey) as caught:
        client.get_object(bucket="mybucket", key="k")
    error = caught.value
    assert (error.code, error.message, error.http_status, error.request_id) == (
        "NoSuchKey",
        "The specified key does not exist.",
        404,
        "4442587FB7D0A2F9",
    )


def test_head_object_404_without_body_is_named_not_found(s3: Any, loopback: LoopbackServer) -> None:
    # botocore's C2J models HeadObject's 404 as NoSuchKey, which S3 never sends for HEAD
    # (no body); AWS's Smithy model names it NotFound (typed: test_typed_not_found below).
    loopback.enqueue(ScriptedResponse(status=404))
    with _client(s3, loopback) as client, pytest.raises(s3.errors.S3Error) as caught:
        client.head_object(bucket="mybucket", key="missing")
    error = caught.value
    assert (error.code, error.message, error.http_status) == ("NotFound", "Not Found", 404)


def test_unmodeled_bodiless_status_keeps_its_reason(s3: Any, loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse(status=403))
    with _client(s3, loopback) as client, pytest.raises(s3.errors.S3Error) as caught:
        client.head_object(bucket="mybucket", key="secret")
    assert type(caught.value) is s3.errors.S3Error
    assert (caught.value.code, caught.value.message) == ("Forbidden", "Forbidden")


# -- a model with AWS's Smithy shapes for HeadObject, without S3's rule set ------------------

MINI_S3 = {
    "smithy": "2.0",
    "shapes": {
        "com.amazonaws.s3#AmazonS3": {
            "type": "service",
            "version": "2006-03-01",
            "operations": [{"target": "com.amazonaws.s3#HeadObject"}],
            "traits": {
                "aws.api#service": {"sdkId": "S3"},
                "aws.auth#sigv4": {"name": "s3"},
                "aws.protocols#restXml": {"noErrorWrapping": True},
            },
        },
        "com.amazonaws.s3#HeadObject": {
            "type": "operation",
            "input": {"target": "com.amazonaws.s3#HeadObjectRequest"},
            "output": {"target": "com.amazonaws.s3#HeadObjectOutput"},
            "errors": [{"target": "com.amazonaws.s3#NotFound"}],
            "traits": {"smithy.api#http": {"method": "HEAD", "uri": "/{Bucket}/{Key+}"}},
        },
        "com.amazonaws.s3#HeadObjectRequest": {
            "type": "structure",
            "members": {
                "Bucket": {
                    "target": "smithy.api#String",
                    "traits": {
                        "smithy.api#required": {},
                        "smithy.api#httpLabel": {},
                        "smithy.rules#contextParam": {"name": "Bucket"},
                    },
                },
                "Key": {
                    "target": "smithy.api#String",
                    "traits": {"smithy.api#required": {}, "smithy.api#httpLabel": {}},
                },
            },
            "traits": {"smithy.api#input": {}},
        },
        "com.amazonaws.s3#HeadObjectOutput": {
            "type": "structure",
            "members": {
                "Expires": {
                    "target": "com.amazonaws.s3#Expires",
                    "traits": {"smithy.api#httpHeader": "Expires"},
                },
            },
            "traits": {"smithy.api#output": {}},
        },
        "com.amazonaws.s3#Expires": {"type": "timestamp"},
        "com.amazonaws.s3#NotFound": {
            "type": "structure",
            "members": {},
            "traits": {"smithy.api#error": "client"},
        },
    },
}


@pytest.fixture(scope="module")
def mini_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("mini-s3")
    (out / "s3.json").write_text(json.dumps(MINI_S3))
    args = ["codegen", str(out / "s3.json"), "--package", f"{TOP}.mini", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{TOP}.mini")
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def test_typed_not_found_and_the_bucket_kept_without_rules(
    mini_s3: Any, loopback: LoopbackServer
) -> None:
    loopback.enqueue(ScriptedResponse(status=404))
    with _client(mini_s3, loopback) as client, pytest.raises(mini_s3.errors.NotFound) as caught:
        client.head_object(bucket="mybucket", key="a/b.txt")
    assert (caught.value.code, caught.value.message) == ("NotFound", "Not Found")
    sent = loopback.requests[-1]
    # No rule set puts the bucket in the URL, so the path keeps it (once).
    assert urllib.parse.urlsplit(sent.target).path == "/mybucket/a/b.txt"
    assert sent.header("x-amz-content-sha256") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_an_expires_header_that_is_no_date_is_left_unset(
    mini_s3: Any, loopback: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    # S3 echoes the Expires an uploader set; "0" is common and is no HTTP date. (botocore's
    # C2J types the member as a string, AWS's Smithy model as a timestamp, as here.)
    good = "Thu, 01 Dec 1994 16:00:00 GMT"
    loopback.enqueue(
        ScriptedResponse(status=200, headers=[("Expires", "0")]),
        ScriptedResponse(status=200, headers=[("Expires", good)]),
    )
    with _client(mini_s3, loopback) as client, caplog.at_level("WARNING"):
        unset = client.head_object(bucket="mybucket", key="k")
        dated = client.head_object(bucket="mybucket", key="k")
    assert unset.expires is None
    assert "header Expires: '0' does not parse" in caplog.text
    assert dated.expires is not None and dated.expires.year == 1994


def _planned(s3: Any, value: Any, operation: str, **settings: Any) -> Any:
    from qsmith.runtime.client.core import CallOptions, ClientCore

    schema = importlib.import_module(f"{TOP}.s3._schema")
    config = ClientConfig(region=REGION, credentials=AwsCredentials(ACCESS_KEY, SECRET), **settings)
    core = ClientCore(schema.SERVICE, config)
    request, _ = core.plan_call(schema.SERVICE.operations[operation], value, CallOptions())
    return request


def test_addressing_follows_s3s_rules_and_client_parameters(s3: Any) -> None:
    models = importlib.import_module(f"{TOP}.s3.models")
    get = models.GetObjectRequest(bucket="mybucket", key="a/b.txt")
    virtual = _planned(s3, get, "GetObject")
    assert (virtual.host, virtual.path) == ("mybucket.s3.us-west-2.amazonaws.com", "/a/b.txt")
    path_style = _planned(s3, get, "GetObject", endpoint_params={"ForcePathStyle": True})
    assert (path_style.host, path_style.path) == ("s3.us-west-2.amazonaws.com", "/mybucket/a/b.txt")
    listing = models.ListObjectsV2Request(bucket="my.dotted.bucket")
    dotted = _planned(s3, listing, "ListObjectsV2")  # no virtual host for a dotted name
    assert (dotted.host, dotted.path) == ("s3.us-west-2.amazonaws.com", "/my.dotted.bucket")
    accelerated = _planned(s3, get, "GetObject", endpoint_params={"Accelerate": True})
    assert accelerated.host == "mybucket.s3-accelerate.amazonaws.com"


def test_an_endpoint_parameter_the_rules_lack_is_refused(s3: Any) -> None:
    from qsmith.runtime.errors import ConfigError

    models = importlib.import_module(f"{TOP}.s3.models")
    get = models.GetObjectRequest(bucket="mybucket", key="k")
    with pytest.raises(ConfigError, match=r"unknown endpoint parameter.*ForcePathstyle"):
        _planned(s3, get, "GetObject", endpoint_params={"ForcePathstyle": True})

"""SigV4 switches and behaviours the suites do not cover: payload hashes, retries, limits."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

import pytest

from qsmith.runtime.auth.errors import SignatureError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import (
    STREAMING_EVENTS_PAYLOAD,
    UNSIGNED_PAYLOAD,
    SigV4Config,
    SigV4Signer,
)
from qsmith.runtime.errors import SigningError
from qsmith.runtime.http import HttpRequest

SECRET = "CANARY-SIGV4-SECRET"
TOKEN = "CANARY-SIGV4-TOKEN"
CREDS = AwsCredentials("AKIDEXAMPLE", SECRET, TOKEN)
WHEN = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
CONFIG = SigV4Config(region="us-east-1", service="svc")


def _request(body: bytes = b"{}") -> HttpRequest:
    return HttpRequest("POST", "svc.amazonaws.com", "/a b/%3A", [("q", "1 2")], [], body)


def test_unsigned_and_precomputed_payload_hashes() -> None:
    signer = SigV4Signer()
    unsigned = SigV4Config(
        region="us-east-1", service="svc", payload_hash=UNSIGNED_PAYLOAD, content_sha256_header=True
    )
    result = signer.sign(_request(), CREDS, unsigned, now=WHEN)
    assert result.canonical_request.endswith("\n" + UNSIGNED_PAYLOAD)
    assert result.request.header("x-amz-content-sha256") == UNSIGNED_PAYLOAD
    digest = hashlib.sha256(b"elsewhere").hexdigest()
    precomputed = SigV4Config(region="us-east-1", service="svc", payload_hash=digest)
    assert signer.sign(_request(), CREDS, precomputed, now=WHEN).canonical_request.endswith(digest)
    hashed = signer.sign(_request(b"elsewhere"), CREDS, CONFIG, now=WHEN)
    assert hashed.canonical_request.endswith(digest)


def test_streaming_body_needs_an_unsigned_or_given_payload_hash() -> None:
    stream = _request()
    stream.body = iter([b"a", b"b"])
    with pytest.raises(SignatureError, match="streaming body") as info:
        SigV4Signer().sign(stream, CREDS, CONFIG, now=WHEN)
    assert isinstance(info.value, SigningError)
    events = SigV4Config(region="us-east-1", service="svc", payload_hash=STREAMING_EVENTS_PAYLOAD)
    assert (
        SigV4Signer()
        .sign(stream, CREDS, events, now=WHEN)
        .canonical_request.endswith(STREAMING_EVENTS_PAYLOAD)
    )


def test_path_switches_change_the_canonical_path() -> None:
    signer = SigV4Signer()
    request = HttpRequest("GET", "h", "/a/./b//%3A")
    s3_like = SigV4Config(region="r", service="s3", double_uri_encode=False, normalize_path=False)
    default = signer.sign(request, CREDS, CONFIG, now=WHEN).canonical_request.split("\n")[1]
    raw = signer.sign(request, CREDS, s3_like, now=WHEN).canonical_request.split("\n")[1]
    assert (default, raw) == ("/a/b/%253A", "/a/./b//%3A")


def test_resigning_replaces_previous_auth_headers() -> None:
    signer = SigV4Signer()
    first = signer.sign(_request(), CREDS, CONFIG, now=WHEN).request
    again = signer.sign(first, CREDS, CONFIG, now=WHEN + timedelta(seconds=5)).request
    names = [name.lower() for name, _ in again.headers]
    for name in ("authorization", "x-amz-date", "x-amz-security-token", "host"):
        assert names.count(name) == 1, name
    assert again.header("x-amz-date") == "20240301T000004Z"  # across the leap day


def test_presign_retry_and_expiry_limits() -> None:
    signer = SigV4Signer()
    first = signer.presign(_request(), CREDS, CONFIG, expires_in=60, now=WHEN).request
    again = signer.presign(first, CREDS, CONFIG, expires_in=60, now=WHEN).request
    assert [k for k, _ in again.query].count("X-Amz-Signature") == 1
    assert dict(again.query)["q"] == "1 2"
    for bad in (0, 604801):
        with pytest.raises(SignatureError, match="expires_in"):
            signer.presign(_request(), CREDS, CONFIG, expires_in=bad, now=WHEN)


def test_signing_key_cached_per_date_region_service() -> None:
    signer = SigV4Signer()
    key = signer.signing_key(SECRET, "20240229", "us-east-1", "svc")
    assert signer.signing_key(SECRET, "20240229", "us-east-1", "svc") is key
    assert signer.signing_key(SECRET, "20240301", "us-east-1", "svc") != key
    assert signer.signing_key(SECRET, "20240229", "eu-west-1", "svc") != key
    assert signer.signing_key(SECRET, "20240229", "us-east-1", "other") != key


def test_host_header_added_with_non_default_port() -> None:
    request = HttpRequest("GET", "127.0.0.1", "/", scheme="http", port=8080)
    result = SigV4Signer().sign(request, CREDS, CONFIG, now=WHEN)
    assert "host:127.0.0.1:8080\n" in result.canonical_request


def test_no_secret_in_results_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        result = SigV4Signer().sign(_request(), CREDS, CONFIG, now=WHEN)
        presigned = SigV4Signer().presign(_request(), CREDS, CONFIG, expires_in=60, now=WHEN)
    texts = [repr(result), str(result.request), repr(presigned), repr(CREDS), caplog.text]
    assert not any(SECRET in t or TOKEN in t or result.signature in t for t in texts)

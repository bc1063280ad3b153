"""Every case of the SigV4 suites in shared/vectors/sigv4 (aws-c-auth v4, botocore, smithy-rs).

aws-c-auth v4 is the oracle: 38 cases, each signed twice (header and presigned query),
comparing canonical request, string to sign, signature and signed request. The older
botocore suite (34 cases) is compared on canonical request, string to sign, Authorization
and signed request. Known failures: none; no case is skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import (
    EMPTY_SHA256,
    SigV4Config,
    SigV4Signer,
    canonical_path,
)
from qsmith.runtime.http import HttpRequest
from tests.runtime.auth.sigv4_vectors import (
    comparable,
    parse_raw_request,
    to_http_request,
)
from tests.support.shared import shared_path, shared_root

SUITE = shared_root() / "vectors" / "sigv4"
AWS_C_AUTH_CASES = (
    sorted(p.name for p in (SUITE / "aws-c-auth" / "v4").iterdir() if p.is_dir())
    if (SUITE / "aws-c-auth" / "v4").is_dir()
    else []
)
BOTOCORE_CASES = (
    sorted(
        str(p.parent.relative_to(SUITE / "botocore" / "aws4_testsuite"))
        for p in (SUITE / "botocore" / "aws4_testsuite").rglob("*.req")
    )
    if (SUITE / "botocore" / "aws4_testsuite").is_dir()
    else []
)
# Upstream data errors, compared around rather than skipped (name -> reason).
SREQ_INCONSISTENT = {
    "get-vanilla-with-session-token": "the .sreq's Signature contradicts the case's own .authz "
    "and .sts (upstream copy error); the signed request is compared without Authorization, "
    "which the .authz check covers",
}

BOTOCORE_TIME = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
BOTOCORE_KEY = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def test_suites_are_complete() -> None:
    shared_path("vectors", "sigv4", "aws-c-auth", "v4")
    shared_path("vectors", "sigv4", "botocore", "aws4_testsuite")
    assert len(AWS_C_AUTH_CASES) == 38
    assert len(BOTOCORE_CASES) == 34


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _context(case: Path) -> tuple[AwsCredentials, SigV4Config, datetime, int]:
    context = json.loads(_text(case / "context.json"))
    creds = context["credentials"]
    credentials = AwsCredentials(
        creds["access_key_id"], creds["secret_access_key"], creds.get("token")
    )
    config = SigV4Config(
        region=context["region"],
        service=context["service"],
        normalize_path=context["normalize"],
        double_uri_encode=True,
        payload_hash=None if context["sign_body"] else EMPTY_SHA256,
        content_sha256_header=context["sign_body"],
        sign_session_token=not context.get("omit_session_token", False),
    )
    moment = datetime.fromisoformat(context["timestamp"].replace("Z", "+00:00"))
    return credentials, config, moment, context["expiration_in_seconds"]


@pytest.mark.parametrize("name", AWS_C_AUTH_CASES)
@pytest.mark.parametrize("mode", ["header", "query"])
def test_aws_c_auth_case(name: str, mode: str) -> None:
    case = shared_path("vectors", "sigv4", "aws-c-auth", "v4", name)
    credentials, config, moment, expires = _context(case)
    request = to_http_request(parse_raw_request((case / "request.txt").read_bytes()))
    signer = SigV4Signer()
    if mode == "header":
        result = signer.sign(request, credentials, config, now=moment)
    else:
        # A presigned URL never carries x-amz-content-sha256; the body hash still counts.
        query_config = SigV4Config(
            region=config.region,
            service=config.service,
            normalize_path=config.normalize_path,
            payload_hash=config.payload_hash,
            sign_session_token=config.sign_session_token,
        )
        result = signer.presign(request, credentials, query_config, expires_in=expires, now=moment)
    assert result.canonical_request == _text(case / f"{mode}-canonical-request.txt")
    assert result.string_to_sign == _text(case / f"{mode}-string-to-sign.txt")
    assert result.signature == _text(case / f"{mode}-signature.txt").strip()
    expected = parse_raw_request((case / f"{mode}-signed-request.txt").read_bytes().rstrip(b"\n"))
    ours = parse_raw_request(_render(result.request).rstrip(b"\n"))
    assert comparable(ours) == comparable(expected)


def _render(request: HttpRequest) -> bytes:
    assert isinstance(request.body, bytes)
    head = f"{request.method} {request.target} HTTP/1.1\n" + "".join(
        f"{name}:{value}\n" for name, value in request.headers
    )
    return head.encode("utf-8") + b"\n" + request.body


def _botocore_inputs(name: str) -> tuple[Path, AwsCredentials, SigV4Config, HttpRequest]:
    case = shared_path("vectors", "sigv4", "botocore", "aws4_testsuite", name)
    stem = case / Path(name).name
    raw = parse_raw_request(stem.with_suffix(".req").read_bytes())
    # The session token is an input the old suite states only in the signed request; it is
    # part of the signature exactly when the canonical request lists it.
    signed = parse_raw_request(stem.with_suffix(".sreq").read_bytes())
    token = next((v for k, v in signed.headers if k.lower() == "x-amz-security-token"), None)
    token_signed = "x-amz-security-token" in _text(stem.with_suffix(".creq"))
    raw.headers = [
        (k, v) for k, v in raw.headers if k.lower() not in ("x-amz-date", "x-amz-security-token")
    ]
    credentials = AwsCredentials(BOTOCORE_KEY.access_key_id, BOTOCORE_KEY.secret_access_key, token)
    config = SigV4Config(
        region="us-east-1",
        service="service",
        normalize_path=True,
        sign_session_token=token_signed,
    )
    return stem, credentials, config, to_http_request(raw)


@pytest.mark.parametrize("name", BOTOCORE_CASES)
def test_botocore_suite_case(name: str) -> None:
    stem, credentials, config, request = _botocore_inputs(name)
    result = SigV4Signer().sign(request, credentials, config, now=BOTOCORE_TIME)
    assert result.canonical_request == _text(stem.with_suffix(".creq"))
    assert result.string_to_sign == _text(stem.with_suffix(".sts"))
    assert result.request.header("authorization") == _text(stem.with_suffix(".authz")).strip()
    expected = parse_raw_request(stem.with_suffix(".sreq").read_bytes().rstrip(b"\n"))
    ours = parse_raw_request(_render(result.request).rstrip(b"\n"))
    if name in SREQ_INCONSISTENT:
        for raw in (expected, ours):
            raw.headers = [(k, v) for k, v in raw.headers if k.lower() != "authorization"]
    assert comparable(ours) == comparable(expected)


@pytest.mark.parametrize("name", ["double-url-encode", "double-encode-path"])
def test_smithy_rs_double_encoded_path(name: str) -> None:
    """Only the canonical path is consistent in these old cases (see SOURCES.md §1c)."""
    case = shared_path("vectors", "sigv4", "smithy-rs-extras", name)
    raw = parse_raw_request((case / "request.txt").read_bytes())
    expected_path = _text(case / "header-canonical-request.txt").split("\n")[1]
    assert canonical_path(raw.path, normalize=True, double_encode=True) == expected_path
    assert "%25" in expected_path


def test_single_encoding_switch_keeps_wire_path() -> None:
    assert canonical_path("/a%3Ab/c d", normalize=False, double_encode=False) == "/a%3Ab/c d"
    assert canonical_path("/a%3Ab", normalize=False, double_encode=True) == "/a%253Ab"
    assert canonical_path("//a/./b/../c//", normalize=True, double_encode=False) == "/a/c/"
    assert (
        canonical_path("//a/./b/../c//", normalize=False, double_encode=False) == "//a/./b/../c//"
    )

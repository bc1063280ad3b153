"""The SigV4 suites under ``vectors/sigv4`` (aws-c-auth v4, botocore, smithy-rs extras).

aws-c-auth v4 is the oracle: each case is signed twice (header and presigned query),
comparing canonical request, string to sign, signature and signed request. The older
botocore suite is compared on canonical request, string to sign, Authorization and
signed request. Two smithy-rs cases check the double-encoded canonical path only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from qsmith.codegen.conformance.base import Case, expect, expect_equal
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import EMPTY_SHA256, SigV4Config, SigV4Signer, canonical_path
from qsmith.runtime.http import HttpRequest, parse_query_string

__all__ = [
    "RawRequest",
    "aws_c_auth_names",
    "botocore_names",
    "comparable_request",
    "parse_raw_request",
    "sigv4_cases",
    "suite_dir",
    "to_http_request",
]

# Upstream data errors, compared around rather than skipped (name -> reason).
SREQ_INCONSISTENT = {
    "get-vanilla-with-session-token": "the .sreq's Signature contradicts the case's own .authz "
    "and .sts (upstream copy error); the signed request is compared without Authorization, "
    "which the .authz check covers",
}
SMITHY_RS_EXTRAS = ("double-url-encode", "double-encode-path")
BOTOCORE_TIME = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
BOTOCORE_KEY = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


@dataclass
class RawRequest:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_query_string(self.target.split("?", 1)[1] if "?" in self.target else "")


def parse_raw_request(data: bytes) -> RawRequest:
    """Parse a suite's request file: request line, ``Name:value`` lines, blank line, body.

    The request line may hold a literal space in the path, so it is split on its first and
    last space; continuation lines (obs-fold) are unfolded into a single space.
    """
    head, _, body = data.partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest.rsplit(" ", 1)[0]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        elif line:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return RawRequest(method, target, headers, body)


def to_http_request(raw: RawRequest) -> HttpRequest:
    host = next((value for name, value in raw.headers if name.lower() == "host"), "")
    return HttpRequest(
        method=raw.method,
        host=host.strip(),
        path=raw.path,
        query=raw.query,
        headers=list(raw.headers),
        body=raw.body,
    )


def comparable_request(
    raw: RawRequest,
) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], bytes]:
    """A signed request reduced to what must match: header and query order are not canonical."""
    headers = sorted((name.lower(), value.strip()) for name, value in raw.headers)
    return raw.method, raw.path, sorted(raw.query), headers, raw.body


def suite_dir(shared: Path) -> Path:
    return shared / "vectors" / "sigv4"


def aws_c_auth_names(shared: Path) -> list[str]:
    folder = suite_dir(shared) / "aws-c-auth" / "v4"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def botocore_names(shared: Path) -> list[str]:
    folder = suite_dir(shared) / "botocore" / "aws4_testsuite"
    if not folder.is_dir():
        return []
    return sorted(str(p.parent.relative_to(folder)) for p in folder.rglob("*.req"))


def sigv4_cases(shared: Path) -> list[Case]:
    """Every case of the three suites (none when the data is missing)."""
    suite = suite_dir(shared)
    cases = [
        Case(f"aws-c-auth/{name}/{mode}", partial(_check_aws_c_auth, suite, name, mode))
        for name in aws_c_auth_names(shared)
        for mode in ("header", "query")
    ]
    cases += [
        Case(f"botocore/{name}", partial(_check_botocore, suite, name))
        for name in botocore_names(shared)
    ]
    extras = suite / "smithy-rs-extras"
    cases += [
        Case(f"smithy-rs-extras/{name}", partial(_check_double_encoded, extras / name))
        for name in SMITHY_RS_EXTRAS
        if (extras / name).is_dir()
    ]
    return cases


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


def _check_aws_c_auth(suite: Path, name: str, mode: str) -> None:
    case = suite / "aws-c-auth" / "v4" / name
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
    want = _text(case / f"{mode}-canonical-request.txt")
    expect_equal(result.canonical_request, want, "canonical request")
    expect_equal(result.string_to_sign, _text(case / f"{mode}-string-to-sign.txt"), "to sign")
    expect_equal(result.signature, _text(case / f"{mode}-signature.txt").strip(), "signature")
    expected = parse_raw_request((case / f"{mode}-signed-request.txt").read_bytes().rstrip(b"\n"))
    ours = parse_raw_request(render_request(result.request).rstrip(b"\n"))
    expect_equal(comparable_request(ours), comparable_request(expected), "signed request")


def render_request(request: HttpRequest) -> bytes:
    """A request as the suites write it: request line, headers, blank line, body."""
    body = request.body if isinstance(request.body, bytes) else b"".join(request.body)
    head = f"{request.method} {request.target} HTTP/1.1\n" + "".join(
        f"{name}:{value}\n" for name, value in request.headers
    )
    return head.encode("utf-8") + b"\n" + body


def _check_botocore(suite: Path, name: str) -> None:
    stem = suite / "botocore" / "aws4_testsuite" / name / Path(name).name
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
        region="us-east-1", service="service", normalize_path=True, sign_session_token=token_signed
    )
    result = SigV4Signer().sign(to_http_request(raw), credentials, config, now=BOTOCORE_TIME)
    expect_equal(result.canonical_request, _text(stem.with_suffix(".creq")), "canonical request")
    expect_equal(result.string_to_sign, _text(stem.with_suffix(".sts")), "string to sign")
    authorization = result.request.header("authorization")
    expect_equal(authorization, _text(stem.with_suffix(".authz")).strip(), "Authorization")
    expected = parse_raw_request(stem.with_suffix(".sreq").read_bytes().rstrip(b"\n"))
    ours = parse_raw_request(render_request(result.request).rstrip(b"\n"))
    if name in SREQ_INCONSISTENT:
        for request in (expected, ours):
            request.headers = [(k, v) for k, v in request.headers if k.lower() != "authorization"]
    expect_equal(comparable_request(ours), comparable_request(expected), "signed request")


def _check_double_encoded(case: Path) -> None:
    """Only the canonical path is consistent in these old cases (see SOURCES.md §1c)."""
    raw = parse_raw_request((case / "request.txt").read_bytes())
    expected_path = _text(case / "header-canonical-request.txt").split("\n")[1]
    got = canonical_path(raw.path, normalize=True, double_encode=True)
    expect_equal(got, expected_path, "canonical path")
    expect("%25" in expected_path, "the case's path is double-encoded")

"""What SigV4 signs is what goes on the wire: the path, byte for byte.

httpx removes dot segments its own way after a request is signed (``/a/.`` is sent as
``/a``, where RFC 3986 keeps ``/a/``), so the client puts the path in its wire form
(``wire_path``) before signing. Checked three ways:
- httpx sends every wire path unchanged (hypothesis-generated paths plus explicit ones);
- botocore's signer, given the request as sent, produces the same Authorization;
- real generated clients (sync and async) call a loopback server that recomputes the
  signature from the raw request line it received, without normalizing anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import string
import urllib.parse
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.runtime.auth.errors import SignatureError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.schemes import SIGV4, AuthResolver, ResolvedAuth
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer, wire_path
from qsmith.runtime.http import HttpRequest
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.loopback import RecordedRequest
from tests.runtime.resilience.clients import CONSOLAS, TELEMETRY, Target

HOST = "example.amazonaws.com"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
CREDS = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session")

EXPLICIT_PATHS = [
    "/a/.",
    "/a/..",
    "/a/./b",
    "/a/../b",
    "/a/b/../..",
    "/..",
    "/.",
    "/./a/",
    "//a//b//",
    "/a//",
    "/a/...",
    "/a/%2E/b",
    "/a/%2e%2e/b",
    "/a%2Fb/",
    "/%41%7e",
    "/a b/c",
    "/\u1234/\u00e9",
    "/100%/x",
    "",
]
_SEGMENT = st.one_of(
    st.sampled_from([".", "..", "", "...", "%2E", "%2e%2E", "%2F", "%20", "%", "a b"]),
    st.text(
        alphabet=st.one_of(
            st.sampled_from(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@% "),
            st.characters(min_codepoint=0xA0, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
        ),
        max_size=6,
    ),
)
_PATHS = st.lists(_SEGMENT, max_size=6).map(lambda segments: "/" + "/".join(segments))


def _sent_by_httpx(path: str) -> str:
    return httpx.Request("GET", f"https://{HOST}{path}").url.raw_path.decode("ascii")


def _signed(path: str) -> HttpRequest:
    auth = ResolvedAuth(SIGV4, CREDS, "us-east-1", "service", SigV4Signer())
    return auth.sign(HttpRequest("POST", HOST, path, body=b"{}"), now=WHEN)


def _botocore_authorization(path: str) -> str:
    request = AWSRequest(method="POST", url=f"https://{HOST}{path}", data=b"{}")
    credentials = Credentials(CREDS.access_key_id, CREDS.secret_access_key, CREDS.session_token)
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN.replace(tzinfo=None)):
        SigV4Auth(credentials, "service", "us-east-1").add_auth(request)
    return str(request.headers["Authorization"])


def _check(path: str) -> None:
    signed = _signed(path)
    assert _sent_by_httpx(signed.path) == signed.path, "httpx would send another path"
    assert signed.header("authorization") == _botocore_authorization(signed.path)


@pytest.mark.parametrize("path", EXPLICIT_PATHS)
def test_the_signed_path_is_sent_unchanged_and_botocore_agrees(path: str) -> None:
    _check(path)


def test_the_trailing_dot_case_of_the_report() -> None:
    signed = _signed("/a/.")
    assert signed.path == "/a/" and _sent_by_httpx(signed.path) == "/a/"


@settings(max_examples=400, deadline=None)
@given(path=_PATHS)
def test_generated_paths_are_signed_as_sent(path: str) -> None:
    _check(path)


def test_wire_path_is_idempotent_and_keeps_escapes() -> None:
    for path in EXPLICIT_PATHS:
        once = wire_path(path, normalize=True)
        assert wire_path(once, normalize=True) == once
    assert wire_path("/a/%2E/b%2f", normalize=True) == "/a/%2E/b%2f"


def test_unnormalized_services_refuse_dot_segments_instead_of_signing_another_path() -> None:
    """S3-style signing keeps the path as given; httpx would still drop the dot segment."""
    assert wire_path("//a/%2E/b/", normalize=False) == "//a/%2E/b/"
    with pytest.raises(SignatureError, match=r"'\.' or '\.\.' segment"):
        wire_path("/bucket/./key", normalize=False)


# -- a loopback server that verifies the signature from what it received ----------------------


def _verify(received: RecordedRequest) -> tuple[bool, str]:
    """Recompute the SigV4 signature from the received request line and headers, with the
    path exactly as received (no normalization); returns (valid, received path)."""
    path, _, query = received.target.partition("?")
    authorization = received.header("authorization") or ""
    fields = dict(part.strip().split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    scope = fields["Credential"].split("/", 1)[1]
    signed_names = fields["SignedHeaders"].split(";")
    pairs = sorted(
        (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)
    )
    canonical = "\n".join(
        [
            received.method,
            urllib.parse.quote(path, safe="/-_.~"),
            "&".join(f"{k}={v}" for k, v in pairs),
            "".join(
                f"{name}:{' '.join((received.header(name) or '').split())}\n"
                for name in signed_names
            ),
            fields["SignedHeaders"],
            hashlib.sha256(received.body).hexdigest(),
        ]
    )
    moment = received.header("x-amz-date") or ""
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", moment, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + CREDS.secret_access_key).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["Signature"]), path


def _answer(received: RecordedRequest) -> ScriptedResponse:
    valid, _ = _verify(received)
    if valid:
        return ScriptedResponse.json(200, "{}")
    return ScriptedResponse.json(403, '{"__type": "InvalidSignatureException", "message": "no"}')


def _call(target: Target, mode: str, endpoint: str) -> None:
    from qsmith.runtime.client import ClientConfig
    from qsmith.runtime.retry import StandardRetryStrategy
    from qsmith.runtime.transport import TransportConfig

    config = ClientConfig(
        region="us-east-1",
        endpoint_url=endpoint,
        credentials=CREDS,
        retry_strategy=StandardRetryStrategy(max_attempts=1),
        transport=TransportConfig(trust_env=False),
    )
    module = target.module("client")
    arguments: dict[str, Any] = target.arguments()
    if mode == "sync":
        with module.Client(config=config) as client:
            getattr(client, target.method)(**arguments)
        return

    async def call() -> None:
        async with module.AsyncClient(config=config) as client:
            await getattr(client, target.method)(**arguments)

    asyncio.run(call())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("target", [CONSOLAS, TELEMETRY], ids=lambda t: t.name)
@pytest.mark.parametrize("prefix", ["/a/.", "/a/./b/..//c", "/x/%2E/y/..", "//p//q/."])
def test_a_real_client_sends_the_path_it_signed(target: Target, mode: str, prefix: str) -> None:
    with LoopbackServer(_answer) as server:
        _call(target, mode, server.url + prefix)  # raises on a 403: the signature was wrong
        (received,) = server.requests
    valid, path = _verify(received)
    assert valid, f"the server received {path!r}, which is not the path that was signed"
    assert "/./" not in path + "/" and "//" not in path


# -- S3-style services: the endpoint's rules turn normalization and double encoding off -------


def test_endpoint_auth_scheme_switches_reach_the_signer() -> None:
    from qsmith.runtime.auth.credentials.provider import StaticCredentialsProvider
    from qsmith.runtime.client.endpoint import sigv4_path_switches
    from qsmith.runtime.endpoints.model import Endpoint

    s3_like = Endpoint(
        "https://bucket.example",
        properties={
            "authSchemes": [
                {"name": "sigv4", "disableDoubleEncoding": True, "disableNormalizePath": True}
            ]
        },
    )
    assert sigv4_path_switches(s3_like) == (False, False)
    assert sigv4_path_switches(Endpoint("https://q.example")) == (True, True)

    normalize, double_encode = sigv4_path_switches(s3_like)
    resolver = AuthResolver(
        region="us-east-1",
        credentials=StaticCredentialsProvider(CREDS),
        sigv4_normalize_path=normalize,
        sigv4_double_uri_encode=double_encode,
    )
    auth = resolver.resolve(CONSOLAS.service, CONSOLAS.schema)
    assert (auth.normalize_path, auth.double_uri_encode) == (False, False)

    request = HttpRequest("PUT", HOST, "/bucket//key%2Fwith/%2E/parts/", body=b"")
    signed = auth.sign(request, now=WHEN)
    assert signed.path == request.path == _sent_by_httpx(signed.path)  # sent as given
    config = SigV4Config("us-east-1", auth.signing_name or "", False, False)
    direct = SigV4Signer().sign(request, CREDS, config, now=WHEN)
    assert direct.canonical_request.split("\n")[1] == request.path  # signed as given
    assert signed.header("authorization") == direct.request.header("authorization")
    with pytest.raises(SignatureError):
        auth.sign(HttpRequest("PUT", HOST, "/bucket/./key"), now=WHEN)

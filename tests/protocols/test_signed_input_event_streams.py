"""Input event streams under SigV4: every event signed in a chain, sent as it is produced.

The checks recompute every signature independently of the runtime (own frame parser, own
key derivation, the string to sign of docs/design/input-event-streams.md):
- the worked example of ../shared/vectors/sigv4/event-stream-signing.json, through the
  runtime's outer-frame writer;
- every restJson1 event stream protocol test with input events, signed by the client core:
  the chain verifies and the inner messages are the case's messages;
- the generated restJson1 protocol-test client, sync and async (an async generator as the
  event source), against a raw-socket server: chunked, never Content-Length, the chain
  seeded by the request's own signature, ending with the signed empty frame.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import struct
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from qsmith.codegen.conformance.protocol_cases import ProtocolCase, collect
from qsmith.codegen.conformance.protocol_checks import operation_of
from qsmith.codegen.conformance.protocol_clients import schema_module
from qsmith.codegen.conformance.protocol_events import _compare_message, _input_event
from qsmith.codegen.conformance.protocol_values import to_value
from qsmith.runtime.auth.event_signer import EventSigner
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.schemes import SIGV4, ResolvedAuth
from qsmith.runtime.auth.sigv4 import SigV4Signer
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.client.input_events import EVENTS_PAYLOAD_HASH, SignedEventFrames
from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.eventstream import decode_message
from qsmith.testing import RawAnswer, RawSocketServer
from qsmith.testing.raw_server import http_head
from tests.protocols.conftest import ProtocolClients
from tests.support.shared import REPO_ROOT, shared_path, shared_root

SERVICE = "aws.protocoltests.restjson#RestJson"
CREDENTIALS = AwsCredentials("AKIDEXAMPLE", "secret-canary-key")


# -- an independent verifier ------------------------------------------------------------------


def _frames(body: bytes) -> Iterator[tuple[dict[str, Any], bytes]]:
    """(headers, payload) of each event stream frame in ``body``; only the two header
    types a signed outer message uses are understood."""
    pos = 0
    while pos < len(body):
        total, headers_length = struct.unpack_from(">II", body, pos)
        headers_end = pos + 12 + headers_length
        headers: dict[str, Any] = {}
        at = pos + 12
        while at < headers_end:
            name_length = body[at]
            name = body[at + 1 : at + 1 + name_length].decode()
            kind = body[at + 1 + name_length]
            at += 2 + name_length
            if kind == 8:  # timestamp: int64 epoch milliseconds
                headers[name] = struct.unpack_from(">q", body, at)[0]
                at += 8
            else:
                assert kind == 6, f"unexpected header type {kind}"  # byte array
                (length,) = struct.unpack_from(">H", body, at)
                headers[name] = body[at + 2 : at + 2 + length]
                at += 2 + length
        yield headers, body[headers_end : pos + total - 4]
        pos += total


def _key(secret: str, day: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def verify_chain(
    body: bytes,
    seed: str,
    secret: str,
    region: str,
    service: str,
    *,
    allow_unfinished: bool = False,
) -> list[bytes]:
    """Check every frame's ``:chunk-signature`` over the previous one and the empty final
    frame (not yet there when ``allow_unfinished``); returns the inner messages."""
    previous = seed
    payloads = []
    frames = list(_frames(body))
    assert frames, "no frame was sent"
    for index, (headers, payload) in enumerate(frames):
        assert list(headers) == [":date", ":chunk-signature"]
        millis = headers[":date"]
        moment = datetime.fromtimestamp(millis / 1000, UTC)
        stamp = moment.strftime("%Y%m%dT%H%M%SZ")
        date_header = bytes([5]) + b":date" + bytes([8]) + struct.pack(">q", millis)
        text = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                stamp,
                f"{stamp[:8]}/{region}/{service}/aws4_request",
                previous,
                hashlib.sha256(date_header).hexdigest(),
                hashlib.sha256(payload).hexdigest(),
            ]
        )
        key = _key(secret, stamp[:8], region, service)
        expected = hmac.new(key, text.encode(), hashlib.sha256).digest()
        assert headers[":chunk-signature"] == expected, f"frame {index}: bad chunk signature"
        previous = expected.hex()
        payloads.append(payload)
    if allow_unfinished and payloads[-1] != b"":
        return payloads
    assert payloads[-1] == b"", "the stream must end with the signed empty frame"
    return payloads[:-1]


def _seed(authorization: str) -> str:
    return authorization.rpartition("Signature=")[2]


# -- the worked example ---------------------------------------------------------------------


def test_the_worked_example_through_the_frame_writer() -> None:
    vectors = json.loads(
        shared_path("vectors", "sigv4", "event-stream-signing.json").read_text(encoding="utf-8")
    )
    case = vectors["cases"][0]
    creds = AwsCredentials(
        case["credentials"]["access_key_id"], case["credentials"]["secret_access_key"]
    )
    events = case["events"]
    seed = case["request"]["expected_signature"]
    signer = EventSigner(creds, case["region"], case["service"], seed)
    moments = iter(datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")) for e in events)
    payloads = [bytes.fromhex(e["payload_hex"]) for e in events[:-1]]
    assert events[-1]["payload_hex"] == ""
    frames = SignedEventFrames(payloads, signer, now=lambda: next(moments))  # type: ignore[arg-type]
    body = b"".join(frames)
    sent = list(_frames(body))
    assert [h[":chunk-signature"].hex() for h, _ in sent] == [
        e["expected_signature"] for e in events
    ]
    secret = case["credentials"]["secret_access_key"]
    assert verify_chain(body, seed, secret, case["region"], case["service"]) == payloads


def test_frames_are_signed_as_the_events_are_produced() -> None:
    produced: list[int] = []

    def events() -> Iterator[bytes]:
        for n in range(3):
            produced.append(n)
            yield bytes([n])

    signer = EventSigner(CREDENTIALS, "us-east-1", "svc", "00" * 32)
    frames = iter(SignedEventFrames(events(), signer))  # type: ignore[arg-type]
    next(frames)
    assert produced == [0]  # the second event is not asked for before the first is sent
    assert len(list(frames)) == 3  # two more events, then the end frame


# -- the restJson1 event stream protocol tests ----------------------------------------------


def _input_cases() -> list[Any]:
    cases = [
        c
        for c in collect("restJson1", shared_root())
        if c.kind == "event-stream"
        and any(e["type"] == "request" for e in c.case.get("events", []))
        and "failure" not in c.case.get("expectation", {})
    ]
    if not cases:
        return [pytest.param(None, id="restJson1:missing-data")]
    return [pytest.param(c, id=c.id) for c in cases]


@pytest.mark.parametrize("case", _input_cases())
def test_protocol_test_events_are_signed_in_a_chain(
    case: ProtocolCase | None, protocol_clients: ProtocolClients
) -> None:
    shared_path("vectors", "smithy-protocol-tests")
    assert case is not None
    service = schema_module(protocol_clients.packages, case.service_id).SERVICE
    operation = operation_of(service, case.operation_id)
    core = ClientCore(service, ClientConfig(endpoint_url="https://example.com", region="us-east-1"))
    stream = operation.streaming_member("input")
    assert stream is not None
    events = [e for e in case.case["events"] if e["type"] == "request"]
    value = to_value(operation.input, case.case.get("initialRequestParams", {}))
    setattr(value, stream.python_name, [_input_event(stream.target, e["params"]) for e in events])
    request = core.build_request(operation, value, CallOptions())
    auth = ResolvedAuth(SIGV4, CREDENTIALS, "us-east-1", "restjson", SigV4Signer())
    signed = core.sign(auth, request)
    assert signed.header("x-amz-content-sha256") == EVENTS_PAYLOAD_HASH
    assert signed.header("Content-Length") is None
    body = b"".join(signed.body)  # type: ignore[arg-type]
    inner = verify_chain(
        body,
        _seed(signed.header("Authorization") or ""),
        CREDENTIALS.secret_access_key,
        "us-east-1",
        "restjson",
    )
    assert len(inner) == len(events)
    for message, event in zip(inner, events, strict=True):
        _compare_message(decode_message(message), event)  # the suite's own comparison


# -- a generated client on the wire ---------------------------------------------------------


def _package(clients: ProtocolClients, module: str) -> Any:
    return importlib.import_module(f"qsmith.clients.{clients.packages[SERVICE]}.{module}")


def _config() -> ClientConfig:
    return ClientConfig(max_attempts=1, credentials=CREDENTIALS, region="us-east-1")


def _events(models: Any) -> list[Any]:
    return [
        models.EventStreamHeaders(models.HeadersEvent(string_header="hello", int_header=7)),
        models.EventStreamStringPayload(models.StringPayloadEvent(payload="text")),
    ]


def _check_wire(server: RawSocketServer, count: int) -> list[Any]:
    (request,) = server.requests
    assert request.header("Transfer-Encoding") == "chunked"
    assert request.header("Content-Length") is None
    assert request.header("x-amz-content-sha256") == EVENTS_PAYLOAD_HASH
    authorization = request.header("Authorization") or ""
    assert "x-amz-content-sha256" in authorization  # the marker is signed
    service = authorization.split("Credential=")[1].split("/")[3]
    inner = verify_chain(
        request.body, _seed(authorization), CREDENTIALS.secret_access_key, "us-east-1", service
    )
    assert len(inner) == count
    return [decode_message(m) for m in inner]


@pytest.fixture
def raw_server() -> Iterator[RawSocketServer]:
    with RawSocketServer() as server:
        server.set_default(RawAnswer((http_head(200, length=0),), "close"))
        yield server


def test_sync_client_streams_signed_events(
    raw_server: RawSocketServer, protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")
    client_class = _package(protocol_clients, "client").Client
    with client_class(endpoint_url=raw_server.url, config=_config()) as client:
        assert client.input_stream(stream=iter(_events(models))) is None
    messages = _check_wire(raw_server, 2)
    assert [m.headers[":event-type"] for m in messages] == ["headers", "stringPayload"]
    assert messages[1].payload == b"text"


async def test_async_client_streams_an_async_generator(
    raw_server: RawSocketServer, protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")

    async def produce() -> AsyncIterator[Any]:
        for event in _events(models):
            yield event

    client_class = _package(protocol_clients, "client").AsyncClient
    async with client_class(endpoint_url=raw_server.url, config=_config()) as client:
        assert await client.input_stream(stream=produce()) is None
    messages = _check_wire(raw_server, 2)
    assert messages[0].headers["stringHeader"] == "hello"


# -- a real service model: Transcribe Streaming ---------------------------------------------

TRANSCRIBE = (
    "api-models-aws/transcribe-streaming/service/2017-10-26/transcribe-streaming-2017-10-26.json"
)


@pytest.fixture(scope="module")
def transcribe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Transcribe Streaming generated into a scratch folder (restJson1, SigV4, audio in,
    transcripts out); removed from sys.modules afterwards."""
    import sys

    from click.testing import CliRunner

    from qsmith.cli.main import cli

    model = shared_path("vectors", "aws-models", TRANSCRIBE)
    out = tmp_path_factory.mktemp("transcribe")
    args = ["codegen", str(model), "--package", "signedstreams.transcribe", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("signedstreams.transcribe")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == "signedstreams"]:
            del sys.modules[name]


def _transcript_answer(transcribe: Any) -> RawAnswer:
    from qsmith.testing.event_streams import event_stream_encoder

    models = importlib.import_module(f"{transcribe.__name__}.models")
    schema = importlib.import_module(f"{transcribe.__name__}._schema")
    encoder = event_stream_encoder(
        schema.START_STREAM_TRANSCRIPTION_OPERATION, "aws.protocols#restJson1"
    )
    event = models.TranscriptResultStreamTranscriptEvent(
        models.TranscriptEvent(transcript=models.Transcript(results=[]))
    )
    body = encoder.encode(event)
    head = http_head(
        200,
        [("Content-Type", "application/vnd.amazon.eventstream"), ("x-amzn-request-id", "r1")],
        length=len(body),
    )
    return RawAnswer((head + body,), "close")


def test_transcribe_streaming_sends_signed_audio_events(transcribe: Any) -> None:
    models = importlib.import_module(f"{transcribe.__name__}.models")
    client_module = importlib.import_module(f"{transcribe.__name__}.client")
    chunks = [b"\x00\x01" * 160, b"\x02\x03" * 160, b"\x04\x05" * 160]

    def audio() -> Iterator[Any]:
        for chunk in chunks:
            yield models.AudioStreamAudioEvent(models.AudioEvent(audio_chunk=chunk))

    with RawSocketServer() as server:
        server.set_default(_transcript_answer(transcribe))
        client = client_module.Client(endpoint_url=server.url, config=_config())
        with (
            client,
            client.start_stream_transcription(
                language_code="en-US",
                media_sample_rate_hertz=16000,
                media_encoding="pcm",
                audio_stream=audio(),
            ) as stream,
        ):
            received = list(stream)
        messages = _check_wire(server, len(chunks))
        (request,) = server.requests
    assert request.target == "/stream-transcription"
    assert request.header("x-amzn-transcribe-language-code") == "en-US"
    assert "/transcribe/aws4_request" in (request.header("Authorization") or "")
    assert [m.payload for m in messages] == chunks
    assert {m.headers[":event-type"] for m in messages} == {"AudioEvent"}
    assert [type(e).__name__ for e in received] == ["TranscriptResultStreamTranscriptEvent"]


def test_transcribe_client_passes_mypy_strict(transcribe: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(transcribe.__file__).parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(root / ".mypy"),
            "-p",
            transcribe.__name__,
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "MYPYPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_blocking_client_refuses_an_async_event_source(
    raw_server: RawSocketServer, protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")

    async def produce() -> AsyncIterator[Any]:
        for event in _events(models):
            yield event

    client = _package(protocol_clients, "client").Client(
        endpoint_url=raw_server.url, config=_config()
    )
    with client, pytest.raises(ParamValidationError, match="needs the AsyncClient"):
        client.input_stream(stream=produce())

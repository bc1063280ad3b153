"""Full-duplex event streams over HTTP/2 (``transport.duplex.DuplexHttp2Transport``).

An HTTP/2 server on 127.0.0.1 (the ``h2`` state machine over a plain socket, prior
knowledge) answers each input event the moment its frame arrives and its chunk signature
verifies (recomputed independently, chained from the request's signature). The caller's
event source only yields its second event after the service's answer to the first has
been read: over a half-duplex transport this would never finish.
"""

from __future__ import annotations

import asyncio
import importlib
import shutil
import socket
import ssl
import struct
import subprocess
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.eventstream import decode_message
from qsmith.runtime.transport.duplex import DuplexHttp2Transport
from tests.protocols.conftest import ProtocolClients
from tests.protocols.test_signed_input_event_streams import verify_chain

h2_connection = pytest.importorskip("h2.connection", reason="needs the h2 package (qsmith[duplex])")
import h2.config  # noqa: E402
import h2.events  # noqa: E402

SERVICE = "aws.protocoltests.restjson#RestJson"
CREDENTIALS = AwsCredentials("AKIDEXAMPLE", "secret-canary-key")


class DuplexServer:
    """Answers every verified input event with ``answer(inner message)`` at once."""

    def __init__(self, answer: Callable[[bytes], bytes], tls: ssl.SSLContext | None = None) -> None:
        self._answer = answer
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.events_answered = 0
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> DuplexServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
            if self._tls is not None:
                conn = self._tls.wrap_socket(conn, server_side=True)
            with conn:
                self._talk(conn)
        except BaseException as exc:  # reported by the test
            self.error = exc

    def _talk(self, sock: socket.socket) -> None:
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        h2c = h2_connection.H2Connection(config=config)
        h2c.initiate_connection()
        sock.sendall(h2c.data_to_send())
        parsed = 0
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for event in h2c.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    self.headers = {str(k): str(v) for k, v in event.headers or []}
                    h2c.send_headers(
                        1,
                        [
                            (":status", "200"),
                            ("content-type", "application/vnd.amazon.eventstream"),
                        ],
                    )
                elif isinstance(event, h2.events.DataReceived):
                    self.body += event.data or b""
                    h2c.acknowledge_received_data(event.flow_controlled_length or 0, 1)
                    parsed = self._answer_complete_frames(h2c, parsed)
                elif isinstance(event, h2.events.StreamEnded):
                    h2c.end_stream(1)
            sock.sendall(h2c.data_to_send())

    def _answer_complete_frames(self, h2c: Any, parsed: int) -> int:
        """Verify the chain so far and answer each new complete event."""
        end = parsed
        while len(self.body) - end >= 4:
            (total,) = struct.unpack_from(">I", self.body, end)
            if len(self.body) - end < total:
                break
            end += total
        if end == parsed:
            return parsed
        authorization = self.headers["authorization"]
        service = authorization.split("Credential=")[1].split("/")[3]
        inner = verify_chain(
            bytes(self.body[:end]),
            authorization.rpartition("Signature=")[2],
            CREDENTIALS.secret_access_key,
            "us-east-1",
            service,
            allow_unfinished=True,
        )
        for message in inner[self.events_answered :]:  # the end frame is not an event
            h2c.send_data(1, self._answer(message))
            self.events_answered += 1
        return end


def _package(clients: ProtocolClients, module: str) -> Any:
    return importlib.import_module(f"qsmith.clients.{clients.packages[SERVICE]}.{module}")


@pytest.fixture
def duplex(protocol_clients: ProtocolClients) -> Iterator[tuple[Any, DuplexServer]]:
    models = _package(protocol_clients, "models")
    schema = _package(protocol_clients, "_schema")
    from qsmith.testing.event_streams import event_stream_encoder

    encoder = event_stream_encoder(schema.DUPLEX_STREAM_OPERATION, "aws.protocols#restJson1")

    def echo(inner: bytes) -> bytes:
        text = decode_message(inner).payload.decode()
        return encoder.encode(
            models.EventStreamStringPayload(models.StringPayloadEvent(payload=f"echo:{text}"))
        )

    with DuplexServer(echo) as server:
        yield models, server
    if server.error is not None:
        raise server.error


async def test_events_flow_both_ways_at_once(
    duplex: tuple[Any, DuplexServer], protocol_clients: ProtocolClients
) -> None:
    models, server = duplex
    first_answer_read = asyncio.Event()

    async def produce() -> AsyncIterator[Any]:
        yield models.EventStreamStringPayload(models.StringPayloadEvent(payload="one"))
        await first_answer_read.wait()  # only once the service has answered "one"
        yield models.EventStreamStringPayload(models.StringPayloadEvent(payload="two"))

    http = httpx.AsyncClient(transport=DuplexHttp2Transport())
    config = ClientConfig(
        max_attempts=1, credentials=CREDENTIALS, region="us-east-1", async_http_client=http
    )
    client_class = _package(protocol_clients, "client").AsyncClient
    async with asyncio.timeout(30):  # a safety net against a hang, not a timing assertion
        async with client_class(
            endpoint_url=f"http://127.0.0.1:{server.port}", config=config
        ) as client:
            stream = await client.duplex_stream(stream=produce())
            async with stream:
                received = []
                async for event in stream:
                    received.append(event.value.payload)
                    first_answer_read.set()
        await http.aclose()
    assert received == ["echo:one", "echo:two"]
    assert server.headers[":path"] == "/DuplexStream"
    assert server.headers["x-amz-content-sha256"] == "STREAMING-AWS4-HMAC-SHA256-EVENTS"
    assert "host" not in server.headers and server.headers[":authority"].startswith("127.0.0.1")
    # The whole body, end frame included, verifies as one chain.
    authorization = server.headers["authorization"]
    inner = verify_chain(
        bytes(server.body),
        authorization.rpartition("Signature=")[2],
        CREDENTIALS.secret_access_key,
        "us-east-1",
        authorization.split("Credential=")[1].split("/")[3],
    )
    assert [decode_message(m).payload for m in inner] == [b"one", b"two"]


class ResettingServer(DuplexServer):
    """Refuses the stream (RST_STREAM) as soon as the request's headers arrive."""

    def _talk(self, sock: socket.socket) -> None:
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        h2c = h2_connection.H2Connection(config=config)
        h2c.initiate_connection()
        sock.sendall(h2c.data_to_send())
        while data := sock.recv(65536):
            for event in h2c.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    h2c.reset_stream(1, error_code=7)  # REFUSED_STREAM
            sock.sendall(h2c.data_to_send())


async def test_a_reset_stream_is_a_transport_error(protocol_clients: ProtocolClients) -> None:
    from qsmith.runtime.errors import TransportError

    models = _package(protocol_clients, "models")

    async def produce() -> AsyncIterator[Any]:
        yield models.EventStreamStringPayload(models.StringPayloadEvent(payload="one"))

    http = httpx.AsyncClient(transport=DuplexHttp2Transport())
    config = ClientConfig(
        max_attempts=1, credentials=CREDENTIALS, region="us-east-1", async_http_client=http
    )
    client_class = _package(protocol_clients, "client").AsyncClient
    with ResettingServer(lambda inner: b"") as server:
        async with asyncio.timeout(30):  # a safety net against a hang, not a timing assertion
            async with client_class(
                endpoint_url=f"http://127.0.0.1:{server.port}", config=config
            ) as client:
                with pytest.raises(TransportError, match="reset"):
                    await client.duplex_stream(stream=produce())
            await http.aclose()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl binary to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_tls(certificate: tuple[Path, Path], alpn: list[str]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    context.set_alpn_protocols(alpn)
    return context


async def _echo_over(
    models: Any, clients: ProtocolClients, url: str, transport: DuplexHttp2Transport
) -> list[str]:
    async def produce() -> AsyncIterator[Any]:
        yield models.EventStreamStringPayload(models.StringPayloadEvent(payload="tls"))

    http = httpx.AsyncClient(transport=transport)
    config = ClientConfig(
        max_attempts=1, credentials=CREDENTIALS, region="us-east-1", async_http_client=http
    )
    client_class = _package(clients, "client").AsyncClient
    try:
        async with asyncio.timeout(30):  # a safety net against a hang, not a timing assertion
            async with client_class(endpoint_url=url, config=config) as client:
                stream = await client.duplex_stream(stream=produce())
                async with stream:
                    return [event.value.payload async for event in stream]
    finally:
        await http.aclose()


async def test_https_negotiates_h2_with_alpn(
    certificate: tuple[Path, Path], protocol_clients: ProtocolClients
) -> None:
    models = _package(protocol_clients, "models")
    schema = _package(protocol_clients, "_schema")
    from qsmith.testing.event_streams import event_stream_encoder

    encoder = event_stream_encoder(schema.DUPLEX_STREAM_OPERATION, "aws.protocols#restJson1")

    def echo(inner: bytes) -> bytes:
        text = decode_message(inner).payload.decode()
        event = models.EventStreamStringPayload(models.StringPayloadEvent(payload=f"echo:{text}"))
        return encoder.encode(event)

    trust = ssl.create_default_context(cafile=str(certificate[0]))
    with DuplexServer(echo, _server_tls(certificate, ["h2"])) as server:
        url = f"https://127.0.0.1:{server.port}"
        received = await _echo_over(
            models, protocol_clients, url, DuplexHttp2Transport(ssl_context=trust)
        )
    assert received == ["echo:tls"]
    assert server.headers[":scheme"] == "https"


async def test_a_server_without_h2_is_refused(
    certificate: tuple[Path, Path], protocol_clients: ProtocolClients
) -> None:
    from qsmith.runtime.errors import TransportError

    models = _package(protocol_clients, "models")
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    with DuplexServer(lambda inner: b"", _server_tls(certificate, ["http/1.1"])) as server:
        url = f"https://127.0.0.1:{server.port}"
        with pytest.raises(TransportError, match="HTTP/2"):
            await _echo_over(models, protocol_clients, url, DuplexHttp2Transport(ssl_context=trust))

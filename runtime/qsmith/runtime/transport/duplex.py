"""Full-duplex HTTP/2 for event streams both ways: an httpx transport driven over ``h2``.

httpx's own transports send the whole request body before reading the answer, so a
service that answers while the caller is still sending (Transcribe Streaming, Bedrock's
bidirectional streams) would wait forever. ``DuplexHttp2Transport`` returns the
response as soon as its headers arrive and keeps writing the request body in a task, so
input events and output events flow at once (docs/design/input-event-streams.md).

Opt-in and async only: ``ClientConfig(async_http_client=httpx.AsyncClient(
transport=DuplexHttp2Transport()))``. One HTTP/2 connection per request (an event stream
holds its connection for its life anyway); TLS with ALPN ``h2`` for https, HTTP/2 with
prior knowledge for http (loopback tests). Needs the extra ``qsmith[duplex]`` (the
``h2`` package), imported when the transport is built.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING

import httpx

from qsmith.runtime.errors import ConfigError

if TYPE_CHECKING:
    import h2.connection

__all__ = ["DuplexHttp2Transport"]

# Request headers HTTP/2 forbids (RFC 9113 8.2.2); the authority travels as :authority.
_CONNECTION_HEADERS = frozenset(
    {"connection", "host", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}
)
_READ_SIZE = 65_536


class DuplexHttp2Transport(httpx.AsyncBaseTransport):
    """An httpx async transport whose requests and responses stream at the same time.

    ``ssl_context`` (default: the system trust store) gets ALPN ``h2`` set on it.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        try:
            import h2.connection  # noqa: F401 - fail here, not on the first request
        except ImportError as exc:
            raise ConfigError(
                "full-duplex event streams need the h2 package: pip install 'qsmith[duplex]'"
            ) from exc
        self._ssl_context = ssl_context

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        tls = request.url.scheme == "https"
        port = request.url.port or (443 if tls else 80)
        context = self._tls_context() if tls else None
        try:
            reader, writer = await asyncio.open_connection(
                request.url.host,
                port,
                ssl=context,
                server_hostname=request.url.host if tls else None,
            )
        except OSError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        if tls and writer.get_extra_info("ssl_object").selected_alpn_protocol() != "h2":
            writer.close()
            raise httpx.ConnectError("the server does not speak HTTP/2 (ALPN)", request=request)
        connection = _Connection(reader, writer, request)
        status, headers = await connection.start()
        return httpx.Response(
            status,
            headers=headers,
            stream=_ResponseStream(connection),
            extensions={"http_version": b"HTTP/2"},
        )

    def _tls_context(self) -> ssl.SSLContext:
        context = self._ssl_context or ssl.create_default_context()
        context.set_alpn_protocols(["h2"])
        return context


class _Connection:
    """One HTTP/2 connection carrying one request stream (id 1)."""

    STREAM = 1

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: httpx.Request
    ) -> None:
        import h2.config
        import h2.connection

        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        self._h2: h2.connection.H2Connection = h2.connection.H2Connection(config=config)
        self._reader = reader
        self._writer = writer
        self._request = request
        self._headers: asyncio.Future[tuple[int, list[tuple[str, str]]]] = (
            asyncio.get_running_loop().create_future()
        )
        self._data: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        self._window = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> tuple[int, list[tuple[str, str]]]:
        self._h2.initiate_connection()
        self._h2.send_headers(self.STREAM, self._request_headers())
        await self._flush()
        self._tasks = [
            asyncio.create_task(self._read_loop()),
            asyncio.create_task(self._send_body()),
        ]
        try:
            return await self._headers
        except BaseException:
            await self.close()
            raise

    def _request_headers(self) -> list[tuple[str, str]]:
        url = self._request.url
        authority = url.netloc.decode("ascii")
        headers = [
            (":method", self._request.method),
            (":authority", authority),
            (":scheme", url.scheme),
            (":path", url.raw_path.decode("ascii")),
        ]
        for name, value in self._request.headers.multi_items():
            if name.lower() not in _CONNECTION_HEADERS:
                headers.append((name.lower(), value))
        return headers

    async def _flush(self) -> None:
        data = self._h2.data_to_send()
        if data:
            self._writer.write(data)
            await self._writer.drain()

    async def _send_body(self) -> None:
        stream = self._request.stream
        try:
            if isinstance(stream, AsyncIterable):
                async for chunk in stream:
                    await self._send_chunk(chunk)
            self._h2.end_stream(self.STREAM)
            await self._flush()
        except Exception as exc:  # the caller's events failed: the answer fails with it
            self._fail(exc)
            with contextlib.suppress(Exception):
                self._h2.reset_stream(self.STREAM)
                await self._flush()

    async def _send_chunk(self, chunk: bytes) -> None:
        while chunk:
            size = min(
                self._h2.local_flow_control_window(self.STREAM), self._h2.max_outbound_frame_size
            )
            if size <= 0:
                self._window.clear()
                await self._window.wait()
                continue
            self._h2.send_data(self.STREAM, chunk[:size])
            chunk = chunk[size:]
            await self._flush()

    async def _read_loop(self) -> None:
        try:
            while True:
                data = await self._reader.read(_READ_SIZE)
                if not data:
                    raise httpx.RemoteProtocolError("the server closed the connection")
                for event in self._h2.receive_data(data):
                    self._on_event(event)
                await self._flush()
        except Exception as exc:
            self._fail(exc)

    def _on_event(self, event: object) -> None:
        import h2.events as e

        if isinstance(event, e.ResponseReceived):
            pairs = [(str(k), str(v)) for k, v in event.headers or []]
            status = int(dict(pairs).get(":status", "0"))
            headers = [(k, v) for k, v in pairs if not k.startswith(":")]
            if not self._headers.done():
                self._headers.set_result((status, headers))
        elif isinstance(event, e.DataReceived):
            self._data.put_nowait(event.data or b"")
            self._h2.acknowledge_received_data(event.flow_controlled_length or 0, self.STREAM)
        elif isinstance(event, e.StreamEnded):
            self._data.put_nowait(None)
        elif isinstance(event, e.StreamReset):
            self._fail(
                httpx.RemoteProtocolError(f"stream reset by the server ({event.error_code})")
            )
        elif isinstance(event, e.ConnectionTerminated):
            self._fail(httpx.RemoteProtocolError("the server ended the HTTP/2 connection"))
        if isinstance(event, e.WindowUpdated | e.RemoteSettingsChanged):
            self._window.set()

    def _fail(self, error: BaseException) -> None:
        if not self._headers.done():
            self._headers.set_exception(error)
        self._data.put_nowait(error)
        self._window.set()

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._data.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                if isinstance(item, httpx.HTTPError):
                    raise item
                raise httpx.ReadError(str(item)) from item
            yield item

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._connection.chunks():
            yield chunk

    async def aclose(self) -> None:
        await self._connection.close()

"""A threaded HTTP/1.1 server on 127.0.0.1 that records requests and plays scripts.

Responses come from a queue of ``ScriptedResponse`` (``enqueue``) or, when the queue
is empty, from a handler function (``handler``); with neither, the server answers 500
so that a test which forgot to script a response fails loudly instead of hanging.

A scripted body may be a list of chunks, sent with chunked transfer encoding and an
optional delay between chunks (slow streams), and may stop after some chunks by
closing the socket (a connection dropped mid-stream).
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

__all__ = ["LoopbackServer", "RecordedRequest", "ScriptedResponse"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it: method, raw target, headers in order, body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        """Query pairs in order, percent-decoded, repeated keys kept."""
        return urllib.parse.parse_qsl(
            urllib.parse.urlsplit(self.target).query, keep_blank_values=True
        )

    def header(self, name: str) -> str | None:
        """The value of a header (case-insensitive); several values are joined by ', '."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None


@dataclass(slots=True, kw_only=True)
class ScriptedResponse:
    """What the server answers with.

    ``body`` as bytes is sent with Content-Length; as a sequence of chunks it is sent
    chunked, waiting ``chunk_delay`` seconds before each chunk. ``drop_after_chunks``
    closes the connection abruptly after that many chunks (no terminating chunk).
    """

    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    body: bytes | Sequence[bytes] = b""
    chunk_delay: float = 0.0
    drop_after_chunks: int | None = None

    @classmethod
    def json(
        cls, status: int, text: str, headers: Sequence[tuple[str, str]] = ()
    ) -> ScriptedResponse:
        return cls(
            status=status,
            headers=[("Content-Type", "application/json"), *headers],
            body=text.encode("utf-8"),
        )


Handler = Callable[[RecordedRequest], ScriptedResponse]


@dataclass
class _State:
    queue: deque[ScriptedResponse] = field(default_factory=deque)
    handler: Handler | None = None
    requests: list[RecordedRequest] = field(default_factory=list)
    connections_opened: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_response(self, request: RecordedRequest) -> ScriptedResponse:
        with self.lock:
            self.requests.append(request)
            if self.queue:
                return self.queue.popleft()
            handler = self.handler
        if handler is not None:
            return handler(request)
        return ScriptedResponse(status=500, body=b"loopback: no scripted response")


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.state.lock:
            self.server.state.connections_opened += 1

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr access log."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            headers=tuple(self.headers.items()),
            body=body,
        )
        self._send(self.server.state.next_response(request))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response: ScriptedResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if isinstance(response.body, bytes | bytearray):
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, chunk in enumerate(response.body):
            if response.drop_after_chunks is not None and index >= response.drop_after_chunks:
                self._drop_connection()
                return
            if response.chunk_delay:
                time.sleep(response.chunk_delay)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
        if response.drop_after_chunks is not None and response.drop_after_chunks <= len(
            response.body
        ):
            self._drop_connection()
            return
        self.wfile.write(b"0\r\n\r\n")

    def _drop_connection(self) -> None:
        self.wfile.flush()
        self.close_connection = True
        # Lingering off: close() sends RST, which clients see as a reset connection.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        self.connection.shutdown(socket.SHUT_RDWR)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: _State

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (a test closing a stream) is not an error here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackServer:
    """A real HTTP server on 127.0.0.1 with an ephemeral port; use as a context manager."""

    def __init__(self, handler: Handler | None = None) -> None:
        self._state = _State(handler=handler)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LoopbackServer:
        server = _Server(("127.0.0.1", 0), _RequestHandler)
        server.state = self._state
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="qsmith-loopback", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the loopback server is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def connections_opened(self) -> int:
        with self._state.lock:
            return self._state.connections_opened

    def enqueue(self, *responses: ScriptedResponse) -> None:
        with self._state.lock:
            self._state.queue.extend(responses)

    def set_handler(self, handler: Handler | None) -> None:
        with self._state.lock:
            self._state.handler = handler

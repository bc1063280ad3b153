"""A socket-level HTTP/1.1 server on 127.0.0.1 whose answers are exact bytes and timings.

``LoopbackServer`` answers through ``http.server``; this one writes what a script says,
when it says, so faults happen on the wire as they would from a real peer: a body
trickling in one byte at a time, a reset (TCP RST) before or after the status line, a
connection that goes silent, a stream cut short. Each request read from a connection
takes the next ``RawAnswer`` from the queue (or the default); every request and every
connection is recorded, so a test can count attempts and see whether any connection is
still open.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

__all__ = [
    "RawAnswer",
    "RawRequest",
    "RawSocketServer",
    "chunked",
    "http_head",
    "reset_after_headers",
    "reset_before_headers",
    "silence",
    "trickle",
]

# SO_LINGER on with a zero timeout: close() sends RST instead of FIN.
_RESET = struct.pack("ii", 1, 0)


@dataclass(frozen=True, slots=True)
class RawRequest:
    """A request as read off the socket: request line, headers, body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """What to do with one request: send ``parts`` in order, then end as ``then`` says.

    A part is bytes to send at once, or a float: seconds to wait first. ``then`` is
    ``"keep"`` (keep the connection for the next request), ``"close"`` (FIN),
    ``"reset"`` (RST) or ``"silence"`` (say nothing more until the client hangs up or
    the server stops).
    """

    parts: Sequence[bytes | float] = ()
    then: str = "keep"


def http_head(
    status: int = 200, headers: Iterable[tuple[str, str]] = (), *, length: int | None = None
) -> bytes:
    """A status line and headers; ``length`` adds Content-Length, else chunked encoding."""
    lines = [f"HTTP/1.1 {status} X"]
    lines += [f"{name}: {value}" for name, value in headers]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(pieces: Iterable[bytes], *, last: bool = True) -> bytes:
    """``pieces`` in chunked transfer encoding (with the terminating chunk when ``last``)."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p)
    return body + (b"0\r\n\r\n" if last else b"")


def trickle(
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    *,
    every: float,
    then: str = "keep",
) -> RawAnswer:
    """Headers at once, then ``body`` one byte per ``every`` seconds (one chunk per byte)."""
    parts: list[bytes | float] = [http_head(status, headers)]
    for byte in body:
        parts += [every, chunked([bytes([byte])], last=False)]
    parts.append(b"0\r\n\r\n")
    return RawAnswer(parts, then)


def reset_before_headers() -> RawAnswer:
    """Read the request, then reset the connection without a byte of answer."""
    return RawAnswer((), "reset")


def reset_after_headers(status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> RawAnswer:
    """Send the status line and headers (chunked), then reset the connection."""
    return RawAnswer((http_head(status, headers),), "reset")


def silence(headers_first: bytes | None = None) -> RawAnswer:
    """Say nothing (after ``headers_first``, when given) until the client gives up."""
    return RawAnswer((headers_first,) if headers_first else (), "silence")


@dataclass
class _State:
    queue: deque[RawAnswer] = field(default_factory=deque)
    default: RawAnswer | None = None
    requests: list[RawRequest] = field(default_factory=list)
    connections_opened: int = 0
    connections_open: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_for(self, request: RawRequest) -> RawAnswer:
        with self.lock:
            self.requests.append(request)
            if self.queue:
                return self.queue.popleft()
            if self.default is not None:
                return self.default
        body = b"raw server: no answer scripted"
        return RawAnswer((http_head(500, length=len(body)) + body,), "close")


class RawSocketServer:
    """Accepts on 127.0.0.1 (ephemeral port), one thread per connection; a context manager."""

    def __init__(self) -> None:
        self._state = _State()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    # Lifecycle -----------------------------------------------------------------
    def __enter__(self) -> RawSocketServer:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self._listener = listener
        self._stop.clear()
        self._spawn(self._accept_loop, listener)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    @property
    def url(self) -> str:
        if self._listener is None:
            raise RuntimeError("the raw socket server is not running")
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    # Scripting and inspection ----------------------------------------------------
    def enqueue(self, *answers: RawAnswer) -> None:
        with self._state.lock:
            self._state.queue.extend(answers)

    def set_default(self, answer: RawAnswer | None) -> None:
        with self._state.lock:
            self._state.default = answer

    def reset(self) -> None:
        """Forget the script and the recorded requests (connections stay counted)."""
        with self._state.lock:
            self._state.queue.clear()
            self._state.default = None
            self._state.requests.clear()

    @property
    def requests(self) -> list[RawRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def connections_opened(self) -> int:
        with self._state.lock:
            return self._state.connections_opened

    @property
    def connections_open(self) -> int:
        """Connections the server still holds open (the client has not hung up)."""
        with self._state.lock:
            return self._state.connections_open

    # Serving -----------------------------------------------------------------------
    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._state.lock:
                self._state.connections_opened += 1
                self._state.connections_open += 1
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        reader = _Reader(conn, self._stop)
        try:
            while not self._stop.is_set():
                request = reader.request()
                if request is None:
                    return
                if not self._play(conn, reader, self._state.answer_for(request)):
                    return
        except OSError:
            return
        finally:
            conn.close()
            with self._state.lock:
                self._state.connections_open -= 1

    def _play(self, conn: socket.socket, reader: _Reader, answer: RawAnswer) -> bool:
        """Play one answer; True when the connection stays open for another request."""
        for part in answer.parts:
            if isinstance(part, float | int):
                if self._stop.wait(part):
                    return False
            else:
                conn.sendall(part)
        if answer.then == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
            return False
        if answer.then == "close":
            conn.shutdown(socket.SHUT_WR)
            return False
        if answer.then == "silence":
            reader.wait_for_hangup()
            return False
        return True


class _Reader:
    """Reads requests off one connection (Content-Length or chunked bodies)."""

    def __init__(self, conn: socket.socket, stop: threading.Event) -> None:
        self._conn = conn
        self._stop = stop
        self._buffer = b""

    def _more(self) -> bool:
        """Read what has arrived; False when the client closed or the server stops."""
        while not self._stop.is_set():
            try:
                data = self._conn.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return False
            self._buffer += data
            return True
        return False

    def _until(self, marker: bytes) -> bytes | None:
        while marker not in self._buffer:
            if not self._more():
                return None
        head, _, self._buffer = self._buffer.partition(marker)
        return head

    def _exactly(self, size: int) -> bytes | None:
        while len(self._buffer) < size:
            if not self._more():
                return None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def request(self) -> RawRequest | None:
        head = self._until(b"\r\n\r\n")
        if head is None:
            return None
        line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = line.split(" ", 2)
        headers = tuple(
            (name.strip(), value.strip())
            for name, _, value in (h.partition(":") for h in header_lines)
        )
        found = RawRequest(method, target, headers, b"")
        body = self._body(found)
        return None if body is None else RawRequest(method, target, headers, body)

    def _body(self, request: RawRequest) -> bytes | None:
        if (request.header("Transfer-Encoding") or "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size_line = self._until(b"\r\n")
                if size_line is None:
                    return None
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    return b"".join(parts) if self._until(b"\r\n") is not None else None
                piece = self._exactly(size + 2)
                if piece is None:
                    return None
                parts.append(piece[:-2])
        return self._exactly(int(request.header("Content-Length") or 0))

    def wait_for_hangup(self) -> None:
        while self._more():
            self._buffer = b""

"""A fake AWS service on 127.0.0.1 for offline tests, built on ``LoopbackServer``.

It routes each request to an operation the way the protocol does (awsJson1_0 and
awsJson1_1 by the ``X-Amz-Target`` header, restJson1 by method and path template),
records it, and answers from that operation's script: first any queued faults and
responses, in order, then the operation's default response. Faults are built by the
functions below (``throttle``, ``server_error``, ``reset_connection``, ``stop_mid_stream``,
``corrupt_crc``, ``slow_bytes``, ``stall``); error bodies follow the protocol's rules.

Event stream bodies are given pre-encoded (a list of encoded messages); each message
is sent as its own chunk so the client sees message boundaries arrive separately.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.protocols import AwsJson1_0, AwsJson1_1, RestJson1
from qsmith.runtime.protocols.base import EVENT_STREAM_CONTENT_TYPE
from qsmith.runtime.protocols.base import Protocol as ProtocolClass
from qsmith.testing.loopback import LoopbackServer, RecordedRequest, ScriptedResponse

__all__ = [
    "FakeService",
    "Protocol",
    "Step",
    "corrupt_crc",
    "error_response",
    "event_stream_response",
    "fake_service_fixture",
    "flip_byte",
    "json_response",
    "reset_connection",
    "server_error",
    "slow_bytes",
    "stall",
    "stop_mid_stream",
    "throttle",
]

# A protocol's short name ("awsJson1_0"); the fake speaks the JSON protocols, and asks
# their classes for the facts it needs (content type, HTTP bindings).
Protocol = str
_SPOKEN: Mapping[str, type[ProtocolClass]] = {
    cls.short_name(): cls for cls in (AwsJson1_0, AwsJson1_1, RestJson1)
}
PROTOCOLS: tuple[Protocol, ...] = tuple(_SPOKEN)
EVENT_STREAM_TYPE = EVENT_STREAM_CONTENT_TYPE
_JSON_TYPES: Mapping[Protocol, str] = {name: cls.content_type for name, cls in _SPOKEN.items()}


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a step needs to build its answer: the request and the service's protocol."""

    request: RecordedRequest
    protocol: Protocol
    operation: str
    stop: threading.Event  # set when the service stops: stalls end early


# A step turns one request into one response (it may wait first, e.g. a stall).
Step = Callable[[StepContext], ScriptedResponse]


def _constant(response: ScriptedResponse) -> Step:
    return lambda _context: response


def json_response(document: object, *, status: int = 200) -> Step:
    """A JSON body with the protocol's content type."""
    body = json.dumps(document).encode("utf-8")
    return lambda c: ScriptedResponse(
        status=status, headers=[("Content-Type", _JSON_TYPES[c.protocol])], body=body
    )


def error_response(
    code: str,
    message: str = "",
    *,
    status: int = 400,
    namespace: str = "com.amazonaws.fake",
    extra: Mapping[str, object] | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> Step:
    """A modeled error as the protocol sends it: ``__type`` (awsJson) or
    ``x-amzn-ErrorType`` (restJson1); ``extra`` adds members such as ``reason``."""

    def build(context: StepContext) -> ScriptedResponse:
        document: dict[str, object] = {"message": message, **(extra or {})}
        wire_headers = [("Content-Type", _JSON_TYPES[context.protocol]), *headers]
        if _SPOKEN[context.protocol].http_bindings:
            wire_headers.append(("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/"))
        else:
            document = {"__type": f"{namespace}#{code}", **document}
        return ScriptedResponse(
            status=status, headers=wire_headers, body=json.dumps(document).encode("utf-8")
        )

    return build


def throttle(
    code: str = "ThrottlingException",
    message: str = "Rate exceeded",
    *,
    status: int = 429,
    reason: str | None = None,
    retry_after_ms: int | None = None,
) -> Step:
    """A throttling error; ``reason`` sets the modeled reason (e.g. MONTHLY_REQUEST_COUNT)."""
    headers = [] if retry_after_ms is None else [("x-amz-retry-after", str(retry_after_ms))]
    extra = {} if reason is None else {"reason": reason}
    return error_response(code, message, status=status, extra=extra, headers=headers)


def server_error(
    status: int = 500, code: str = "InternalServerException", message: str = "internal error"
) -> Step:
    return error_response(code, message, status=status)


def reset_connection() -> Step:
    """Send the status line and headers, then reset the connection (TCP RST)."""
    return _constant(ScriptedResponse(status=200, body=[b"{}"], drop_after_chunks=0))


def event_stream_response(
    messages: Sequence[bytes],
    *,
    chunk_delay: float = 0.0,
    headers: Sequence[tuple[str, str]] = (),
) -> Step:
    """A 200 event stream: each pre-encoded message is one chunk.

    ``headers`` are added to the answer: under restJson1 they carry the output's other
    members (``qsmith.testing.event_streams.event_stream_headers``).
    """
    return _constant(
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE), *headers],
            body=list(messages),
            chunk_delay=chunk_delay,
        )
    )


def stop_mid_stream(messages: Sequence[bytes], *, after: int) -> Step:
    """An event stream cut off (connection reset) after ``after`` messages."""
    return _constant(
        ScriptedResponse(
            status=200,
            headers=[("Content-Type", EVENT_STREAM_TYPE)],
            body=list(messages),
            drop_after_chunks=after,
        )
    )


def flip_byte(data: bytes, index: int = -1) -> bytes:
    """``data`` with one byte inverted (default: the last, a message CRC's low byte)."""
    position = index % len(data)
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


def corrupt_crc(messages: Sequence[bytes], *, message: int = 0, index: int = -1) -> Step:
    """An event stream whose message number ``message`` has one byte flipped."""
    corrupted = list(messages)
    corrupted[message] = flip_byte(corrupted[message], index)
    return event_stream_response(corrupted)


def slow_bytes(body: bytes, *, chunk_size: int = 1, delay: float = 0.01) -> Step:
    """``body`` in ``chunk_size`` pieces, each after ``delay`` seconds."""
    chunks = [body[i : i + chunk_size] for i in range(0, len(body), chunk_size)] or [b""]
    return _constant(ScriptedResponse(status=200, body=chunks, chunk_delay=delay))


def stall(seconds: float, then: Step | None = None) -> Step:
    """Say nothing for ``seconds`` (or until the service stops), then answer ``then``."""

    def build(context: StepContext) -> ScriptedResponse:
        context.stop.wait(seconds)
        if then is not None:
            return then(context)
        return ScriptedResponse(status=200, body=b"{}")

    return build


@dataclass(slots=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    operation: str


@dataclass(slots=True)
class _Operation:
    queue: deque[Step] = field(default_factory=deque)
    default: Step | None = None
    requests: list[RecordedRequest] = field(default_factory=list)


class FakeService:
    """A scripted fake of one service; use as a context manager.

    ``target_prefix`` is the awsJson ``X-Amz-Target`` prefix (``Service.Operation``); when
    None any prefix is accepted. restJson1 routes are added with ``route``.
    """

    def __init__(self, protocol: Protocol, *, target_prefix: str | None = None) -> None:
        if protocol not in PROTOCOLS:
            raise ConfigError(f"unknown protocol {protocol!r}; expected one of {PROTOCOLS}")
        self.protocol: Protocol = protocol
        self.target_prefix = target_prefix
        self._routes: list[_Route] = []
        self._operations: dict[str, _Operation] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._request_ids = itertools.count(1)
        self._server = LoopbackServer(handler=self._dispatch)

    # Lifecycle -----------------------------------------------------------------
    def __enter__(self) -> FakeService:
        self._stop.clear()
        self._server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()  # release stalled handlers before the server joins them
        self._server.stop()

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def connections_opened(self) -> int:
        return self._server.connections_opened

    # Scripting -----------------------------------------------------------------
    def route(self, method: str, path_template: str, operation: str) -> None:
        """restJson1: ``route("POST", "/conversations/{id}", "SendMessage")``."""
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path_template))
        self._routes.append(_Route(method.upper(), re.compile(f"^{regex}$"), operation))

    def respond(self, operation: str, *steps: Step | ScriptedResponse) -> None:
        """Queue answers for the next calls of ``operation``, in order."""
        with self._lock:
            queue = self._operation(operation).queue
            queue.extend(_as_step(s) for s in steps)

    def inject(self, operation: str, fault: Step, *, times: int = 1) -> None:
        """Queue ``fault`` for the next ``times`` calls of ``operation``."""
        self.respond(operation, *([fault] * times))

    def set_default(self, operation: str, step: Step | ScriptedResponse) -> None:
        """The answer once the queue of ``operation`` is empty."""
        with self._lock:
            self._operation(operation).default = _as_step(step)

    def reset(self) -> None:
        """Forget every script and recorded call, and release stalled requests."""
        self._stop.set()
        with self._lock:
            self._operations.clear()
        self._stop.clear()

    # Inspection ----------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return self._server.requests

    def calls(self, operation: str) -> list[RecordedRequest]:
        with self._lock:
            return list(self._operation(operation).requests)

    def attempts(self, operation: str) -> int:
        return len(self.calls(operation))

    # Dispatch ------------------------------------------------------------------
    def _operation(self, name: str) -> _Operation:
        return self._operations.setdefault(name, _Operation())

    def _dispatch(self, request: RecordedRequest) -> ScriptedResponse:
        name = self._operation_name(request)
        if name is None:
            step = error_response("UnknownOperationException", "no such operation", status=404)
            return step(StepContext(request, self.protocol, "", self._stop))
        with self._lock:
            operation = self._operation(name)
            operation.requests.append(request)
            scripted = operation.queue.popleft() if operation.queue else operation.default
        step = scripted or error_response(
            "NotScripted", f"no response scripted for {name}", status=501
        )
        response = step(StepContext(request, self.protocol, name, self._stop))
        request_id = f"fake-{next(self._request_ids):08d}"
        # A copy: a scripted default is the same object on every call.
        headers = [*response.headers, ("x-amzn-RequestId", request_id)]
        return dataclasses.replace(response, headers=headers)

    def _operation_name(self, request: RecordedRequest) -> str | None:
        if _SPOKEN[self.protocol].http_bindings:
            for route in self._routes:
                if route.method == request.method and route.pattern.match(request.path):
                    return route.operation
            return None
        target = request.header("X-Amz-Target")
        if not target or "." not in target:
            return None
        prefix, _, operation = target.rpartition(".")
        if self.target_prefix is not None and prefix != self.target_prefix:
            return None
        return operation


def _as_step(step: Step | ScriptedResponse) -> Step:
    return _constant(step) if isinstance(step, ScriptedResponse) else step


def fake_service_fixture(
    protocol: Protocol,
    *,
    name: str = "fake_service",
    target_prefix: str | None = None,
    setup: Callable[[FakeService], None] | None = None,
) -> Any:
    """A pytest fixture (assign it to a module-level name) yielding a running FakeService.

    ``fake = fake_service_fixture("awsJson1_0", target_prefix="MyService")``
    """
    import pytest

    def fixture() -> Iterator[FakeService]:
        with FakeService(protocol, target_prefix=target_prefix) as service:
            if setup is not None:
                setup(service)
            yield service

    fixture.__name__ = name
    return pytest.fixture(name=name)(fixture)

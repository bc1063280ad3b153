"""Test doubles shipped with qsmith, so users can test their own code offline.

``LoopbackServer`` is a real HTTP/1.1 server on 127.0.0.1 that records every request
and answers from scripted responses. ``FakeService`` builds on it: protocol-aware
routing, per-operation scripts and fault injection. ``RawSocketServer`` writes exact
bytes at exact times (trickles, TCP resets before or after the headers, silences).
"""

from qsmith.testing.fake_service import (
    FakeService,
    corrupt_crc,
    error_response,
    event_stream_response,
    fake_service_fixture,
    flip_byte,
    json_response,
    reset_connection,
    server_error,
    slow_bytes,
    stall,
    stop_mid_stream,
    throttle,
)
from qsmith.testing.loopback import LoopbackServer, RecordedRequest, ScriptedResponse
from qsmith.testing.raw_server import RawAnswer, RawRequest, RawSocketServer

__all__ = [
    "FakeService",
    "LoopbackServer",
    "RawAnswer",
    "RawRequest",
    "RawSocketServer",
    "RecordedRequest",
    "ScriptedResponse",
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

"""Encoding chat-sized event stream messages: qsmith's ``encode_message`` beside a minimal
hand-written encoder, in the same run.

Workload: messages as a chat service sends them (``:message-type`` event,
``:event-type`` assistantResponseEvent, ``:content-type`` application/json; a JSON payload
of about 60 bytes, each different). Baseline: the least an encoder can do with the standard
library: the three string headers packed with ``struct``, the prelude and message CRC32s
from ``zlib.crc32``, and no checks. Printed beside it, not a target: a service-specific
encoder that packs one header section per event type and reuses it. qsmith's encoder also validates names, value types and
lengths; its header cache (issue 21) makes a repeated header section cost one lookup.

Printed: messages/s of each and the ratio qsmith / baseline (target: at least 1.0x), with
the header cache on and off. Both outputs are compared byte for byte first.

Run: ``.venv/bin/python benchmarks/eventstream_encode.py [count]``.
"""

from __future__ import annotations

import struct
import sys
import time
import zlib
from collections.abc import Callable
from unittest import mock

from qsmith.runtime.eventstream import HeaderValue, Message, encode_message
from qsmith.runtime.eventstream import headers as header_codec

TARGET = 1.0
_PRELUDE = struct.Struct(">II")
_CRC = struct.Struct(">I")


def _string_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (
        bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    )


_SECTIONS: dict[HeaderValue, bytes] = {}


def minimal_encode(headers: dict[str, HeaderValue], payload: bytes) -> bytes:
    section = b"".join(_string_header(name, str(value)) for name, value in headers.items())
    return _frame(section, payload)


def service_encode(headers: dict[str, HeaderValue], payload: bytes) -> bytes:
    # A service-specific encoder knows its header sections: one per event type.
    section = _SECTIONS.get(headers[":event-type"])
    if section is None:
        section = b"".join(_string_header(name, str(value)) for name, value in headers.items())
        _SECTIONS[headers[":event-type"]] = section
    return _frame(section, payload)


def _frame(section: bytes, payload: bytes) -> bytes:
    prelude = _PRELUDE.pack(16 + len(section) + len(payload), len(section))
    prelude += _CRC.pack(zlib.crc32(prelude))
    body = prelude + section + payload
    return body + _CRC.pack(zlib.crc32(body))


def workload(count: int) -> list[tuple[dict[str, HeaderValue], bytes]]:
    headers: dict[str, HeaderValue] = {
        ":message-type": "event",
        ":event-type": "assistantResponseEvent",
        ":content-type": "application/json",
    }
    return [
        (dict(headers), b'{"content":"token %d of the answer, chat sized"}' % index)
        for index in range(count)
    ]


def ours(messages: list[tuple[dict[str, HeaderValue], bytes]]) -> list[bytes]:
    return [encode_message(Message(headers, payload)) for headers, payload in messages]


def theirs(messages: list[tuple[dict[str, HeaderValue], bytes]]) -> list[bytes]:
    return [minimal_encode(headers, payload) for headers, payload in messages]


def service(messages: list[tuple[dict[str, HeaderValue], bytes]]) -> list[bytes]:
    return [service_encode(headers, payload) for headers, payload in messages]


def race(data: list[tuple[dict[str, HeaderValue], bytes]], rounds: int = 15) -> dict[str, float]:
    """Best time of each contender; rounds interleave them (fair on a busy machine)."""
    contenders: dict[str, Callable[[], object]] = {
        "baseline": lambda: theirs(data),
        "service": lambda: service(data),
        "cached": lambda: ours(data),
        "uncached": lambda: _uncached(data),
    }
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, encode in contenders.items():
            start = time.perf_counter()
            encode()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def _uncached(data: list[tuple[dict[str, HeaderValue], bytes]]) -> list[bytes]:
    with (
        mock.patch.object(header_codec, "_ENCODED", {}),
        mock.patch.object(header_codec, "_ENCODED_MAX_ENTRIES", 0),
    ):
        return ours(data)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    data = workload(count)
    if not ours(data) == theirs(data) == service(data):
        print("the encoders disagree: nothing to compare")
        return 1
    times = race(data)
    baseline, cached, uncached = times["baseline"], times["cached"], times["uncached"]
    fixed = times["service"]
    print(f"{count:,} chat-sized messages, best of 15 interleaved rounds")
    print(f"  minimal encoder (baseline)  {count / baseline:10,.0f} messages/s")
    print(f"  qsmith, header cache        {count / cached:10,.0f} messages/s"
          f"  ratio {baseline / cached:.2f}x")  # fmt: skip
    print(f"  qsmith, header cache off    {count / uncached:10,.0f} messages/s"
          f"  ratio {baseline / uncached:.2f}x")  # fmt: skip
    print(f"  (a service-specific encoder reusing one header section per event type: "
          f"{count / fixed:,.0f} messages/s; qsmith {fixed / cached:.2f}x of it)")  # fmt: skip
    met = baseline / cached >= TARGET
    print(f"  target >= {TARGET}x: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Event stream decoding speed: qsmith's MessageDecoder against botocore's EventStreamBuffer.

Workloads (built deterministically, encoded once, not timed):
  (a) 100k distinct chat-like events: ``:message-type``/``:event-type``/``:content-type``
      string headers and a ~120-byte JSON payload, each payload different;
  (b) 2k events carrying 64 KiB payloads.
Each workload is fed to both decoders in two chunkings: one message per chunk (a live
stream, each event flushed on its own) and 16 KiB reads (TLS records; big messages then
straddle chunks). Decoding is complete on both sides: every header parsed into a dict,
every payload materialized as bytes. Before timing, the outputs of both decoders are
asserted equal on the same bytes.

Printed per run: MB/s for qsmith, for botocore, and for ``zlib.crc32`` over the same
bytes (the ceiling: every byte must be checksummed), and the ratios. qsmith also runs
with its header-section cache switched off, so the parser's own speed is visible.
Targets (issue 3): >= 2x botocore on (a), >= 1x on (b).

    .venv/bin/python benchmarks/eventstream.py [--repeat N] [--small N] [--large N]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from botocore.eventstream import EventStreamBuffer

from qsmith.runtime.eventstream import Message, MessageDecoder, encode_message
from qsmith.runtime.eventstream import decoder as decoder_module

TLS_READ = 16 * 1024
WORDS = [
    "the",
    "a",
    "to",
    "of",
    "and",
    "in",
    "is",
    "it",
    "you",
    "that",
    "for",
    "this",
    "with",
    "on",
    "be",
    "can",
    "use",
    "function",
    "value",
    "list",
    "return",
    "file",
    "code",
    "python",
    "error",
    "test",
    "class",
    "import",
    "string",
    "data",
    "type",
    "name",
    "call",
    "loop",
]


@dataclass
class Workload:
    name: str
    frames: list[bytes]

    @property
    def stream(self) -> bytes:
        return b"".join(self.frames)

    def chunkings(self) -> dict[str, list[bytes]]:
        stream = self.stream
        reads = [stream[i : i + TLS_READ] for i in range(0, len(stream), TLS_READ)]
        return {"one message per chunk": self.frames, "16 KiB reads": reads}


def chat_events(count: int) -> Workload:
    rng = random.Random(3)
    frames = []
    for i in range(count):
        words = " ".join(rng.choice(WORDS) for _ in range(16))
        payload = json.dumps({"content": f"{words} #{i}"}).encode()
        headers = {
            ":event-type": "assistantResponseEvent",
            ":content-type": "application/json",
            ":message-type": "event",
        }
        frames.append(encode_message(Message(headers, payload)))  # type: ignore[arg-type]
    return Workload(f"(a) {count:,} chat events", frames)


def large_events(count: int, size: int = 64 * 1024) -> Workload:
    rng = random.Random(4)
    frames = []
    for i in range(count):
        headers = {
            ":event-type": "toolResultChunk",
            ":content-type": "application/octet-stream",
            ":message-type": "event",
        }
        frames.append(encode_message(Message(headers, rng.randbytes(size))))  # type: ignore[arg-type]
        del i
    return Workload(f"(b) {count:,} events of {size // 1024} KiB", frames)


Decoded = list[tuple[dict[str, object], bytes]]


def decode_ours(chunks: list[bytes]) -> Decoded:
    decoder = MessageDecoder()
    out = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    decoder.finish()
    return [(m.headers, m.payload) for m in out]  # type: ignore[misc]


def decode_botocore(chunks: list[bytes]) -> Decoded:
    buffer = EventStreamBuffer()
    out = []
    for chunk in chunks:
        buffer.add_data(chunk)
        out.extend(buffer)
    return [(m.headers, m.payload) for m in out]


# The timed runs consume messages the way a client does, one at a time, touching the
# headers and the payload, so that neither side is timed holding 100+ MB of results
# (that would time the allocator's page faults instead of the decoders).


def consume_ours(chunks: list[bytes]) -> tuple[int, int]:
    decoder = MessageDecoder()
    count = size = 0
    for chunk in chunks:
        for message in decoder.feed(chunk):
            count += len(message.headers)
            size += len(message.payload)
    decoder.finish()
    return count, size


def consume_botocore(chunks: list[bytes]) -> tuple[int, int]:
    buffer = EventStreamBuffer()
    count = size = 0
    for chunk in chunks:
        buffer.add_data(chunk)
        for message in buffer:
            count += len(message.headers)
            size += len(message.payload)
    return count, size


@contextmanager
def header_cache_off() -> Iterator[None]:
    saved = decoder_module._CACHE_MAX_KEY
    decoder_module._CACHE_MAX_KEY = -1
    try:
        yield
    finally:
        decoder_module._CACHE_MAX_KEY = saved


def race(
    contenders: dict[str, Callable[[], object]], repeat: int
) -> tuple[dict[str, float], dict[str, object]]:
    """Best time of each contender over ``repeat`` interleaved rounds (so that load
    from other processes hits all of them alike), and each one's output."""
    best = dict.fromkeys(contenders, float("inf"))
    outputs: dict[str, object] = {}
    for _ in range(repeat):
        for name, run in contenders.items():
            gc.collect()
            start = time.perf_counter()
            outputs[name] = run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, outputs


def without_header_cache(chunks: list[bytes]) -> tuple[int, int]:
    with header_cache_off():
        return consume_ours(chunks)


def measure(workload: Workload, repeat: int) -> list[tuple[str, float, float]]:
    """(chunking, qsmith / botocore, same with the cache off) for each chunking."""
    stream = workload.stream
    megabytes = len(stream) / 1e6
    print(f"\n{workload.name}: {len(workload.frames):,} messages, {megabytes:.1f} MB")
    ratios = []
    for label, chunks in workload.chunkings().items():
        # Same bytes, same chunks: the decoded messages must be equal, all of them.
        ours = decode_ours(chunks)
        assert len(ours) == len(workload.frames)
        assert ours == decode_botocore(chunks), f"outputs differ: {workload.name}, {label}"
        with header_cache_off():
            assert decode_ours(chunks) == ours
        totals = (sum(len(h) for h, _ in ours), sum(len(p) for _, p in ours))
        del ours
        times, outputs = race(
            {
                "qsmith": lambda chunks=chunks: consume_ours(chunks),
                "qsmith, header cache off": lambda chunks=chunks: without_header_cache(chunks),
                "botocore EventStreamBuffer": lambda chunks=chunks: consume_botocore(chunks),
                "zlib.crc32 (ceiling)": lambda: zlib.crc32(stream),
            },
            repeat,
        )
        assert outputs["qsmith"] == outputs["botocore EventStreamBuffer"] == totals
        print(f"  {label} ({len(chunks):,} chunks); qsmith's output equals botocore's:")
        for name, seconds in times.items():
            print(f"    {name:<28} {megabytes / seconds:8.1f} MB/s")
        boto = times["botocore EventStreamBuffer"]
        ratio, plain = boto / times["qsmith"], boto / times["qsmith, header cache off"]
        ceiling = times["zlib.crc32 (ceiling)"] / times["qsmith"]
        print(
            f"    qsmith / botocore = {ratio:.2f}x (cache off {plain:.2f}x); "
            f"qsmith runs at {ceiling:.0%} of crc32's speed"
        )
        ratios.append((label, ratio, plain))
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds for (a) (default 3)")
    parser.add_argument("--small", type=int, default=100_000, help="events in (a)")
    parser.add_argument("--large", type=int, default=2_000, help="events in (b)")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (2 or more makes noise)")
    # (b) runs are short, so it gets more rounds for the same noise.
    targets = [
        (chat_events(args.small), 2.0, args.repeat),
        (large_events(args.large), 1.0, args.repeat * 2 + 1),
    ]
    verdicts = []
    for workload, target, repeat in targets:
        for label, ratio, plain in measure(workload, repeat):
            met = "met" if ratio >= target else "NOT met"
            verdicts.append(
                f"  {workload.name}, {label}: {ratio:.2f}x (cache off {plain:.2f}x), "
                f"target {target:.0f}x {met}"
            )
    print("\nSummary (qsmith / botocore):")
    print("\n".join(verdicts))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

"""Fuzz the event stream decoder and the typed event layer of a real generated client.

Each input is a stream of codewhisperer-streaming ``GenerateAssistantResponse`` answers
(awsJson1_0 or restJson1): valid frames built from the operation's schema (every member
of ``ChatResponseStream``, its exception member, unknown events, ``error`` messages, the
``initial-response``), then mutated. Mutations come in two kinds: on the bytes (bit flips,
byte overwrites, truncation, splices, huge or tiny prelude lengths, each also with the
checksums recomputed so the damage reaches the header parser) and on the messages
(random headers of every type, type-confused JSON members, deeply nested JSON, invalid
UTF-8, big payloads), re-encoded with valid checksums so they reach the typed layer.

Every input is fed in random chunks to ``MessageDecoder`` and each message it yields is
decoded by ``StreamDecoding`` (the class the generated clients' streams use: Smithy event
semantics, JSON payloads into the generated classes, initial-response rules). Any
exception that is not a ``QsmithError`` is *foreign*: it is counted and its reproducer
(seed, input index, the input's bytes as hex) is written to ``--out``.

Printed: inputs/s and messages decoded/s for this run, the per-exception-class tally and
the foreign count. The baseline named in the same run is the decoder alone on the same
inputs (no typed layer), so the ratio shows what the typed layer costs.

    .venv/bin/python benchmarks/fuzz_eventstream.py [--seconds 600] [--seed N] [--out DIR]

Exit status 1 when a foreign exception was found.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import struct
import sys
import time
import traceback
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from qsmith.clients.codewhisperer_streaming import Client
from qsmith.clients.codewhisperer_streaming import _schema as streaming_schema
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.client.events import StreamDecoding
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.eventstream import Message, MessageDecoder, encode_message
from qsmith.runtime.eventstream.headers import Byte, HeaderValue, Long, Short, Timestamp
from qsmith.runtime.schema import Schema, ShapeType
from qsmith.runtime.serde.json import MAX_JSON_DEPTH

OPERATION = streaming_schema.GENERATE_ASSISTANT_RESPONSE_OPERATION
PROTOCOLS = ("aws.protocols#awsJson1_0", "aws.protocols#restJson1")
CONVERSATION_HEADER = "x-amzn-codewhisperer-conversation-id"


# ------------------------------------------------------------------ valid material


def random_json(schema: Schema, rng: random.Random, *, json_names: bool, depth: int = 0) -> Any:
    """A JSON value of ``schema``'s shape (wire keys), occasionally of the wrong type."""
    if rng.random() < 0.03:
        return rng.choice([None, 1, -1.5, "x", True, [], {}, "\ud800", 2**70])
    kind = schema.type
    if kind in (ShapeType.STRUCTURE, ShapeType.UNION):
        if depth > 6:
            return {}
        members = list(schema.members.values())
        if kind is ShapeType.UNION and members:
            members = [rng.choice(members)]
        out = {}
        for member in members:
            if kind is ShapeType.UNION or member.required or rng.random() < 0.5:
                key = member.wire_name if json_names else member.name
                out[key] = random_json(member.target, rng, json_names=json_names, depth=depth + 1)
        return out
    if kind is ShapeType.LIST:
        inner = schema.member("member").target
        return [
            random_json(inner, rng, json_names=json_names, depth=depth + 1)
            for _ in range(rng.randrange(3))
        ]
    if kind is ShapeType.MAP:
        inner = schema.member("value").target
        return {
            f"k{i}": random_json(inner, rng, json_names=json_names, depth=depth + 1)
            for i in range(rng.randrange(3))
        }
    return _scalar(kind, rng, depth)


def _scalar(kind: ShapeType, rng: random.Random, depth: int) -> Any:
    if kind in (ShapeType.STRING, ShapeType.ENUM):
        return rng.choice(["", "hello", "ü€😀", "a" * rng.randrange(200), "MANUAL"])
    if kind is ShapeType.BOOLEAN:
        return rng.random() < 0.5
    if kind in (ShapeType.FLOAT, ShapeType.DOUBLE, ShapeType.BIG_DECIMAL):
        return rng.choice([0.5, -1e308, 3, "NaN", "Infinity", "-Infinity", "1e999"])
    if kind is ShapeType.TIMESTAMP:
        return rng.choice([0, 1.7e9, -1e20, 1e20, "2024-01-01T00:00:00Z", "bad"])
    if kind is ShapeType.BLOB:
        return rng.choice(["aGVsbG8=", "", "!!notbase64", "YQ"])
    if kind is ShapeType.DOCUMENT:
        return rng.choice([None, 1, "s", [1, {"a": None}], {"x": [True]}, nested(depth % 50)])
    return rng.choice([0, 1, -(2**31), 2**63, 2**200])


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def event_message(rng: random.Random, protocol: str) -> Message:
    """One valid-looking message: an event of any member, an exception, unknown or error."""
    union = OPERATION.output.member(_stream_member_name()).target
    json_names = protocol.endswith("restJson1")
    roll = rng.random()
    if roll < 0.05:
        return Message(
            {":message-type": "error", ":error-code": "Boom", ":error-message": "bad"}, b""
        )
    if roll < 0.10:
        headers: dict[str, HeaderValue] = {":message-type": "event", ":event-type": "novel"}
        return Message(headers, b'{"a":1}')
    member = rng.choice(list(union.members.values()))
    payload = json.dumps(random_json(member.target, rng, json_names=json_names)).encode()
    is_error = member.target.error is not None
    type_header = ":exception-type" if is_error else ":event-type"
    headers = {
        ":message-type": "exception" if is_error else "event",
        type_header: member.name,
        ":content-type": "application/json",
    }
    return Message(headers, payload)


def initial_message(rng: random.Random) -> Message:
    body: dict[str, object] = {} if rng.random() < 0.1 else {"conversationId": "c-1"}
    headers: dict[str, HeaderValue] = {
        ":message-type": "event",
        ":event-type": "initial-response",
        ":content-type": "application/json",
    }
    return Message(headers, json.dumps(body).encode())


def _stream_member_name() -> str:
    member = OPERATION.streaming_member("output")
    assert member is not None
    return member.name


# -------------------------------------------------------------------- mutations


def _recrc(frame: bytearray) -> bytes:
    """Recompute both checksums of one frame whose prelude says its own length."""
    if len(frame) >= 16:
        struct.pack_into(">I", frame, 8, zlib.crc32(frame[:8]))
        struct.pack_into(">I", frame, len(frame) - 4, zlib.crc32(frame[:-4]))
    return bytes(frame)


def flip_bits(frame: bytes, rng: random.Random) -> bytes:
    data = bytearray(frame)
    for _ in range(rng.randrange(1, 4)):
        index = rng.randrange(len(data))
        data[index] ^= 1 << rng.randrange(8)
    return _recrc(data) if rng.random() < 0.5 else bytes(data)


def overwrite_bytes(frame: bytes, rng: random.Random) -> bytes:
    data = bytearray(frame)
    for _ in range(rng.randrange(1, 6)):
        data[rng.randrange(len(data))] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    return _recrc(data) if rng.random() < 0.7 else bytes(data)


def truncate(frame: bytes, rng: random.Random) -> bytes:
    return frame[: rng.randrange(len(frame))]


def huge_lengths(frame: bytes, rng: random.Random) -> bytes:
    data = bytearray(frame)
    total = rng.choice([0, 15, 16, 17, 2**31 - 1, 2**32 - 1, 16 * 2**20 + 1, len(frame) + 1])
    headers = rng.choice([0, 1, 2**16, 2**31, 2**32 - 1, len(frame)])
    which = rng.randrange(3)
    if which != 1:
        struct.pack_into(">I", data, 0, total)
    if which != 0:
        struct.pack_into(">I", data, 4, headers)
    struct.pack_into(">I", data, 8, zlib.crc32(data[:8]))
    return bytes(data)


def random_headers(message: Message, rng: random.Random) -> Message:
    headers = dict(message.headers)
    for _ in range(rng.randrange(1, 4)):
        name = rng.choice(
            [
                ":message-type",
                ":event-type",
                ":exception-type",
                ":content-type",
                ":error-code",
                ":error-message",
                "x",
                "conversationId",
                "é" * 3,
            ]
        )
        headers[name] = rng.choice(_header_values(rng))
    if rng.random() < 0.2 and headers:
        headers.pop(rng.choice(list(headers)))
    return Message(headers, message.payload)


def _header_values(rng: random.Random) -> list[HeaderValue]:
    return [
        True,
        False,
        Byte(-1),
        Short(300),
        7,
        Long(-(2**63)),
        b"\x00\xff",
        "event",
        "exception",
        "error",
        "initial-response",
        "assistantResponseEvent",
        "",
        Timestamp(rng.choice([0, 2**62, -(2**62)])),
        uuid.UUID(int=rng.getrandbits(128)),
    ]


def nasty_payload(message: Message, rng: random.Random) -> Message:
    depth = rng.choice([MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 1000, 50_000])
    opener = rng.choice([b"[", b'{"a":', b'{"content":['])
    choices = [
        opener * depth,
        b"[" * depth + b"]" * depth,
        b'{"content":' + b"[" * depth + b"]" * depth + b"}",
        b"\xff\xfe\x00",
        b'{"content": 5, "modelId": {}}',
        b"null",
        b"[]",
        b'"string"',
        b'{"content":"' + b"x" * 200_000 + b'"}',
        b'{"a":' + b"1" * 5000 + b"}",
        b'{"message":' + b"[" * depth + b"]" * depth + b"}",
        b'{"conversationId":' + b"{" * depth,
        b"\x00" * rng.randrange(64),
    ]
    return Message(message.headers, rng.choice(choices))


def splice(frames: list[bytes], rng: random.Random) -> list[bytes]:
    blob = b"".join(frames)
    cut = rng.randrange(len(blob) + 1)
    other = rng.randrange(len(blob) + 1)
    return [blob[:cut] + blob[other:]]


# ------------------------------------------------------------------------ inputs


@dataclass
class Case:
    protocol: str
    frames: list[bytes]
    conversation_header: bool


def build_case(rng: random.Random) -> Case:
    protocol = rng.choice(PROTOCOLS)
    messages = []
    if protocol.endswith("awsJson1_0") and rng.random() < 0.9:
        messages.append(initial_message(rng))
    messages.extend(event_message(rng, protocol) for _ in range(rng.randrange(1, 5)))
    message_mutators: list[Callable[[Message, random.Random], Message]] = [
        random_headers,
        nasty_payload,
    ]
    frames = []
    for message in messages:
        mutated = rng.choice(message_mutators)(message, rng) if rng.random() < 0.3 else message
        try:
            frames.append(encode_message(mutated))
        except QsmithError:  # a mutation the encoder refuses (too long): send it unmutated
            frames.append(encode_message(message))
    byte_mutators: list[Callable[[bytes, random.Random], bytes]] = [
        flip_bits,
        overwrite_bytes,
        truncate,
        huge_lengths,
    ]
    if rng.random() < 0.4:
        index = rng.randrange(len(frames))
        frames[index] = rng.choice(byte_mutators)(frames[index], rng)
    if rng.random() < 0.05:
        frames = splice(frames, rng)
    return Case(protocol, frames, conversation_header=rng.random() < 0.9)


def chunks(data: bytes, rng: random.Random) -> list[bytes]:
    out, position = [], 0
    while position < len(data):
        size = rng.choice([1, 7, 64, 4096, len(data)])
        out.append(data[position : position + size])
        position += size
    return out


# ------------------------------------------------------------------------ running


class Runner:
    def __init__(self) -> None:
        self.cores = {
            protocol: Client(
                region="us-east-1",
                config=ClientConfig(token="t", protocol=protocol.split("#")[1]),
            )._core
            for protocol in PROTOCOLS
        }
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.messages = 0

    def run(self, case: Case, data: bytes, rng: random.Random, *, typed: bool) -> None:
        """Decode one input; QsmithErrors are the expected outcome of bad input."""
        try:
            self._decode(case, data, rng, typed=typed)
            outcome = "ok"
        except QsmithError as error:
            outcome = type(error).__name__
        if typed:
            self.outcomes[outcome] += 1

    def _decode(self, case: Case, data: bytes, rng: random.Random, *, typed: bool) -> None:
        decoding = None
        if typed:
            headers = [(CONVERSATION_HEADER, "c-1")] if case.conversation_header else []
            decoding = StreamDecoding(
                self.cores[case.protocol], OPERATION, 200, httpx.Headers(headers)
            )
        decoder = MessageDecoder()
        for chunk in chunks(data, rng):
            for message in decoder.feed(chunk):
                self.messages += typed
                if decoding is not None:
                    decoding.decode(message)
        decoder.finish()
        if decoding is not None:
            decoding.output()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget (make bench: 10)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", default="fuzz-eventstream-findings", help="reproducer dir")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    runner = Runner()
    foreign: list[str] = []
    typed_time = bare_time = 0.0
    inputs = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        case = build_case(rng)
        data = b"".join(case.frames)
        split_seed = rng.randrange(2**32)
        started = time.perf_counter()
        try:
            runner.run(case, data, random.Random(split_seed), typed=True)
        except Exception as error:  # a foreign exception: finding these is the point
            foreign.append(_report(args.out, seed, inputs, case, data, split_seed, error))
        middle = time.perf_counter()
        try:
            runner.run(case, data, random.Random(split_seed), typed=False)
        except Exception as error:
            foreign.append(_report(args.out, seed, inputs, case, data, split_seed, error))
        bare_time += time.perf_counter() - middle
        typed_time += middle - started
        inputs += 1
    _print_summary(seed, inputs, runner, typed_time, bare_time, foreign)
    return 1 if foreign else 0


def _report(
    out: str, seed: int, index: int, case: Case, data: bytes, split_seed: int, error: BaseException
) -> str:
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"foreign-{seed}-{index}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "seed": seed,
                "input": index,
                "protocol": case.protocol,
                "conversation_header": case.conversation_header,
                "chunk_seed": split_seed,
                "hex": data.hex(),
                "exception": "".join(traceback.format_exception(error)),
            },
            handle,
            indent=1,
        )
    print(f"FOREIGN {type(error).__name__}: {error!s:.200} -> {path}", file=sys.stderr)
    return path


def _print_summary(
    seed: int,
    inputs: int,
    runner: Runner,
    typed_time: float,
    bare_time: float,
    foreign: list[str],
) -> None:
    typed_rate = inputs / typed_time if typed_time else 0.0
    bare_rate = inputs / bare_time if bare_time else 0.0
    print(f"seed {seed}: {inputs} inputs, {runner.messages} messages through the typed layer")
    print(f"decoder + typed event layer: {typed_rate:,.0f} inputs/s")
    print(f"baseline, decoder alone on the same inputs: {bare_rate:,.0f} inputs/s")
    if typed_rate:
        print(
            f"ratio (decoder + typed layer time / decoder-alone time): {bare_rate / typed_rate:.2f}x"
        )
    print("outcomes:")
    for name, count in runner.outcomes.most_common():
        print(f"  {count:>9}  {name}")
    print(f"foreign exceptions: {len(foreign)}")


if __name__ == "__main__":
    sys.exit(main())

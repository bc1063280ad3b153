"""``qsmith eventstream``: look inside captured event streams, and make new ones.

``decode`` prints one JSON object per message, on its own line, as soon as the message
is complete::

    {"headers": {":event-type": {"type": "string", "value": "chunk"}}, "payload": "hi"}

The payload is text when it is valid UTF-8 and ``{"base64": "..."}`` otherwise. Header
types are named ``bool_true bool_false byte short integer long byte_array string
timestamp uuid``; byte arrays are base64, timestamps are epoch milliseconds, uuids are
canonical strings. On a corrupt or truncated stream the messages before the fault are
printed, then the error (with message index and byte offset) on stderr, and the exit
status is 1. ``encode`` reads the same lines and writes the frames.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
import uuid
from typing import BinaryIO, NoReturn, TextIO

import click

from qsmith.runtime.eventstream import (
    Byte,
    EventStreamError,
    HeaderType,
    HeaderValue,
    Long,
    Message,
    MessageDecoder,
    Short,
    Timestamp,
    encode_message,
    header_type,
)

_READ_SIZE = 64 * 1024


@click.group()
def eventstream() -> None:
    """Decode and encode application/vnd.amazon.eventstream bytes.

    \b
    Example:
      qsmith eventstream decode capture.bin > messages.jsonl
    """


@eventstream.command()
@click.argument("source", type=click.File("rb", lazy=False), default="-")
def decode(source: BinaryIO) -> None:
    """Print each message of FILE (or - for stdin) as a JSON line.

    \b
    Example:
      qsmith eventstream decode capture.bin > messages.jsonl
    """
    decoder = MessageDecoder()
    try:
        # read1 returns what is available, so a live pipe is decoded as it arrives.
        read = getattr(source, "read1", source.read)
        while chunk := read(_READ_SIZE):
            for message in decoder.feed(chunk):
                click.echo(json.dumps(message_to_json(message), ensure_ascii=False))
            sys.stdout.flush()
        decoder.finish()
    except EventStreamError as exc:
        _fail(str(exc))


@eventstream.command()
@click.argument("source", type=click.File("r", encoding="utf-8", lazy=False), default="-")
@click.option(
    "-o",
    "--out",
    "output",
    type=click.File("wb", lazy=False),
    default="-",
    help="Where to write the frames (default: stdout).",
)
def encode(source: TextIO, output: BinaryIO) -> None:
    """Write the frames for JSON lines read from FILE (or - for stdin).

    \b
    Example:
      qsmith eventstream encode messages.jsonl -o capture.bin
    """
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            frame = encode_message(message_from_json(json.loads(line)))
        except (ValueError, EventStreamError) as exc:
            _fail(f"line {number}: {exc}")
        output.write(frame)
    output.flush()


def _fail(text: str) -> NoReturn:
    click.echo(f"error: {text}", err=True)
    sys.exit(1)


def message_to_json(message: Message) -> dict[str, object]:
    """The JSON form of a message (see the module docstring)."""
    headers = {
        name: {"type": header_type(value).name.lower(), "value": _value_to_json(value)}
        for name, value in message.headers.items()
    }
    payload: object
    try:
        payload = message.payload.decode("utf-8")
    except UnicodeDecodeError:
        payload = {"base64": base64.b64encode(message.payload).decode("ascii")}
    return {"headers": headers, "payload": payload}


def _value_to_json(value: HeaderValue) -> object:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bool | str):
        return value
    return int(value) if isinstance(value, int) else str(value)


def message_from_json(document: object) -> Message:
    """A message from its JSON form; raises ``ValueError`` saying what is wrong."""
    if not isinstance(document, dict):
        raise ValueError("each line must be a JSON object with headers and payload")
    unknown = set(document) - {"headers", "payload"}
    if unknown:
        raise ValueError(f"unexpected key(s) {sorted(unknown)}; expected headers and payload")
    raw_headers = document.get("headers", {})
    if not isinstance(raw_headers, dict):
        raise ValueError("headers must be an object of {name: {type, value}}")
    headers = {name: _header_from_json(name, spec) for name, spec in raw_headers.items()}
    return Message(headers, _payload_from_json(document.get("payload", "")))


def _payload_from_json(payload: object) -> bytes:
    if isinstance(payload, str):
        return payload.encode("utf-8")
    if isinstance(payload, dict) and set(payload) == {"base64"}:
        return _base64(payload["base64"], "payload")
    raise ValueError('payload must be a string or {"base64": "..."}')


def _header_from_json(name: str, spec: object) -> HeaderValue:
    if not isinstance(spec, dict) or set(spec) != {"type", "value"}:
        raise ValueError(f'header {name!r} must be {{"type": ..., "value": ...}}')
    type_name, value = spec["type"], spec["value"]
    try:
        kind = HeaderType[str(type_name).upper()]
    except KeyError:
        names = ", ".join(t.name.lower() for t in HeaderType)
        raise ValueError(f"header {name!r}: unknown type {type_name!r} (one of {names})") from None
    try:
        return _typed_value(kind, value)
    except (TypeError, ValueError, EventStreamError) as exc:
        raise ValueError(f"header {name!r} ({kind.name.lower()}): {exc}") from None


def _typed_value(kind: HeaderType, value: object) -> HeaderValue:
    if kind in (HeaderType.BOOL_TRUE, HeaderType.BOOL_FALSE):
        if value is not (kind is HeaderType.BOOL_TRUE):
            raise ValueError(f"value must be {str(kind is HeaderType.BOOL_TRUE).lower()}")
        return kind is HeaderType.BOOL_TRUE
    if kind is HeaderType.STRING:
        if not isinstance(value, str):
            raise ValueError("value must be a string")
        return value
    if kind is HeaderType.BYTE_ARRAY:
        return _base64(value, "value")
    if kind is HeaderType.UUID:
        return uuid.UUID(str(value))
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("value must be an integer")
    wrappers = {
        HeaderType.BYTE: Byte,
        HeaderType.SHORT: Short,
        HeaderType.LONG: Long,
        HeaderType.TIMESTAMP: Timestamp,
    }
    wrapper = wrappers.get(kind)
    if wrapper is not None:
        return wrapper(value)
    if not -(1 << 31) <= value < (1 << 31):
        raise ValueError(f"{value} does not fit in an integer (int32)")
    return value


def _base64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError(f"{what} is not valid base64") from None

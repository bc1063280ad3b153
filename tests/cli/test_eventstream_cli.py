"""``qsmith eventstream decode`` / ``encode``."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

from click.testing import CliRunner

from qsmith.cli.main import SUBCOMMANDS, cli
from qsmith.runtime.eventstream import Byte, Long, Message, Short, Timestamp, encode_message

ALL_TYPES = Message(
    {
        "t": True,
        "f": False,
        "b": Byte(-5),
        "s": Short(300),
        "i": 70000,
        "l": Long(2**40),
        "bytes": b"\x00\xff",
        "str": "héllo",
        "time": Timestamp(1_700_000_000_123),
        "id": uuid.UUID("b79bc914-de21-4e13-b8b2-bc47e85b7f0b"),
    },
    b'{"content":"hi"}',
)
BINARY = Message({":event-type": "blob"}, b"\xff\xfe\x00")
STREAM = encode_message(ALL_TYPES) + encode_message(BINARY)


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_eventstream_is_a_registered_subcommand() -> None:
    assert SUBCOMMANDS["eventstream"] == "qsmith.cli.eventstream:eventstream"


def test_decode_prints_one_json_line_per_message(tmp_path: Path) -> None:
    path = tmp_path / "capture.bin"
    path.write_bytes(STREAM)
    result = CliRunner().invoke(cli, ["eventstream", "decode", str(path)])
    assert result.exit_code == 0, result.output
    first, second = _lines(result.stdout)
    assert first == {
        "headers": {
            "t": {"type": "bool_true", "value": True},
            "f": {"type": "bool_false", "value": False},
            "b": {"type": "byte", "value": -5},
            "s": {"type": "short", "value": 300},
            "i": {"type": "integer", "value": 70000},
            "l": {"type": "long", "value": 2**40},
            "bytes": {"type": "byte_array", "value": "AP8="},
            "str": {"type": "string", "value": "héllo"},
            "time": {"type": "timestamp", "value": 1_700_000_000_123},
            "id": {"type": "uuid", "value": "b79bc914-de21-4e13-b8b2-bc47e85b7f0b"},
        },
        "payload": '{"content":"hi"}',
    }
    assert second["payload"] == {"base64": base64.b64encode(b"\xff\xfe\x00").decode()}


def test_decode_reads_stdin() -> None:
    result = CliRunner().invoke(cli, ["eventstream", "decode", "-"], input=STREAM)
    assert result.exit_code == 0
    assert len(_lines(result.stdout)) == 2


def test_decode_prints_the_messages_before_a_fault_then_fails() -> None:
    corrupt = bytearray(encode_message(BINARY))
    corrupt[-6] ^= 0x10
    result = CliRunner().invoke(cli, ["eventstream", "decode", "-"], input=STREAM + corrupt)
    assert result.exit_code == 1
    assert len(_lines(result.stdout)) == 2
    assert result.stderr.startswith("error: message #2, byte ")
    assert "CRC32 mismatch" in result.stderr


def test_decode_fails_on_a_stream_cut_mid_message() -> None:
    result = CliRunner().invoke(cli, ["eventstream", "decode", "-"], input=STREAM[:-3])
    assert result.exit_code == 1
    assert len(_lines(result.stdout)) == 1
    assert "message #1" in result.stderr and "ended" in result.stderr


def test_encode_writes_the_frames_decode_read(tmp_path: Path) -> None:
    runner = CliRunner()
    decoded = runner.invoke(cli, ["eventstream", "decode", "-"], input=STREAM).stdout
    out = tmp_path / "frames.bin"
    result = runner.invoke(cli, ["eventstream", "encode", "-", "-o", str(out)], input=decoded)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == STREAM
    to_stdout = runner.invoke(cli, ["eventstream", "encode"], input=decoded)
    assert to_stdout.stdout_bytes == STREAM


def test_encode_names_the_bad_line() -> None:
    lines = [
        '{"headers": {}, "payload": "ok"}',
        '{"headers": {"x": {"type": "short", "value": 70000}}, "payload": ""}',
    ]
    result = CliRunner().invoke(cli, ["eventstream", "encode"], input="\n".join(lines))
    assert result.exit_code == 1
    assert "line 2" in result.stderr and "'x'" in result.stderr


def test_encode_rejects_unknown_types_and_bad_payloads() -> None:
    for line, text in (
        ('{"headers": {"x": {"type": "float", "value": 1}}}', "unknown type"),
        ('{"headers": {}, "payload": 5}', "payload must be"),
        ('{"headers": {}, "payload": {"base64": "***"}}', "base64"),
        ("not json", "line 1"),
        ('{"headers": {"x": {"type": "bool_true", "value": false}}}', "must be true"),
    ):
        result = CliRunner().invoke(cli, ["eventstream", "encode"], input=line)
        assert result.exit_code == 1, line
        assert text in result.stderr, (line, result.stderr)

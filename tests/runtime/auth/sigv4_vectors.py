"""Readers for the SigV4 test suites under shared/vectors/sigv4 (raw HTTP request files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qsmith.runtime.http import HttpRequest, parse_query_string


@dataclass
class RawRequest:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_query_string(self.target.split("?", 1)[1] if "?" in self.target else "")


def parse_raw_request(data: bytes) -> RawRequest:
    """Parse a suite's request file: request line, ``Name:value`` lines, blank line, body.

    The request line may hold a literal space in the path, so it is split on its first and
    last space; continuation lines (obs-fold) are unfolded into a single space.
    """
    head, _, body = data.partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    request_line = lines[0]
    method, _, rest = request_line.partition(" ")
    target = rest.rsplit(" ", 1)[0]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        elif line:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return RawRequest(method, target, headers, body)


def to_http_request(raw: RawRequest) -> HttpRequest:
    host = next((value for name, value in raw.headers if name.lower() == "host"), "")
    return HttpRequest(
        method=raw.method,
        host=host.strip(),
        path=raw.path,
        query=raw.query,
        headers=list(raw.headers),
        body=raw.body,
    )


def comparable(
    raw: RawRequest,
) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], bytes]:
    """A signed request reduced to what must match: header and query order are not canonical."""
    headers = sorted((name.lower(), value.strip()) for name, value in raw.headers)
    return raw.method, raw.path, sorted(raw.query), headers, raw.body


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()

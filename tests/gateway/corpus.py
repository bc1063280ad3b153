"""The recorded request shapes of coding agents (tests/gateway/data), ready to send.

Each file holds one request as a client sent it (method, path with its query, the
``anthropic-*`` headers, the JSON body), its prose replaced by ``<placeholder N chars>``.
``load`` puts back text of the same length, so every length rule (tool descriptions over
the service's limit, prompt sizes) runs as it did for the real request.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
CLAUDE_CODE = DATA / "claude_code"
_PLACEHOLDER = re.compile(r"^<placeholder (\d+) chars>$")


@dataclass(frozen=True)
class RecordedRequest:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def filler(length: int, tag: int) -> str:
    """``length`` characters of text that start with a tag unique to the placeholder."""
    head = f"[text {tag}] "
    words = itertools.cycle(("lorem ", "ipsum ", "dolor ", "sit ", "amet\n"))
    text = head + "".join(itertools.islice(words, length // 4 + 2))
    return text[:length]


def _expand(value: Any, counter: itertools.count[int]) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, counter) for v in value]
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)):
        return filler(int(match.group(1)), next(counter))
    return value


def load(path: Path) -> RecordedRequest:
    raw = json.loads(path.read_text())
    body = _expand(raw["body"], itertools.count(1))
    return RecordedRequest(path.stem, raw["method"], raw["path"], raw["headers"], body)


def claude_code_requests() -> list[RecordedRequest]:
    return [load(p) for p in sorted(CLAUDE_CODE.glob("*.json"))]

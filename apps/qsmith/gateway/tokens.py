"""Token estimates, for ``count_tokens`` and for usage the service did not report.

The service has no tokenizer endpoint, so counts are estimated: one token per
``CHARS_PER_TOKEN`` characters of text (system prompt, message text, tool inputs and
results, tool names, descriptions and schemas as JSON), rounded up, plus
``IMAGE_TOKENS`` per image and ``MESSAGE_OVERHEAD`` per message. English prose and code
average close to four characters per token for Claude-family tokenizers, so this is
right to within tens of percent: good for budgeting, not for billing.
"""

from __future__ import annotations

import json
import math

from qsmith.gateway.backend import (
    ImagePart,
    Part,
    ReasoningPart,
    TextPart,
    ToolResultPart,
    ToolUsePart,
    TurnRequest,
)

__all__ = [
    "CHARS_PER_TOKEN",
    "IMAGE_TOKENS",
    "estimate_chars",
    "estimate_request",
    "estimate_text",
]

CHARS_PER_TOKEN = 4
IMAGE_TOKENS = 1600
MESSAGE_OVERHEAD = 4


def estimate_chars(count: int) -> int:
    return math.ceil(count / CHARS_PER_TOKEN)


def estimate_text(text: str) -> int:
    return estimate_chars(len(text))


def _part_tokens(part: Part) -> int:
    match part:
        case TextPart(text) | ReasoningPart(text, _):
            return estimate_text(text)
        case ImagePart():
            return IMAGE_TOKENS
        case ToolUsePart(_, name, arguments):
            return estimate_text(name + json.dumps(arguments))
        case ToolResultPart(_, text, _):
            return estimate_text(text)
    return 0


def estimate_request(request: TurnRequest) -> int:
    """Estimated input tokens of a whole request."""
    total = estimate_text(request.system or "")
    for message in request.messages:
        total += MESSAGE_OVERHEAD + sum(_part_tokens(p) for p in message.parts)
    for tool in request.tools:
        total += estimate_text(tool.name + tool.description + json.dumps(tool.input_schema))
    return total

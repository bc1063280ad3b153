"""Keeping secrets out of log records, reprs and messages.

Three layers, all standard library:
- ``redact_url`` / ``redact_headers`` for values qsmith itself formats;
- ``redact_text`` for free text (scrubs presigned-URL query parameters, sensitive
  header values in the shapes httpx and httpcore print them, and registered secrets);
- ``RedactingFilter`` applies ``redact_text`` to every record of the loggers it is
  installed on, including httpx's and httpcore's (``install_log_redaction``).
``redact_members`` renders a value with its ``@sensitive`` members hidden, walking the
runtime schema.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass

from qsmith.runtime.http import (
    REDACTED,
    SENSITIVE_HEADERS,
    SENSITIVE_QUERY_PARAMS,
    redact_header_pairs,
)
from qsmith.runtime.schema import Schema

__all__ = [
    "LOGGERS_TO_REDACT",
    "REDACTED",
    "RedactingFilter",
    "SecretRegistry",
    "get_logger",
    "install_log_redaction",
    "redact_headers",
    "redact_members",
    "redact_text",
    "redact_url",
    "secrets",
]

# Every logger whose records can carry a URL or header: qsmith's own and the HTTP stack's.
LOGGERS_TO_REDACT = (
    "qsmith",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

_QUERY_PARAM = re.compile(
    r"(?i)\b(" + "|".join(re.escape(name) for name in sorted(SENSITIVE_QUERY_PARAMS)) + r")"
    r"(=|%3D)([^&\s'\"<>]*)"
)
# A sensitive header name followed by a separator as printed by http, httpx
# ("Authorization: v", "'authorization': 'v'") or httpcore ("(b'Authorization', b'v')").
_HEADER = re.compile(
    r"(?i)\b(" + "|".join(re.escape(name) for name in sorted(SENSITIVE_HEADERS)) + r")"
    r"(['\"]?\s*[:,]\s*b?['\"]?)([^'\"\r\n]+)"
)
# Signatures also appear inside an Authorization value printed without its name.
_SIGNATURE = re.compile(r"(?i)\b(Signature|Credential)=([^,\s'\"&]+)")


class SecretRegistry:
    """Literal secret values (keys, tokens) to scrub from any text, wherever they appear."""

    MIN_LENGTH = 8  # shorter strings would redact ordinary words

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if value and len(value) >= self.MIN_LENGTH:
            with self._lock:
                self._values.add(value)

    def discard(self, value: str) -> None:
        with self._lock:
            self._values.discard(value)

    def scrub(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text


# The process-wide registry the identity providers add resolved secrets to.
secrets = SecretRegistry()


def redact_text(text: str, registry: SecretRegistry | None = None) -> str:
    """``text`` with secret query values, header values and registered secrets replaced."""
    text = (registry or secrets).scrub(text)
    text = _QUERY_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _SIGNATURE.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def redact_url(url: str) -> str:
    """The URL with sensitive query values (presigned signature, credential, token) hidden."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is not None:  # https://user:secret@host: keep the user, hide the secret
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username}:{REDACTED}@{host}")
    if not parts.query:
        return redact_text(urllib.parse.urlunsplit(parts))
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}="
        + (REDACTED if k.lower() in SENSITIVE_QUERY_PARAMS else urllib.parse.quote(v, safe="-_.~"))
        for k, v in pairs
    )
    return redact_text(urllib.parse.urlunsplit(parts._replace(query=query)))


def redact_headers(
    headers: Iterable[tuple[str, str]] | Mapping[str, str],
) -> list[tuple[str, str]]:
    return redact_header_pairs(headers)


def redact_members(value: object, schema: Schema) -> object:
    """A loggable rendering of a generated value: dicts and lists, sensitive parts hidden."""
    if schema.sensitive:
        return REDACTED
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, object] = {}
        by_python_name = {m.python_name: m for m in schema.members.values()}
        for field in fields(value):
            member = by_python_name.get(field.name)
            item = getattr(value, field.name)
            if member is None:
                out[field.name] = item
            elif member.is_sensitive:
                out[field.name] = REDACTED
            else:
                out[field.name] = redact_members(item, member.target)
        return out
    if hasattr(value, "value") and schema.members:  # a union variant holding `.value`
        for member in schema.members.values():
            if member.variant_type is not None and isinstance(value, member.variant_type):
                inner = value.value
                shown = REDACTED if member.is_sensitive else redact_members(inner, member.target)
                return {member.name: shown}
    if isinstance(value, list | tuple) and "member" in schema.members:
        element = schema.members["member"]
        return [
            REDACTED if element.is_sensitive else redact_members(v, element.target) for v in value
        ]
    if isinstance(value, dict) and "value" in schema.members:
        entry = schema.members["value"]
        return {
            k: REDACTED if entry.is_sensitive else redact_members(v, entry.target)
            for k, v in value.items()
        }
    return value


class RedactingFilter(logging.Filter):
    """Rewrites each record's message so that no secret survives formatting.

    The record is formatted once here (``getMessage``) and its args cleared, so a
    handler later formatting it sees only the redacted text.
    """

    def __init__(self, registry: SecretRegistry | None = None) -> None:
        super().__init__()
        self.registry = registry

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        record.msg = redact_text(message, self.registry)
        record.args = None
        return True


def install_log_redaction(
    registry: SecretRegistry | None = None, loggers: Iterable[str] = LOGGERS_TO_REDACT
) -> RedactingFilter:
    """Attach one RedactingFilter to each logger (idempotent); returns the filter.

    Logger filters only see records logged on that very logger, so each httpcore
    sub-logger is named explicitly rather than relying on propagation.
    """
    for name in loggers:
        logger = logging.getLogger(name)
        existing = [f for f in logger.filters if isinstance(f, RedactingFilter)]
        if existing:
            continue
        logger.addFilter(_shared_filter(registry))
    return _shared_filter(registry)


_FILTERS: dict[int, RedactingFilter] = {}


def _shared_filter(registry: SecretRegistry | None) -> RedactingFilter:
    key = id(registry)
    if key not in _FILTERS:
        _FILTERS[key] = RedactingFilter(registry)
    return _FILTERS[key]


def get_logger(name: str) -> logging.Logger:
    """A logger for qsmith code with the redacting filter attached to it.

    Use this instead of ``logging.getLogger(__name__)``: a filter on the ``qsmith``
    parent would not see records logged on its children.
    """
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(_shared_filter(None))
    return logger

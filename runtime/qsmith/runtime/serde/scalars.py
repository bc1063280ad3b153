"""Text forms of scalars shared by JSON bodies, headers, query strings and labels.

Timestamps in the three Smithy formats, floats with the NaN/Infinity spellings, and
the default zero values that client error correction fills in.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from decimal import Decimal

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType, TimestampFormat
from qsmith.runtime.serde import SerdeError

__all__ = [
    "EPOCH",
    "b64decode",
    "b64encode",
    "default_value",
    "float_from_text",
    "float_to_text",
    "format_timestamp",
    "parse_timestamp",
    "zero_value",
]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

# RFC 7231 IMF-fixdate, with optional fractional seconds (seen in the wild and in tests).
_HTTP_DATE = re.compile(
    r"^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(\.\d+)? GMT$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def float_to_text(value: float) -> str | float:
    """NaN and the infinities as their Smithy strings; finite floats unchanged."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def float_from_text(text: str, where: str) -> float:
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    try:
        return float(text)
    except ValueError:
        raise SerdeError(f"{where}: expected a number, got {text!r}") from None


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SerdeError(f"{where}: invalid base64 data") from None


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise TypeError("naive datetime")
    return value.astimezone(dt.UTC)


def format_timestamp(value: dt.datetime, fmt: TimestampFormat) -> str | int | float:
    """A timestamp as its wire form: a number for epoch-seconds, text otherwise."""
    utc = _as_utc(value)
    if fmt is TimestampFormat.EPOCH_SECONDS:
        delta = utc - EPOCH
        seconds = delta.days * 86400 + delta.seconds
        if utc.microsecond == 0:
            return seconds
        return round(seconds + utc.microsecond / 1e6, 3)
    if fmt is TimestampFormat.DATE_TIME:
        text = utc.strftime("%Y-%m-%dT%H:%M:%S")
        if utc.microsecond:
            text += f".{utc.microsecond:06d}".rstrip("0")
        return text + "Z"
    # Only HTTP dates need email.utils (which loads socket, random, calendar): imported
    # here, the first time one is written (see docs/design/lazy-imports.md).
    import email.utils

    text = email.utils.format_datetime(utc.replace(microsecond=0), usegmt=True)
    if utc.microsecond:
        text = text[:-4] + f".{utc.microsecond // 1000:03d} GMT"
    return text


def parse_timestamp(raw: object, fmt: TimestampFormat, where: str) -> dt.datetime:
    """Parse a wire timestamp; epoch-seconds accepts a number or numeric text."""
    try:
        if fmt is TimestampFormat.EPOCH_SECONDS:
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
                raise ValueError
            seconds = Decimal(str(raw))
            whole = int(seconds)
            micros = int((seconds - whole) * 1_000_000)
            return EPOCH + dt.timedelta(seconds=whole, microseconds=micros)
        if not isinstance(raw, str):
            raise ValueError
        if fmt is TimestampFormat.DATE_TIME:
            return _parse_date_time(raw)
        return _parse_http_date(raw)
    except (ValueError, ArithmeticError, OverflowError):
        raise SerdeError(f"{where}: invalid {fmt.value} timestamp {raw!r}") from None


def _parse_date_time(text: str) -> dt.datetime:
    if "T" not in text.upper():
        raise ValueError
    normal = text.upper().replace("Z", "+00:00")
    head, dot, rest = normal.partition(".")
    if dot:
        # fromisoformat wants at most 6 fraction digits.
        digits = re.match(r"\d+", rest)
        if digits is None:
            raise ValueError
        fraction = digits.group(0)
        normal = f"{head}.{(fraction + '000000')[:6]}{rest[len(fraction):]}"
    parsed = dt.datetime.fromisoformat(normal)
    if parsed.tzinfo is None:
        raise ValueError
    return parsed.astimezone(dt.UTC)


def _parse_http_date(text: str) -> dt.datetime:
    match = _HTTP_DATE.match(text.strip())
    if match is None:
        raise ValueError
    day, month, year, hour, minute, second, fraction = match.groups()
    micros = int((fraction[1:] + "000000")[:6]) if fraction else 0
    return dt.datetime(
        int(year),
        _MONTHS[month.capitalize()],
        int(day),
        int(hour),
        int(minute),
        int(second),
        micros,
        tzinfo=dt.UTC,
    )


def default_value(member: MemberSchema) -> object:
    """A member's ``@default`` as a value (the model's JSON form converted when needed)."""
    raw = member.default
    target = member.target
    if target.type is ShapeType.BLOB and isinstance(raw, str):
        return b64decode(raw, member.name)
    if target.type is ShapeType.TIMESTAMP and isinstance(raw, (int, float, str)):
        fmt = member.timestamp_format or target.timestamp_format or TimestampFormat.EPOCH_SECONDS
        return parse_timestamp(raw, fmt, member.name)
    if target.type is ShapeType.BIG_DECIMAL and isinstance(raw, (int, float, str)):
        return Decimal(str(raw))
    if isinstance(raw, (list, dict)):
        return _copy_json(raw)
    return raw


def _copy_json(raw: object) -> object:
    if isinstance(raw, list):
        return [_copy_json(item) for item in raw]
    if isinstance(raw, dict):
        return {key: _copy_json(item) for key, item in raw.items()}
    return raw


_ZEROS: dict[ShapeType, object] = {
    ShapeType.BOOLEAN: False,
    ShapeType.STRING: "",
    ShapeType.ENUM: "",
    ShapeType.BLOB: b"",
    ShapeType.BYTE: 0,
    ShapeType.SHORT: 0,
    ShapeType.INTEGER: 0,
    ShapeType.LONG: 0,
    ShapeType.INT_ENUM: 0,
    ShapeType.BIG_INTEGER: 0,
    ShapeType.FLOAT: 0.0,
    ShapeType.DOUBLE: 0.0,
    ShapeType.TIMESTAMP: EPOCH,
    ShapeType.DOCUMENT: None,
}


def zero_value(schema: Schema) -> object:
    """The value client error correction gives a missing required member.

    Structures are handled by the caller (they need the codec to build); unions have no
    zero value and stay ``None``.
    """
    if schema.type is ShapeType.BIG_DECIMAL:
        return Decimal(0)
    if schema.type is ShapeType.LIST:
        return []
    if schema.type is ShapeType.MAP:
        return {}
    return _ZEROS.get(schema.type)

"""CBOR bodies of rpcv2Cbor, encoded and decoded by the ``cbor2`` library.

``cbor2`` is an optional dependency (``pip install 'qsmith[cbor]'``): this module
imports it, and only the rpcv2Cbor protocol imports this module, on a client's first
call. The data model is ``serde/plain.py``'s; on the wire, timestamps are tag 1
(epoch seconds), blobs byte strings, ``@float`` values single precision, big numbers
cbor2's own tags (2, 3, 4).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from decimal import Decimal

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.plain import PlainData
from qsmith.runtime.serde.scalars import EPOCH

try:
    import cbor2
except ImportError as exc:  # the [cbor] extra is not installed
    raise ConfigError(
        "rpcv2Cbor clients need the cbor2 package: pip install 'qsmith[cbor]'"
    ) from exc

__all__ = ["CBOR_DATA", "CborScalars", "decode_cbor", "encode_cbor"]

_TIMESTAMP_TAG = 1


def encode_cbor(data: object) -> bytes:
    """CBOR bytes; floats take the shortest exact width (a float32 value stays 4 bytes)."""
    return cbor2.dumps(data, canonical=True)


def decode_cbor(body: bytes, where: str) -> object:
    try:
        return cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise SerdeError(f"{where}: the body is not valid CBOR ({exc})") from None


def epoch_seconds(value: dt.datetime) -> int | float:
    """Whole seconds as an integer, else seconds with millisecond precision."""
    if value.tzinfo is None:
        raise SerdeError("a timestamp must be timezone-aware")
    delta = value.astimezone(dt.UTC) - EPOCH
    seconds = delta.days * 86400 + delta.seconds
    if delta.microseconds == 0:
        return seconds
    return round(seconds + delta.microseconds / 1e6, 3)


def single_precision(value: float) -> float:
    """The float32 nearest ``value`` (what an ``@float`` member holds on the wire)."""
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        packed: float = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        raise SerdeError(f"{value!r} does not fit a 32-bit float") from None
    return packed


def _number(raw: object, where: str) -> int | float | Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise SerdeError(f"{where}: expected a number, got {type(raw).__name__}")
    return raw


class CborScalars:
    def timestamp_out(self, value: dt.datetime) -> object:
        return cbor2.CBORTag(_TIMESTAMP_TAG, epoch_seconds(value))

    def timestamp_in(self, raw: object, where: str) -> dt.datetime:
        if isinstance(raw, dt.datetime):  # cbor2 turns tag 1 into an aware datetime
            return raw if raw.tzinfo is not None else raw.replace(tzinfo=dt.UTC)
        if isinstance(raw, cbor2.CBORTag) and raw.tag == _TIMESTAMP_TAG:
            raw = raw.value
        return EPOCH + dt.timedelta(seconds=float(_number(raw, where)))

    def blob_out(self, value: bytes) -> object:
        return value

    def blob_in(self, raw: object, where: str) -> bytes:
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)
        raise SerdeError(f"{where}: expected a byte string, got {type(raw).__name__}")

    def float_out(self, value: float, *, single: bool) -> object:
        return single_precision(value) if single else value

    def float_in(self, raw: object, where: str) -> float:
        return float(_number(raw, where))

    def big_integer_out(self, value: int) -> object:
        return value

    def big_integer_in(self, raw: object, where: str) -> int:
        number = _number(raw, where)
        if not isinstance(number, int):
            raise SerdeError(f"{where}: expected an integer, got {type(raw).__name__}")
        return number

    def big_decimal_out(self, value: Decimal) -> object:
        return value

    def big_decimal_in(self, raw: object, where: str) -> Decimal:
        number = _number(raw, where)
        return number if isinstance(number, Decimal) else Decimal(str(number))


CBOR_DATA = PlainData(CborScalars())

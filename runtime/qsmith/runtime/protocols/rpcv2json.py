"""rpcv2Json (Smithy RPC v2 JSON): ``rpcv2.py``'s layout with JSON bodies.

The JSON data model is rpcv2Cbor's: member names as keys, ``jsonName`` and
``timestampFormat`` ignored (timestamps are epoch seconds), blobs base64 text,
NaN and the infinities as strings, big integers and big decimals as strings so no
digit is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from qsmith.runtime.protocols.rpcv2 import RpcV2Protocol
from qsmith.runtime.schema import TimestampFormat
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.plain import PlainData
from qsmith.runtime.serde.scalars import (
    EPOCH,
    b64decode,
    b64encode,
    float_from_text,
    float_to_text,
    format_timestamp,
)

__all__ = ["JSON_CONTENT_TYPE", "RpcV2Json", "RpcV2JsonScalars"]

JSON_CONTENT_TYPE = "application/json"


def _number(raw: object, where: str) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise SerdeError(f"{where}: expected a number, got {type(raw).__name__}")
    return raw


class RpcV2JsonScalars:
    def timestamp_out(self, value: dt.datetime) -> object:
        return format_timestamp(value, TimestampFormat.EPOCH_SECONDS)

    def timestamp_in(self, raw: object, where: str) -> dt.datetime:
        return EPOCH + dt.timedelta(seconds=float(_number(raw, where)))

    def blob_out(self, value: bytes) -> object:
        return b64encode(value)

    def blob_in(self, raw: object, where: str) -> bytes:
        if not isinstance(raw, str):
            raise SerdeError(f"{where}: expected base64 text, got {type(raw).__name__}")
        return b64decode(raw, where)

    def float_out(self, value: float, *, single: bool) -> object:
        return float_to_text(value)

    def float_in(self, raw: object, where: str) -> float:
        if isinstance(raw, str):
            return float_from_text(raw, where)
        return float(_number(raw, where))

    def big_integer_out(self, value: int) -> object:
        return str(value)

    def big_integer_in(self, raw: object, where: str) -> int:
        try:
            if isinstance(raw, str):
                return int(raw)
        except ValueError:
            raise SerdeError(f"{where}: invalid big integer {raw!r}") from None
        number = _number(raw, where)
        if not isinstance(number, int):
            raise SerdeError(f"{where}: expected an integer, got {raw!r}")
        return number

    def big_decimal_out(self, value: Decimal) -> object:
        return str(value)

    def big_decimal_in(self, raw: object, where: str) -> Decimal:
        try:
            if isinstance(raw, str):
                return Decimal(raw)
        except InvalidOperation:
            raise SerdeError(f"{where}: invalid big decimal {raw!r}") from None
        return Decimal(str(_number(raw, where)))


RPC_JSON_DATA = PlainData(RpcV2JsonScalars())


class RpcV2Json(RpcV2Protocol):
    id = "smithy.protocols#rpcv2Json"
    media_type = content_type = JSON_CONTENT_TYPE
    wire_name = "rpc-v2-json"

    def plain_data(self) -> PlainData:
        return RPC_JSON_DATA

    def encode(self, data: object) -> bytes:
        return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8")

    def decode(self, body: bytes, where: str) -> object:
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise SerdeError(f"{where}: the body is not valid JSON ({exc})") from None

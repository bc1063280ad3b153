"""rpcv2Cbor (Smithy RPC v2 CBOR): ``rpcv2.py``'s layout with CBOR bodies.

The codec (``serde/cbor.py``, on the optional ``cbor2``) loads with the first call.
"""

from __future__ import annotations

from qsmith.runtime.protocols.rpcv2 import RpcV2Protocol
from qsmith.runtime.serde.plain import PlainData

__all__ = ["CBOR_CONTENT_TYPE", "RpcV2Cbor"]

CBOR_CONTENT_TYPE = "application/cbor"


class RpcV2Cbor(RpcV2Protocol):
    id = "smithy.protocols#rpcv2Cbor"
    media_type = content_type = CBOR_CONTENT_TYPE
    wire_name = "rpc-v2-cbor"

    def plain_data(self) -> PlainData:
        from qsmith.runtime.serde.cbor import CBOR_DATA

        return CBOR_DATA

    def encode(self, data: object) -> bytes:
        from qsmith.runtime.serde.cbor import encode_cbor

        return encode_cbor(data)

    def decode(self, body: bytes, where: str) -> object:
        from qsmith.runtime.serde.cbor import decode_cbor

        return decode_cbor(body, where)

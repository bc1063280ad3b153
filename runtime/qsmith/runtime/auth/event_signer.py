"""Chained SigV4 signatures for event stream input (``AWS4-HMAC-SHA256-PAYLOAD``).

The initial HTTP request is signed with the payload hash
``STREAMING-AWS4-HMAC-SHA256-EVENTS``; its signature seeds a chain. Each event (the
encoded inner message, or empty bytes for the final frame) is then signed over the
previous signature, the SHA-256 of its encoded ``:date`` header and the SHA-256 of the
payload. The caller wraps the payload in a new message whose headers are ``:date``
(timestamp) and ``:chunk-signature`` (the 32 raw signature bytes) — encoding frames is
the event stream codec's job, so this module only computes the values.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import SigV4Signer, amz_date

__all__ = ["EVENT_ALGORITHM", "EventSigner", "SignedEvent", "encode_date_header"]

EVENT_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD"
_TIMESTAMP_TYPE = 8


def encode_date_header(moment: datetime) -> bytes:
    """The ``:date`` header as the event stream wire encodes it (timestamp, epoch ms)."""
    name = b":date"
    millis = int(moment.timestamp()) * 1000
    return bytes([len(name)]) + name + bytes([_TIMESTAMP_TYPE]) + struct.pack(">q", millis)


@dataclass(frozen=True, slots=True)
class SignedEvent:
    """The values of the outer message: its ``:date``, ``:chunk-signature`` and payload."""

    date: datetime
    signature: bytes = field(repr=False)
    payload: bytes = field(repr=False)
    string_to_sign: str = field(repr=False)

    @property
    def headers(self) -> list[tuple[str, datetime | bytes]]:
        """``[(':date', timestamp), (':chunk-signature', bytes)]`` in wire order."""
        return [(":date", self.date), (":chunk-signature", self.signature)]


class EventSigner:
    """Signs the events of one stream in order; thread-safe (one chain, one lock)."""

    def __init__(
        self,
        credentials: AwsCredentials,
        region: str,
        service: str,
        seed_signature: str,
        signer: SigV4Signer | None = None,
    ) -> None:
        self._credentials = credentials
        self._region = region
        self._service = service
        self._previous = seed_signature
        self._signer = signer or SigV4Signer()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EventSigner(region={self._region!r}, service={self._service!r})"

    def string_to_sign(self, payload: bytes, moment: datetime, previous_signature: str) -> str:
        stamp = amz_date(moment)
        scope = f"{stamp[:8]}/{self._region}/{self._service}/aws4_request"
        return "\n".join(
            (
                EVENT_ALGORITHM,
                stamp,
                scope,
                previous_signature,
                hashlib.sha256(encode_date_header(moment)).hexdigest(),
                hashlib.sha256(payload).hexdigest(),
            )
        )

    def sign(self, payload: bytes, now: datetime | None = None) -> SignedEvent:
        """Sign the next event; ``payload=b""`` signs the final (end of stream) frame."""
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        with self._lock:
            text = self.string_to_sign(payload, moment, self._previous)
            key = self._signer.signing_key(
                self._credentials.secret_access_key,
                amz_date(moment)[:8],
                self._region,
                self._service,
            )
            signature = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
            self._previous = signature.hex()
        return SignedEvent(moment, signature, payload, text)

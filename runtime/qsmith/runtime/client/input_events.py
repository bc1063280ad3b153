"""Input event streams signed as the AWS SDKs sign them, sent as the caller produces them.

A SigV4 request whose body is a caller's event stream is signed with the payload hash
``STREAMING-AWS4-HMAC-SHA256-EVENTS`` (also sent as ``x-amz-content-sha256``); its
signature seeds a chain (``auth.event_signer``). Each encoded event then goes out wrapped
in an outer message whose headers are ``:date`` and ``:chunk-signature`` (the event's
signature over the previous one) and whose payload is the inner message; an outer message
with an empty payload, signed the same way, ends the stream. Frames are encoded and signed
one by one as the body is sent (chunked), so events the caller has not produced yet are
not waited for. Each attempt signs afresh: a retried attempt starts a new chain.
See docs/design/input-event-streams.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.schemes import SIGV4
from qsmith.runtime.client.events import EncodedEvents
from qsmith.runtime.errors import SigningError

if TYPE_CHECKING:
    from qsmith.runtime.auth.event_signer import EventSigner
    from qsmith.runtime.auth.schemes import ResolvedAuth
    from qsmith.runtime.http import HttpRequest

__all__ = ["EVENTS_PAYLOAD_HASH", "SignedEventFrames", "sign_event_stream"]

EVENTS_PAYLOAD_HASH = "STREAMING-AWS4-HMAC-SHA256-EVENTS"


def sign_event_stream(
    auth: ResolvedAuth, request: HttpRequest, *, now: Callable[[], datetime] | None = None
) -> HttpRequest | None:
    """``request`` signed for its event stream body, or None when it is not a SigV4
    request carrying one (the caller then signs it as any streamed body)."""
    body = request.body
    if not isinstance(body, EncodedEvents) or auth.scheme != SIGV4:
        return None
    identity = auth.identity
    if not isinstance(identity, AwsCredentials) or not auth.region or not auth.signing_name:
        return None
    from qsmith.runtime.auth.event_signer import EventSigner

    moment = now() if now is not None else None
    signed = auth.sign(
        request, payload_hash=EVENTS_PAYLOAD_HASH, content_sha256_header=True, now=moment
    )
    seed = _request_signature(signed)
    signer = EventSigner(identity, auth.region, auth.signing_name, seed, signer=auth.signer)
    return replace(signed, body=SignedEventFrames(body, signer, now=now))


def _request_signature(request: HttpRequest) -> str:
    authorization = request.header("Authorization") or ""
    _, found, signature = authorization.rpartition("Signature=")
    if not found or not signature:
        raise SigningError("the event stream request was signed without a SigV4 signature")
    return signature.strip()


class SignedEventFrames:
    """The signed outer frames of one attempt's events, then the signed end frame.

    Iterable once per attempt (the chain moves on with each frame); sync for
    ``httpx.Client``, async for ``httpx.AsyncClient`` (whose events may come from an
    async iterable).
    """

    def __init__(
        self,
        frames: EncodedEvents,
        signer: EventSigner,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._frames = frames
        self._signer = signer
        self._now = now

    def __repr__(self) -> str:
        return "SignedEventFrames(<stream>)"

    def __iter__(self) -> Iterator[bytes]:
        for frame in self._frames:
            yield self._wrap(frame)
        yield self._wrap(b"")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for frame in self._frames:
            yield self._wrap(frame)
        yield self._wrap(b"")

    def _wrap(self, payload: bytes) -> bytes:
        from qsmith.runtime.eventstream.headers import Timestamp, encode_headers
        from qsmith.runtime.eventstream.message import encode_frame

        signed = self._signer.sign(payload, self._now() if self._now is not None else None)
        headers = encode_headers(
            {":date": Timestamp.from_datetime(signed.date), ":chunk-signature": signed.signature}
        )
        return encode_frame(headers, payload)

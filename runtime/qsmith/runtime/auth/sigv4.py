"""AWS Signature Version 4: header signing and presigned (query) signing.

Pure ``hashlib``/``hmac``. The derived signing key depends only on the secret, the date,
the region and the service, so it is cached per (secret, date, region, service); the
canonical request is rebuilt for every signature.

The service-specific switches live in ``SigV4Config``: double URI-encoding of the path
(every service but S3) and RFC 3986 path normalization (likewise), the payload hash
(the body's SHA-256, ``UNSIGNED-PAYLOAD``, or a precomputed value such as the event
stream marker), whether to send ``x-amz-content-sha256``, and whether the session
token is part of the signature or added after it.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime

from qsmith.runtime.auth.errors import SignatureError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.http import HttpRequest, encode_query_component, escape_path

__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "STREAMING_EVENTS_PAYLOAD",
    "UNSIGNED_PAYLOAD",
    "SigV4Config",
    "SigV4Signer",
    "SigningResult",
    "amz_date",
    "canonical_path",
    "wire_path",
]

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_EVENTS_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-EVENTS"

# Hop-by-hop and tracing headers, which a proxy, the transport or tracing middleware may
# add, drop or rewrite after signing: signing them would make the signature fragile. The
# Authorization header being written is never signed either.
_UNSIGNED_HEADERS = frozenset(
    {
        "authorization",
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)
_PRESIGN_PARAMS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-SignedHeaders",
        "X-Amz-Expires",
        "X-Amz-Security-Token",
        "X-Amz-Signature",
    }
)
_REPLACED_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-security-token"})
_KEY_CACHE_LIMIT = 64


@dataclass(frozen=True, slots=True)
class SigV4Config:
    """What to sign for: the scope (region, service) and the service's switches.

    ``payload_hash`` is ``None`` to hash the body, or a literal to use instead
    (``UNSIGNED_PAYLOAD``, ``STREAMING_EVENTS_PAYLOAD``, a precomputed hex digest).
    """

    region: str
    service: str
    double_uri_encode: bool = True
    normalize_path: bool = True
    payload_hash: str | None = None
    content_sha256_header: bool = False
    sign_session_token: bool = True


@dataclass(frozen=True, slots=True)
class SigningResult:
    """The signed request and the intermediate values (for tests and debugging)."""

    request: HttpRequest
    canonical_request: str = field(repr=False)
    string_to_sign: str = field(repr=False)
    signature: str = field(repr=False)


def amz_date(moment: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _normalize_segments(path: str) -> str:
    """RFC 3986 dot-segment removal, also dropping empty segments (``//``)."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if kept:
                kept.pop()
            continue
        kept.append(segment)
    normalized = "/" + "/".join(kept)
    if kept and (path.endswith("/") or path.endswith("/.") or path.endswith("/..")):
        normalized += "/"
    return normalized


def wire_path(path: str, *, normalize: bool) -> str:
    """The path to send, and so to sign: escaped, and normalized when the service wants it.

    The signer signs the path it is given (as the SigV4 suites define it); a client calls
    this first so that the path given is the one sent. A normalized path holds no dot
    segment and no empty segment, so the HTTP stack (which removes dot segments its own
    way: ``/a/.`` becomes ``/a``) sends it unchanged, and normalizing it again while
    signing changes nothing. A service that signs the path as given (S3-style,
    ``normalize=False``) cannot be sent a dot segment at all: httpx would rewrite the
    path after it was signed, and the request would name another resource.
    """
    try:
        escaped = escape_path(path or "/")
    except UnicodeEncodeError:
        raise SignatureError(f"the request path {path!r} is not valid Unicode text") from None
    if normalize:
        return _normalize_segments(escaped)
    if any(segment in (".", "..") for segment in escaped.split("/")):
        raise SignatureError(
            f"the request path {path!r} has a '.' or '..' segment and this service signs the "
            "path as given: the HTTP client would remove the segment after signing; "
            "percent-encode the dots (%2E) to keep them"
        )
    return escaped


def canonical_path(path: str, *, normalize: bool, double_encode: bool) -> str:
    """The canonical URI of a wire-form (already percent-encoded) path."""
    if not path:
        return "/"
    if normalize:
        path = _normalize_segments(path)
    if double_encode:
        path = urllib.parse.quote(path, safe="/-_.~")
    return path


def _canonical_query(pairs: list[tuple[str, str]]) -> str:
    encoded = sorted(
        (encode_query_component(name), encode_query_component(value)) for name, value in pairs
    )
    return "&".join(f"{name}={value}" for name, value in encoded)


def _trim_value(value: str) -> str:
    """Trim the value and fold each run of spaces into one space."""
    value = value.strip()
    if "  " in value:
        value = " ".join(part for part in value.split(" ") if part)
    return value


def _canonical_headers(headers: list[tuple[str, str]]) -> tuple[str, str]:
    """``(canonical header block, signed header list)``; repeated names joined by ','."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        lowered = name.lower()
        if lowered in _UNSIGNED_HEADERS:
            continue
        grouped.setdefault(lowered, []).append(_trim_value(value))
    names = sorted(grouped)
    block = "".join(f"{name}:{','.join(grouped[name])}\n" for name in names)
    return block, ";".join(names)


def _payload_hash(request: HttpRequest, config: SigV4Config) -> str:
    if config.payload_hash is not None:
        return config.payload_hash
    body = request.body
    if isinstance(body, bytes | bytearray | memoryview):
        return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
    raise SignatureError(
        "a streaming body cannot be signed with a hashed payload; "
        "use UNSIGNED_PAYLOAD or a precomputed payload hash"
    )


def _canonical_request(
    request: HttpRequest,
    config: SigV4Config,
    header_block: str,
    signed_headers: str,
    payload_hash: str,
) -> str:
    path = canonical_path(
        request.path, normalize=config.normalize_path, double_encode=config.double_uri_encode
    )
    return "\n".join(
        (
            request.method.upper(),
            path,
            _canonical_query(request.query),
            header_block,
            signed_headers,
            payload_hash,
        )
    )


def _copy(
    request: HttpRequest, headers: list[tuple[str, str]], query: list[tuple[str, str]]
) -> HttpRequest:
    """A new request with its own header and query lists (the caller's stays untouched)."""
    return HttpRequest(
        request.method,
        request.host,
        request.path,
        query,
        headers,
        request.body,
        request.scheme,
        request.port,
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


class SigV4Signer:
    """Signs ``HttpRequest`` objects; thread-safe, one instance may serve every client."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str, str, str], bytes] = {}
        self._lock = threading.Lock()

    def signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        """The derived key for one day, region and service (cached)."""
        cache_key = (secret, date, region, service)
        key = self._keys.get(cache_key)
        if key is None:
            key = _hmac(("AWS4" + secret).encode("utf-8"), date)
            key = _hmac(key, region)
            key = _hmac(key, service)
            key = _hmac(key, "aws4_request")
            with self._lock:
                if len(self._keys) >= _KEY_CACHE_LIMIT:
                    self._keys.clear()
                self._keys[cache_key] = key
        return key

    def sign(
        self,
        request: HttpRequest,
        credentials: AwsCredentials,
        config: SigV4Config,
        *,
        now: datetime | None = None,
    ) -> SigningResult:
        """Sign with an ``Authorization`` header; returns a new request, the input is kept."""
        moment = amz_date(now or datetime.now(UTC))
        # Re-signing (a retry) replaces the previous signature's headers.
        headers = [(k, v) for k, v in request.headers if k.lower() not in _REPLACED_HEADERS]
        signed = _copy(request, headers, list(request.query))
        if not signed.header("host"):
            signed.headers.append(("Host", signed.authority))
        signed.headers.append(("X-Amz-Date", moment))
        token = credentials.session_token
        if token and config.sign_session_token:
            signed.headers.append(("X-Amz-Security-Token", token))
        payload = _payload_hash(signed, config)
        if config.content_sha256_header:
            signed.set_header("X-Amz-Content-Sha256", payload)
        header_block, signed_headers = _canonical_headers(signed.headers)
        canonical = _canonical_request(signed, config, header_block, signed_headers, payload)
        scope, string_to_sign, signature = self._signature(moment, credentials, config, canonical)
        signed.headers.append(
            (
                "Authorization",
                f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
                f"SignedHeaders={signed_headers}, Signature={signature}",
            )
        )
        if token and not config.sign_session_token:
            signed.headers.append(("X-Amz-Security-Token", token))
        return SigningResult(signed, canonical, string_to_sign, signature)

    def presign(
        self,
        request: HttpRequest,
        credentials: AwsCredentials,
        config: SigV4Config,
        *,
        expires_in: int,
        now: datetime | None = None,
    ) -> SigningResult:
        """Sign in the query string (a presigned URL valid ``expires_in`` seconds)."""
        if not 1 <= expires_in <= 604800:
            raise SignatureError(f"expires_in must be 1..604800 seconds, got {expires_in}")
        moment = amz_date(now or datetime.now(UTC))
        # Re-presigning (a retry) replaces the previous signature's parameters.
        query = [(k, v) for k, v in request.query if k not in _PRESIGN_PARAMS]
        headers = [(k, v) for k, v in request.headers if k.lower() != "authorization"]
        signed = _copy(request, headers, query)
        if not signed.header("host"):
            signed.headers.append(("Host", signed.authority))
        header_block, signed_headers = _canonical_headers(signed.headers)
        scope = f"{moment[:8]}/{config.region}/{config.service}/aws4_request"
        signed.query.extend(
            (
                ("X-Amz-Algorithm", ALGORITHM),
                ("X-Amz-Credential", f"{credentials.access_key_id}/{scope}"),
                ("X-Amz-Date", moment),
                ("X-Amz-SignedHeaders", signed_headers),
                ("X-Amz-Expires", str(expires_in)),
            )
        )
        token = credentials.session_token
        if token and config.sign_session_token:
            signed.query.append(("X-Amz-Security-Token", token))
        payload = _payload_hash(signed, config)
        canonical = _canonical_request(signed, config, header_block, signed_headers, payload)
        _, string_to_sign, signature = self._signature(moment, credentials, config, canonical)
        if token and not config.sign_session_token:
            signed.query.append(("X-Amz-Security-Token", token))
        signed.query.append(("X-Amz-Signature", signature))
        return SigningResult(signed, canonical, string_to_sign, signature)

    def _signature(
        self, moment: str, credentials: AwsCredentials, config: SigV4Config, canonical: str
    ) -> tuple[str, str, str]:
        """``(credential scope, string to sign, hex signature)``."""
        date = moment[:8]
        scope = f"{date}/{config.region}/{config.service}/aws4_request"
        string_to_sign = "\n".join(
            (ALGORITHM, moment, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
        )
        key = self.signing_key(credentials.secret_access_key, date, config.region, config.service)
        signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        return scope, string_to_sign, signature

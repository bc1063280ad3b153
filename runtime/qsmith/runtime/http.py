"""The sans-I/O HTTP request that serializers produce, signers sign and transports send.

``path`` is the request target's path exactly as it goes on the wire (already
percent-encoded); ``query`` holds decoded ``(name, value)`` pairs in order, repeated
names kept, and is percent-encoded by ``query_string`` with the same rule SigV4 uses, so
what is signed is byte for byte what is sent. Headers are an ordered list of
``(name, value)``; names keep the case they were given and compare case-insensitively.
"""

from __future__ import annotations

import functools
import string
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "SENSITIVE_QUERY_PARAMS",
    "HttpRequest",
    "encode_query_component",
    "escape_path",
    "redact_header_pairs",
]

REDACTED = "<redacted>"
# Header and query names whose values are secrets (credentials, session material, keys
# that decrypt data): shown as "<redacted>" in every repr and log line qsmith formats.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-amz-security-token",
        "x-api-key",
        "cookie",
        "set-cookie",
        "x-amz-server-side-encryption-customer-key",
        "x-amz-copy-source-server-side-encryption-customer-key",
    }
)
SENSITIVE_QUERY_PARAMS = frozenset({"x-amz-signature", "x-amz-security-token", "x-amz-credential"})

_UNRESERVED = "-_.~"
# What a path keeps unescaped: RFC 3986 unreserved, sub-delims, ':', '@' and '/'. Every other
# character, and a '%' not starting an escape, is escaped; httpx leaves all of these as they
# are, so an escaped path is sent byte for byte.
_PATH_KEEP = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/")
_HEX = frozenset(string.hexdigits)


def parse_query_string(text: str) -> list[tuple[str, str]]:
    """Decode ``a=b&c`` into pairs, repeated names kept.

    A ``+`` stays a plus: RFC 3986 queries are not HTML form data, and SigV4 signs a
    literal plus as ``%2B``.
    """
    pairs = []
    for part in text.split("&") if text else ():
        name, _, value = part.partition("=")
        pairs.append((urllib.parse.unquote(name), urllib.parse.unquote(value)))
    return pairs


def redact_header_pairs(
    headers: Iterable[tuple[str, str]] | Mapping[str, str] | None,
) -> list[tuple[str, str]]:
    """The headers as ``(name, value)`` pairs, each sensitive value replaced by ``<redacted>``."""
    if headers is None:
        return []
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [(k, REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in pairs]


def escape_path(path: str) -> str:
    """``path`` with every character a URL path may not hold percent-encoded (UTF-8).

    Existing ``%XX`` escapes are kept as they are, so escaping an escaped path changes
    nothing. Raises ``UnicodeEncodeError`` for text that is not valid Unicode (a lone
    surrogate).
    """
    if all(char in _PATH_KEEP for char in path):
        return path
    out: list[str] = []
    index = 0
    while index < len(path):
        char = path[index]
        if char == "%" and len(path) >= index + 3 and set(path[index + 1 : index + 3]) <= _HEX:
            out.append(path[index : index + 3])
            index += 3
            continue
        out.append(char if char in _PATH_KEEP else urllib.parse.quote(char, safe=""))
        index += 1
    return "".join(out)


def encode_query_component(text: str) -> str:
    """Percent-encode a query name or value (UTF-8; only RFC 3986 unreserved kept)."""
    return urllib.parse.quote(text, safe=_UNRESERVED)


@functools.lru_cache(maxsize=256)
def _split_url(url: str) -> tuple[str, str, tuple[tuple[str, str], ...], str, int | None]:
    """A URL's parts as ``HttpRequest`` holds them; a client sends to the same few
    endpoints again and again, so each is parsed once."""
    parts = urllib.parse.urlsplit(url)
    query = tuple(parse_query_string(parts.query))
    return parts.hostname or "", parts.path or "/", query, parts.scheme or "https", parts.port


@dataclass(slots=True, eq=True)
class HttpRequest:
    """One HTTP request, ready to sign and send.

    ``body`` is either the whole payload as bytes or an iterable of byte chunks (a
    streaming upload, e.g. an event stream); a streaming body can only be signed with
    an unsigned or precomputed payload hash.
    """

    method: str
    host: str
    path: str = "/"
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    scheme: str = "https"
    port: int | None = None

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes | Iterable[bytes] = b"",
    ) -> HttpRequest:
        """Build a request from an absolute URL; its query is decoded into pairs."""
        host, path, query, scheme, port = _split_url(url)
        return cls(
            method=method,
            host=host,
            path=path,
            query=list(query),
            headers=list(headers),
            body=body,
            scheme=scheme,
            port=port,
        )

    def copy(self) -> HttpRequest:
        """A copy whose header and query lists can change without touching this one
        (``dataclasses.replace`` does the same, several times slower, on every call)."""
        return HttpRequest(
            method=self.method,
            host=self.host,
            path=self.path,
            query=list(self.query),
            headers=list(self.headers),
            body=self.body,
            scheme=self.scheme,
            port=self.port,
        )

    @property
    def authority(self) -> str:
        """``host[:port]``, the port left out when it is the scheme's default."""
        default = {"https": 443, "http": 80}.get(self.scheme)
        if self.port is None or self.port == default:
            return self.host
        return f"{self.host}:{self.port}"

    @property
    def query_string(self) -> str:
        """The query as sent: pairs in order, each part percent-encoded."""
        return "&".join(
            f"{encode_query_component(name)}={encode_query_component(value)}"
            for name, value in self.query
        )

    @property
    def target(self) -> str:
        """The request target (path plus query), as on the request line."""
        query = self.query_string
        return f"{self.path}?{query}" if query else self.path

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"

    def header(self, name: str) -> str | None:
        """The value of a header (case-insensitive); several values are joined by ','."""
        wanted = name.lower()
        values = [value for key, value in self.headers if key.lower() == wanted]
        return ",".join(values) if values else None

    def set_header(self, name: str, value: str) -> None:
        """Replace every header of that name (case-insensitive) by one, appended last."""
        self.remove_header(name)
        self.headers.append((name, value))

    def remove_header(self, name: str) -> None:
        wanted = name.lower()
        self.headers = [(key, value) for key, value in self.headers if key.lower() != wanted]

    def __repr__(self) -> str:
        headers = redact_header_pairs(self.headers)
        query = [
            (key, REDACTED if key.lower() in SENSITIVE_QUERY_PARAMS else value)
            for key, value in self.query
        ]
        body = f"<{len(self.body)} bytes>" if isinstance(self.body, bytes) else "<stream>"
        return (
            f"HttpRequest(method={self.method!r}, url={self.scheme}://{self.authority}"
            f"{self.path!s}, query={query!r}, headers={headers!r}, body={body})"
        )

    __str__ = __repr__

"""The rules engine's standard library: the functions a rule set may call by name.

Each function takes already-evaluated arguments and returns a value, or ``None`` for an
empty optional (which makes a condition fail). ``coalesce`` and ``ite`` are evaluated
lazily by the compiler and so are not in ``STANDARD_LIBRARY``; the AWS functions live in
``aws_functions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_HOST_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}\Z")
_PORT = re.compile(r"[0-9]{1,5}\Z")
_IPV4 = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}\Z")
_URI_SAFE = "-_.~"


def is_set(value: Any) -> bool:
    return value is not None


def negate(value: Any) -> bool | None:
    return None if value is None else not value


def boolean_equals(left: Any, right: Any) -> bool:
    return left is not None and left == right


def string_equals(left: Any, right: Any) -> bool:
    return left is not None and left == right


def is_valid_host_label(value: Any, allow_sub_domains: Any) -> bool:
    if not isinstance(value, str):
        return False
    if allow_sub_domains:
        return all(_HOST_LABEL.match(label) for label in value.split("."))
    return _HOST_LABEL.match(value) is not None


def substring(value: Any, start: int, stop: int, reverse: bool) -> str | None:
    if not isinstance(value, str) or not value.isascii():
        return None
    length = len(value)
    if start >= stop or length < stop:
        return None
    if reverse:
        return value[length - stop : length - start]
    return value[start:stop]


def uri_encode(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    from urllib.parse import quote  # rarely used by rule sets; keeps import time down

    return quote(value, safe=_URI_SAFE)


def split(value: Any, delimiter: Any, limit: Any) -> list[str] | None:
    """Split on a literal delimiter; ``limit`` > 0 caps the number of parts (0: no cap)."""
    if not isinstance(value, str) or not isinstance(delimiter, str) or not delimiter:
        return None
    if not isinstance(limit, int) or limit < 0:
        return None
    if limit == 0:
        return value.split(delimiter)
    return value.split(delimiter, limit - 1)


def parse_url(value: Any) -> dict[str, Any] | None:
    """Split an http(s) URL into scheme, authority, path, normalizedPath and isIp.

    A URL with a query string, a fragment, user info or a non-numeric port is rejected.
    """
    if not isinstance(value, str):
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or scheme not in ("http", "https"):
        return None
    if "?" in rest or "#" in rest:
        return None
    slash = rest.find("/")
    authority, path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    if not authority or "@" in authority:
        return None
    host = _host_of(authority)
    if host is None:
        return None
    normalized = path if path.endswith("/") else path + "/"
    if not normalized.startswith("/"):
        normalized = "/" + normalized
    return {
        "scheme": scheme,
        "authority": authority,
        "path": path,
        "normalizedPath": normalized,
        "isIp": _is_ip(host),
    }


def _host_of(authority: str) -> str | None:
    """The host of ``host[:port]`` or ``[v6][:port]``; ``None`` when the port is malformed."""
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return None
        host, tail = authority[: end + 1], authority[end + 1 :]
        if tail and not (tail.startswith(":") and _PORT.match(tail[1:])):
            return None
        return host
    host, colon, port = authority.partition(":")
    if colon and not _PORT.match(port):
        return None
    return host or None


def _is_ip(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        import ipaddress

        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if _IPV4.match(host):
        return all(int(octet) <= 255 for octet in host.split("."))
    return False


def parse_path(path: str) -> tuple[str | int, ...]:
    """Parse a ``getAttr`` path such as ``a.b[0]`` into keys and indexes.

    Raises ``ValueError`` with a description when the path is malformed.
    """
    steps: list[str | int] = []
    for part in path.split("."):
        bracket = part.find("[")
        if bracket < 0:
            if not part:
                raise ValueError(f"empty key in path {path!r}")
            steps.append(part)
            continue
        if bracket > 0:
            steps.append(part[:bracket])
        if not part.endswith("]"):
            raise ValueError(f"unterminated index in path {path!r}")
        try:
            steps.append(int(part[bracket + 1 : -1]))
        except ValueError:
            raise ValueError(f"index is not an integer in path {path!r}") from None
    return tuple(steps)


def get_path(value: Any, steps: tuple[str | int, ...]) -> Any:
    for step in steps:
        if type(step) is int:
            if not isinstance(value, list):
                return None
            size = len(value)
            index = step if step >= 0 else size + step
            if not 0 <= index < size:
                return None
            value = value[index]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        if value is None:
            return None
    return value


def get_attr(value: Any, path: str) -> Any:
    return get_path(value, parse_path(path))


# name -> (function, number of arguments, returns a plain bool)
STANDARD_LIBRARY: dict[str, tuple[Callable[..., Any], int, bool]] = {
    "isSet": (is_set, 1, True),
    "not": (negate, 1, False),
    "booleanEquals": (boolean_equals, 2, True),
    "stringEquals": (string_equals, 2, True),
    "isValidHostLabel": (is_valid_host_label, 2, True),
    "substring": (substring, 4, False),
    "uriEncode": (uri_encode, 1, False),
    "split": (split, 3, False),
    "parseURL": (parse_url, 1, False),
    "getAttr": (get_attr, 2, False),
}

"""httpx objects a user can reach (``error.raw_response``, ``stream.response``), made safe to print.

httpx masks only ``Authorization`` and ``Proxy-Authorization`` when it prints headers;
a SigV4 session token, an API key or a cookie would show in ``repr(response.headers)``
or ``repr(response.request.headers)``. ``redact_exchange`` turns both header objects into
``RedactedHeaders`` (in place): the same names and values (the request can still be inspected and
replayed), printed with every ``SENSITIVE_HEADERS`` value hidden.

This module imports httpx: only code that already holds an httpx object loads it.
"""

from __future__ import annotations

import contextlib

import httpx

from qsmith.runtime.http import redact_header_pairs

__all__ = ["RedactedHeaders", "redact_error_chain", "redact_exchange"]

# Causes and contexts followed from an error to the httpx errors (and requests) behind it.
_CHAIN_LIMIT = 8


class RedactedHeaders(httpx.Headers):
    """``httpx.Headers`` whose ``repr``/``str`` hide the values of sensitive headers."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({redact_header_pairs(self.multi_items())!r})"

    __str__ = __repr__


def _redacted(headers: httpx.Headers) -> httpx.Headers:
    if isinstance(headers, RedactedHeaders):
        return headers
    if type(headers) is httpx.Headers:
        # Every call passes here: re-typing the object in place (the subclass adds no
        # state) spares copying and re-validating each header, twice per call.
        headers.__class__ = RedactedHeaders
        return headers
    return RedactedHeaders(headers, encoding=headers.encoding)


def redact_request(request: httpx.Request) -> None:
    request.headers = _redacted(request.headers)


def redact_exchange(response: httpx.Response) -> None:
    """Make ``response`` and the request it answers print without secrets (in place)."""
    response.headers = _redacted(response.headers)
    try:
        request = response.request
    except RuntimeError:  # a response built without a request
        return
    redact_request(request)


def redact_error_chain(error: BaseException) -> None:
    """Redact the httpx requests and responses behind ``error`` and its causes."""
    seen: BaseException | None = error
    for _ in range(_CHAIN_LIMIT):
        if seen is None:
            return
        for attribute in ("raw_response", "response"):
            exposed = getattr(seen, attribute, None)
            if isinstance(exposed, httpx.Response):
                redact_exchange(exposed)
        if isinstance(seen, httpx.RequestError):
            # an httpx error raised without its request raises RuntimeError on access
            with contextlib.suppress(RuntimeError):
                redact_request(seen.request)
        seen = seen.__cause__ or seen.__context__

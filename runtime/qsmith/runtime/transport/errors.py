"""Transport failures as qsmith errors that say what happened, on which call, and where.

``map_httpx_error`` turns any httpx exception into one of these; each keeps the
operation name, the request URL with secrets redacted, and the raw ``httpx.Response``
when one had arrived (a connection dropped while reading the body).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qsmith.runtime.errors import RequestTimeoutError, TransportError
from qsmith.runtime.redaction import redact_text, redact_url

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CallTimeoutError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "IdleTimeoutError",
    "PoolTimeoutError",
    "ProxyConnectError",
    "ReadTimeoutError",
    "TransportDetails",
    "UnexpectedTransportError",
    "WriteTimeoutError",
    "map_httpx_error",
]


class TransportDetails:
    """What every transport error carries; mixed into the qsmith families below."""

    operation: str | None
    url: str | None
    response: httpx.Response | None
    retryable: bool

    def _init_details(
        self,
        what: str,
        *,
        operation: str | None,
        url: str | None,
        response: httpx.Response | None,
        cause: str | None,
    ) -> str:
        self.operation = operation
        self.url = redact_url(url) if url else None
        self.response = response
        call = f"{operation} " if operation else ""
        where = f" ({self.url})" if self.url else ""
        detail = f": {redact_text(cause)}" if cause else ""
        return f"{call}request{where}: {what}{detail}"


class _Transport(TransportError, TransportDetails):
    what = "the transport failed"
    retryable = True

    def __init__(
        self,
        *,
        operation: str | None = None,
        url: str | None = None,
        response: httpx.Response | None = None,
        cause: str | None = None,
    ) -> None:
        super().__init__(
            self._init_details(
                self.what, operation=operation, url=url, response=response, cause=cause
            )
        )


class _Timeout(RequestTimeoutError, TransportDetails):
    what = "a timeout expired"
    retryable = True

    def __init__(
        self,
        *,
        operation: str | None = None,
        url: str | None = None,
        response: httpx.Response | None = None,
        cause: str | None = None,
        seconds: float | None = None,
    ) -> None:
        self.seconds = seconds
        what = self.what + (f" after {seconds:g} s" if seconds is not None else "")
        super().__init__(
            self._init_details(what, operation=operation, url=url, response=response, cause=cause)
        )


class ConnectionFailedError(_Transport):
    """No connection could be made (refused, DNS failure, TLS handshake failed)."""

    what = "could not connect"


class ConnectionDroppedError(_Transport):
    """The connection was reset or closed before the response was complete."""

    what = "the connection was closed before the response was complete"


class ProxyConnectError(_Transport):
    """The proxy refused or failed the connection."""

    what = "the proxy failed the request"
    retryable = False


class UnexpectedTransportError(_Transport):
    """An httpx failure with no more specific meaning (bad URL scheme, decoding)."""

    what = "the HTTP client failed"
    retryable = False


class ConnectTimeoutError(_Timeout):
    what = "the connect timeout expired"


class ReadTimeoutError(_Timeout):
    what = "the read timeout expired while waiting for the service"


class WriteTimeoutError(_Timeout):
    what = "the write timeout expired while sending the request"


class PoolTimeoutError(_Timeout):
    what = "no pooled connection became free in time"


class IdleTimeoutError(_Timeout):
    """No event (chunk) arrived within the idle timeout of a stream."""

    what = "the stream was idle too long"


class CallTimeoutError(_Timeout):
    """The whole call, retries included, took longer than its deadline."""

    what = "the call deadline expired"
    retryable = False


def map_httpx_error(
    error: Exception,
    *,
    operation: str | None = None,
    response: httpx.Response | None = None,
) -> TransportError:
    """The qsmith error for an httpx exception (raise it ``from error``)."""
    import httpx

    url: str | None = None
    try:
        url = str(error.request.url) if isinstance(error, httpx.RequestError) else None
    except RuntimeError:  # an httpx error raised without a request attached
        url = None
    cause = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    timeouts: list[tuple[type[Exception], type[_Timeout]]] = [
        (httpx.ConnectTimeout, ConnectTimeoutError),
        (httpx.ReadTimeout, ReadTimeoutError),
        (httpx.WriteTimeout, WriteTimeoutError),
        (httpx.PoolTimeout, PoolTimeoutError),
    ]
    for httpx_type, timeout_type in timeouts:
        if isinstance(error, httpx_type):
            return timeout_type(operation=operation, url=url, response=response, cause=cause)
    failures: list[tuple[type[Exception], type[_Transport]]] = [
        (httpx.ProxyError, ProxyConnectError),
        (httpx.ConnectError, ConnectionFailedError),
        (httpx.ReadError, ConnectionDroppedError),
        (httpx.WriteError, ConnectionDroppedError),
        (httpx.RemoteProtocolError, ConnectionDroppedError),
    ]
    for httpx_type, failure_type in failures:
        if isinstance(error, httpx_type):
            return failure_type(operation=operation, url=url, response=response, cause=cause)
    return UnexpectedTransportError(operation=operation, url=url, response=response, cause=cause)

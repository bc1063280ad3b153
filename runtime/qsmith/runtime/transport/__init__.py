"""How bytes move: httpx client configuration, deadlines, and transport errors.

See ``docs/design/retries-and-transport.md``.
"""

from qsmith.runtime.transport.config import TransportConfig, build_async_client, build_sync_client
from qsmith.runtime.transport.deadlines import Deadline, aiter_with_deadlines, iter_with_deadlines
from qsmith.runtime.transport.errors import (
    CallTimeoutError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    IdleTimeoutError,
    PoolTimeoutError,
    ProxyConnectError,
    ReadTimeoutError,
    TransportDetails,
    UnexpectedTransportError,
    WriteTimeoutError,
    map_httpx_error,
)

__all__ = [
    "CallTimeoutError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "Deadline",
    "IdleTimeoutError",
    "PoolTimeoutError",
    "ProxyConnectError",
    "ReadTimeoutError",
    "TransportConfig",
    "TransportDetails",
    "UnexpectedTransportError",
    "WriteTimeoutError",
    "aiter_with_deadlines",
    "build_async_client",
    "build_sync_client",
    "iter_with_deadlines",
    "map_httpx_error",
]

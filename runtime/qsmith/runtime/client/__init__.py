"""What generated clients stand on: configuration, the sans-I/O core and two shells.

``ClientBase`` (blocking) and ``AsyncClientBase`` (asyncio) are thin shells over
``ClientCore``; generated ``Client``/``AsyncClient`` classes subclass them and add one
typed method per operation.
"""

from qsmith.runtime.client.aio import AsyncClientBase
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.core import CallOptions, ClientCore
from qsmith.runtime.client.streams import AsyncEventStreamResponse, EventStreamResponse
from qsmith.runtime.client.sync import ClientBase

__all__ = [
    "AsyncClientBase",
    "AsyncEventStreamResponse",
    "CallOptions",
    "ClientBase",
    "ClientConfig",
    "ClientCore",
    "EventStreamResponse",
]

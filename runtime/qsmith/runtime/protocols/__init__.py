"""The JSON protocols, shared by every generated client and driven by the runtime schema.

``protocol_for(trait_id)`` gives the protocol object for a service's protocol trait;
each has ``serialize_request`` and ``deserialize_response`` (sans-I/O).
"""

from __future__ import annotations

from typing import Any

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.protocols.awsjson import AwsJson1_0, AwsJson1_1
from qsmith.runtime.protocols.base import Protocol
from qsmith.runtime.protocols.restjson import RestJson1

__all__ = ["PROTOCOLS", "AwsJson1_0", "AwsJson1_1", "Protocol", "RestJson1", "protocol_for"]

PROTOCOLS: dict[str, type[Protocol]] = {
    AwsJson1_0.id: AwsJson1_0,
    AwsJson1_1.id: AwsJson1_1,
    RestJson1.id: RestJson1,
}


def protocol_for(trait_id: str, **options: Any) -> Protocol:
    """A protocol instance for a protocol trait id (options go to ``Protocol``)."""
    try:
        cls = PROTOCOLS[trait_id]
    except KeyError:
        raise ConfigError(f"unsupported protocol {trait_id!r}") from None
    return cls(**options)

"""The protocols, shared by every generated client and driven by the runtime schema.

``protocol_for(trait_id)`` gives the protocol object for a service's protocol trait;
each has ``serialize_request`` and ``deserialize_response`` (sans-I/O). The JSON
protocols load with this package; the query, XML and CBOR ones (``LAZY_PROTOCOLS``)
load when a client of theirs is built, and their codecs with its first call.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.protocols.awsjson import AwsJson1_0, AwsJson1_1
from qsmith.runtime.protocols.base import Protocol
from qsmith.runtime.protocols.restjson import RestJson1

__all__ = [
    "LAZY_PROTOCOLS",
    "PROTOCOLS",
    "AwsJson1_0",
    "AwsJson1_1",
    "Protocol",
    "RestJson1",
    "protocol_for",
]

_EAGER_PROTOCOLS: dict[str, type[Protocol]] = {
    AwsJson1_0.id: AwsJson1_0,
    AwsJson1_1.id: AwsJson1_1,
    RestJson1.id: RestJson1,
}
# trait id -> (module, class): imported on first use, so JSON clients never load them.
LAZY_PROTOCOLS: dict[str, tuple[str, str]] = {
    "aws.protocols#awsQuery": ("qsmith.runtime.protocols.awsquery", "AwsQuery"),
    "aws.protocols#ec2Query": ("qsmith.runtime.protocols.ec2query", "Ec2Query"),
    "aws.protocols#restXml": ("qsmith.runtime.protocols.restxml", "RestXml"),
    "smithy.protocols#rpcv2Cbor": ("qsmith.runtime.protocols.rpcv2cbor", "RpcV2Cbor"),
    "smithy.protocols#rpcv2Json": ("qsmith.runtime.protocols.rpcv2json", "RpcV2Json"),
}


class _ProtocolTable(Mapping[str, type[Protocol]]):
    """Every supported protocol by trait id; a lazy one is imported when looked up."""

    def __getitem__(self, trait_id: str) -> type[Protocol]:
        if trait_id in _EAGER_PROTOCOLS:
            return _EAGER_PROTOCOLS[trait_id]
        module, name = LAZY_PROTOCOLS[trait_id]
        cls: type[Protocol] = getattr(importlib.import_module(module), name)
        return cls

    def __iter__(self) -> Iterator[str]:
        yield from _EAGER_PROTOCOLS
        yield from LAZY_PROTOCOLS

    def __len__(self) -> int:
        return len(_EAGER_PROTOCOLS) + len(LAZY_PROTOCOLS)

    def __contains__(self, trait_id: object) -> bool:
        return trait_id in _EAGER_PROTOCOLS or trait_id in LAZY_PROTOCOLS


PROTOCOLS: Mapping[str, type[Protocol]] = _ProtocolTable()


def protocol_for(trait_id: str, **options: Any) -> Protocol:
    """A protocol instance for a protocol trait id (options go to ``Protocol``)."""
    try:
        cls = PROTOCOLS[trait_id]
    except KeyError:
        raise ConfigError(f"unsupported protocol {trait_id!r}") from None
    return cls(**options)

"""The protocols, shared by every generated client and driven by the runtime schema.

This is the registry: the one place besides each protocol's own module that names a
protocol. ``choose_protocol`` picks a service's protocol (the caller's choice, else the
first of ``PROTOCOL_PREFERENCE`` the service speaks); ``protocol_for(trait_id)`` gives
its object, which answers every protocol question (see ``Protocol``). The JSON
protocols load with this package; the query, XML and CBOR ones (``LAZY_PROTOCOLS``)
load when a client of theirs is built, and their codecs with its first call. Adding a
protocol is adding its module and one line here.
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
    "PROTOCOL_PREFERENCE",
    "AwsJson1_0",
    "AwsJson1_1",
    "Protocol",
    "RestJson1",
    "choose_protocol",
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

# Where a service speaks several, clients speak awsJson1_0 by default, then JSON, then
# botocore's order for the rest (rest-xml, smithy-rpc-v2-cbor, query, ec2).
PROTOCOL_PREFERENCE = (
    AwsJson1_0.id,
    AwsJson1_1.id,
    RestJson1.id,
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "smithy.protocols#rpcv2Json",
)


def choose_protocol(name: str, speaks: tuple[str, ...], requested: str | None) -> str:
    """The trait id a client of service ``name`` (which ``speaks`` these) uses.

    ``requested`` is a trait id or its short name (``"restJson1"``).
    """
    if requested is not None:
        wanted = requested if "#" in requested else _by_short_name().get(requested, requested)
        if wanted not in speaks:
            raise ConfigError(
                f"{name} does not speak protocol {requested!r}; it speaks "
                + ", ".join(p.rpartition("#")[2] for p in speaks)
            )
        return wanted
    for candidate in PROTOCOL_PREFERENCE:
        if candidate in speaks:
            return candidate
    raise ConfigError(f"{name} declares no protocol qsmith supports: {speaks}")


def _by_short_name() -> dict[str, str]:
    return {trait_id.rpartition("#")[2]: trait_id for trait_id in PROTOCOLS}


def protocol_for(trait_id: str, **options: Any) -> Protocol:
    """A protocol instance for a protocol trait id (options go to ``Protocol``)."""
    try:
        cls = PROTOCOLS[trait_id]
    except KeyError:
        raise ConfigError(f"unsupported protocol {trait_id!r}") from None
    return cls(**options)

"""The endpoint a call sends to: argument, environment, config file, then the rules.

The settings are checked once per client (``ClientEndpoints``); the rules run per call,
with the operation's context parameters (``@contextParam`` members,
``@staticContextParams``, ``@operationContextParams`` paths) bound from its input, and
each resolution is cached by its parameter values, so a client whose calls bind the same
values (most clients bind none) resolves once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.endpoints.model import Endpoint
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.schema import OperationSchema, Schema, ServiceSchema, ShapeType

CONTEXT_PARAM = "smithy.rules#contextParam"
STATIC_CONTEXT_PARAMS = "smithy.rules#staticContextParams"
OPERATION_CONTEXT_PARAMS = "smithy.rules#operationContextParams"
_CACHE_LIMIT = 256  # distinct parameter sets kept per client

__all__ = [
    "CONTEXT_PARAM",
    "OPERATION_CONTEXT_PARAMS",
    "STATIC_CONTEXT_PARAMS",
    "ClientEndpoints",
    "EndpointBindings",
    "client_parameters",
    "resolve_endpoint",
    "sigv4_path_switches",
    "sigv4_signing_region",
]


def resolve_endpoint(
    service: ServiceSchema,
    config: ClientConfig,
    region: str | None,
    *,
    profile: Mapping[str, str] | None = None,
) -> Endpoint:
    """The endpoint (URL and rule set properties) for every call of this client, checked
    before any request. ``profile`` holds the shared config profile's settings."""
    from qsmith.runtime.endpoints.config import EndpointResolver, configured_endpoint

    service_id = service.sdk_id or service.name
    if service.endpoint_rule_set is None:
        override = configured_endpoint(
            service_id, endpoint_url=config.endpoint_url, profile=profile
        )
        if override is None:
            raise ConfigError(
                f"{service.name} has no endpoint rules: pass endpoint_url= or set "
                "AWS_ENDPOINT_URL"
            )
        return Endpoint(override.url)
    resolver = EndpointResolver(
        dict(service.endpoint_rule_set),
        service_id=service_id,
        region=region,
        endpoint_url=config.endpoint_url,
        profile=profile,
        client_params=client_parameters(service, config),
    )
    return resolver.resolve()


def client_parameters(service: ServiceSchema, config: ClientConfig) -> dict[str, Any]:
    """``ClientConfig.endpoint_params``, each named as the service's rule set names it
    (S3's ``ForcePathStyle``, ``Accelerate``): a name the rule set lacks is refused."""
    given = dict(config.endpoint_params)
    rules = service.endpoint_rule_set or {}
    declared = rules.get("parameters") if isinstance(rules, Mapping) else None
    known = set(declared) if isinstance(declared, Mapping) else set()
    unknown = sorted(set(given) - known)
    if unknown:
        raise ConfigError(
            f"{service.name}: unknown endpoint parameter(s) {', '.join(unknown)}; "
            f"its rule set declares {', '.join(sorted(known)) or 'none'}"
        )
    return given


def sigv4_signing_region(endpoint: Endpoint) -> str | None:
    """The region the rule set says SigV4 signs for at this endpoint, if it says one.

    A service with one global endpoint (the toolkit telemetry service) signs for that
    endpoint's region whatever region the client was configured with.
    """
    for scheme in endpoint.auth_schemes:
        if scheme.get("name") == "sigv4" and isinstance(scheme.get("signingRegion"), str):
            return str(scheme["signingRegion"])
    return None


def sigv4_path_switches(endpoint: Endpoint) -> tuple[bool, bool]:
    """``(normalize_path, double_uri_encode)`` for SigV4 at this endpoint.

    Both are on unless the rule set's sigv4 auth scheme turns them off
    (``disableNormalizePath``, ``disableDoubleEncoding``), as S3's rules do: an object key
    is signed exactly as it is sent.
    """
    for scheme in endpoint.auth_schemes:
        if scheme.get("name") == "sigv4":
            return (
                scheme.get("disableNormalizePath") is not True,
                scheme.get("disableDoubleEncoding") is not True,
            )
    return True, True


@dataclass(frozen=True, slots=True)
class EndpointBindings:
    """Where one operation's endpoint parameters come from (read once from its traits)."""

    static: Mapping[str, object]
    members: Mapping[str, str]  # python name of an input member -> parameter
    paths: Mapping[str, str]  # parameter -> path into the input

    @classmethod
    def of(cls, operation: OperationSchema) -> EndpointBindings:
        members = {}
        for member in operation.input.members.values():
            name = _field(member.traits.get(CONTEXT_PARAM), "name")
            if isinstance(name, str):
                members[member.python_name] = name
        static = operation.traits.get(STATIC_CONTEXT_PARAMS)
        paths = operation.traits.get(OPERATION_CONTEXT_PARAMS)
        return cls(
            static={
                str(k): _field(v, "value")
                for k, v in _items(static)
                if _field(v, "value") is not None
            },
            members=members,
            paths={str(k): str(_field(v, "path")) for k, v in _items(paths) if _field(v, "path")},
        )

    @property
    def empty(self) -> bool:
        return not (self.static or self.members or self.paths)

    def bind(self, operation: OperationSchema, value: Any) -> dict[str, Any]:
        """The parameter values of one call, in precedence order (static wins)."""
        from qsmith.runtime.endpoints.context import (
            bind_operation_context,
            bind_static_context,
        )

        bound: dict[str, Any] = {}
        if self.paths:
            data = _plain(operation.input, value)
            trait = {name: {"path": path} for name, path in self.paths.items()}
            bound.update(bind_operation_context(trait, data if isinstance(data, dict) else {}))
        for python_name, parameter in self.members.items():
            member_value = getattr(value, python_name, None)
            if member_value is not None:
                bound[parameter] = _plain_scalar(member_value)
        if self.static:
            bound.update(bind_static_context({k: {"value": v} for k, v in self.static.items()}))
        return bound


class ClientEndpoints:
    """One client's endpoint settings, checked at construction, and its resolutions."""

    def __init__(
        self,
        service: ServiceSchema,
        config: ClientConfig,
        region: str | None,
        *,
        profile: Mapping[str, str] | None = None,
    ) -> None:
        from qsmith.runtime.endpoints.config import EndpointResolver, configured_endpoint

        self._fixed: Endpoint | None = None
        self._resolver: EndpointResolver | None = None
        service_id = service.sdk_id or service.name
        if service.endpoint_rule_set is None:
            override = configured_endpoint(
                service_id, endpoint_url=config.endpoint_url, profile=profile
            )
            if override is None:
                raise ConfigError(
                    f"{service.name} has no endpoint rules: pass endpoint_url= or set "
                    "AWS_ENDPOINT_URL"
                )
            self._fixed = Endpoint(override.url)
        else:
            self._resolver = EndpointResolver(
                dict(service.endpoint_rule_set),
                service_id=service_id,
                region=region,
                endpoint_url=config.endpoint_url,
                profile=profile,
                client_params=client_parameters(service, config),
            )
        self._bindings: dict[str, EndpointBindings] = {}
        self._cache: dict[tuple[tuple[str, Any], ...], Endpoint] = {}

    def bindings(self, operation: OperationSchema) -> EndpointBindings:
        found = self._bindings.get(operation.id)
        if found is None:
            found = self._bindings[operation.id] = EndpointBindings.of(operation)
        return found

    def resolve(self, context: Mapping[str, Any] | None = None) -> Endpoint:
        """The endpoint for these context parameter values (cached by them)."""
        if self._fixed is not None:
            return self._fixed
        key = tuple(sorted((k, _hashable(v)) for k, v in (context or {}).items()))
        found = self._cache.get(key)
        if found is None:
            assert self._resolver is not None
            found = self._resolver.resolve(context_members=context)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    def for_call(self, operation: OperationSchema, value: Any) -> Endpoint:
        """The endpoint of one call of ``operation`` with input ``value``."""
        bindings = self.bindings(operation)
        if bindings.empty or self._fixed is not None:
            return self.resolve()
        return self.resolve(bindings.bind(operation, value))


def _items(trait: object) -> list[tuple[object, object]]:
    return list(trait.items()) if isinstance(trait, Mapping) else []


def _field(spec: object, name: str) -> object:
    return spec.get(name) if isinstance(spec, Mapping) else None


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _plain_scalar(value: Any) -> Any:
    """A context value as the rules engine takes it (an enum member as its value)."""
    inner = getattr(value, "value", value)
    return inner if isinstance(inner, str | bool | int) else value


def _plain(schema: Schema, value: Any) -> Any:
    """An input value as plain data keyed by member name, for ``operationContextParams``."""
    if value is None:
        return None
    kind = schema.type
    if kind is ShapeType.UNION:
        name = getattr(value, "member_name", None)
        if not isinstance(name, str) or name not in schema.members:
            return None
        return {name: _plain(schema.members[name].target, getattr(value, "value", None))}
    if kind is ShapeType.STRUCTURE:
        return {
            name: _plain(member.target, getattr(value, member.python_name, None))
            for name, member in schema.members.items()
        }
    if kind is ShapeType.LIST:
        member = schema.members["member"]
        return [_plain(member.target, item) for item in value]
    if kind is ShapeType.MAP:
        member = schema.members["value"]
        return {str(k): _plain(member.target, v) for k, v in value.items()}
    return _plain_scalar(value)

"""The endpoint a client sends to: argument, environment, config file, then the rules."""

from __future__ import annotations

from collections.abc import Mapping

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.endpoints.model import Endpoint
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.schema import ServiceSchema

__all__ = [
    "resolve_client_endpoint",
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
    )
    return resolver.resolve()


def resolve_client_endpoint(
    service: ServiceSchema,
    config: ClientConfig,
    region: str | None,
    *,
    profile: Mapping[str, str] | None = None,
) -> str:
    """The endpoint URL alone (see ``resolve_endpoint``)."""
    return resolve_endpoint(service, config, region, profile=profile).url


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

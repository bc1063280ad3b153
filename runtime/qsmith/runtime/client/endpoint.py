"""The endpoint a client sends to: argument, environment, config file, then the rules."""

from __future__ import annotations

from collections.abc import Mapping

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.schema import ServiceSchema

__all__ = ["resolve_client_endpoint"]


def resolve_client_endpoint(
    service: ServiceSchema,
    config: ClientConfig,
    region: str | None,
    *,
    profile: Mapping[str, str] | None = None,
) -> str:
    """The endpoint URL for every call of this client, checked before any request.

    ``profile`` holds the shared config profile's settings (its ``endpoint_url``).
    """
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
        return override.url
    resolver = EndpointResolver(
        dict(service.endpoint_rule_set),
        service_id=service_id,
        region=region,
        endpoint_url=config.endpoint_url,
        profile=profile,
    )
    return resolver.resolve().url

"""Resolving a client: everything settled once, when a generated client is constructed.

``ResolvedClient`` picks the protocol (``protocols.choose_protocol``) and reads the
service's customization traits, the region (argument, environment, shared config
profile), the endpoint settings (``client/endpoint.py``; the rules themselves run per
call), the identity sources, the retry strategy, the transport settings and the
interceptors. ``ClientCore`` (``client/core.py``) runs calls on it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.config_file import load_shared_config, selected_profile
from qsmith.runtime.auth.credentials.provider import CredentialProvider, StaticCredentialsProvider
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.schemes import BEARER, SIGV4, AuthResolver
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider, TokenProvider
from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.client.customizations import ServiceCustomizations
from qsmith.runtime.hooks import InterceptorChain
from qsmith.runtime.protocols import Protocol, choose_protocol, protocol_for
from qsmith.runtime.redaction import install_log_redaction
from qsmith.runtime.retry.config import create_retry_strategy, resolve_retry_settings
from qsmith.runtime.retry.standard import StandardRetryStrategy
from qsmith.runtime.schema import ServiceSchema
from qsmith.runtime.transport.config import TransportConfig

# platform (the User-Agent) is imported with the first request; see
# docs/design/lazy-imports.md.
if TYPE_CHECKING:
    from qsmith.runtime.endpoints.model import Endpoint

__all__ = ["PROFILE_SETTINGS", "VERSION", "ResolvedClient"]

VERSION = "0.1.0"
# Settings of the shared config profile a client reads (the rest belong to auth).
PROFILE_SETTINGS = ("region", "max_attempts", "retry_mode", "ca_bundle", "endpoint_url")


class ResolvedClient:
    """Everything about a client that is settled once: protocol, customizations, region,
    endpoint settings, identities, retry strategy, transport settings, interceptors."""

    def __init__(self, service: ServiceSchema, config: ClientConfig) -> None:
        # Before anything can log: httpx and httpcore records pass the redacting filter.
        install_log_redaction()
        self.service = service
        self.config = config
        self.protocol_id = choose_protocol(service.name, service.protocols, config.protocol)
        self.customizations = ServiceCustomizations(service, config)
        self.protocol: Protocol = protocol_for(
            self.protocol_id, **self.customizations.protocol_options(config)
        )
        self.profile_settings = _profile_settings(config.profile)
        self.region = (
            config.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or self.profile_settings.get("region")
        )
        from qsmith.runtime.client.endpoint import ClientEndpoints

        self.endpoints = ClientEndpoints(
            service, config, self.region, profile=self.profile_settings
        )
        self._auth: dict[tuple[str | None, tuple[bool, bool]], AuthResolver] = {}
        # The endpoint cache hands out the same Endpoint for the same parameters, so most
        # calls find their resolver by the endpoint itself (held: its id stays its own).
        self._auth_by_endpoint: dict[int, tuple[Endpoint, AuthResolver]] = {}
        self._identities = _identity_sources(service, config)
        if not _binds_context(service):
            # No call binds context parameters: the one endpoint resolves now, so a bad
            # setting fails at construction rather than on the first call.
            self.auth_for(self.endpoints.resolve())
        self.retry: StandardRetryStrategy = config.retry_strategy or create_retry_strategy(
            resolve_retry_settings(
                mode=config.retry_mode,
                max_attempts=config.max_attempts,
                config=self.profile_settings,
            )
        )
        self.transport = config.transport or TransportConfig.resolve(config=self.profile_settings)
        self.interceptors = InterceptorChain(config.interceptors)
        self._user_agent: str | None = None

    @property
    def endpoint_url(self) -> str:
        """The URL of a call that binds no context parameters."""
        return self.endpoints.resolve().url

    def auth_for(self, endpoint: Endpoint) -> AuthResolver:
        """The auth resolver of calls sent to ``endpoint`` (its SigV4 region and path rules),
        one per distinct signing setup; identities are shared between them."""
        known = self._auth_by_endpoint.get(id(endpoint))
        if known is not None and known[0] is endpoint:
            return known[1]
        from qsmith.runtime.client.endpoint import sigv4_path_switches, sigv4_signing_region

        key = (sigv4_signing_region(endpoint) or self.region, sigv4_path_switches(endpoint))
        found = self._auth.get(key)
        if found is None:
            credentials, tokens = self._identities
            found = self._auth[key] = AuthResolver(
                region=key[0] or "us-east-1",
                credentials=credentials,
                tokens=tokens,
                sigv4_normalize_path=key[1][0],
                sigv4_double_uri_encode=key[1][1],
            )
        if len(self._auth_by_endpoint) >= 256:
            self._auth_by_endpoint.clear()
        self._auth_by_endpoint[id(endpoint)] = (endpoint, found)
        return found

    @property
    def user_agent(self) -> str:
        """The User-Agent header, built with the first request (it needs ``platform``)."""
        if self._user_agent is None:
            self._user_agent = _user_agent(self.service, self.config.user_agent_extra)
        return self._user_agent


def _profile_settings(profile: str | None) -> dict[str, str]:
    """The client settings of the selected shared config profile (empty when absent)."""
    name = profile or selected_profile(os.environ)[0]
    settings = load_shared_config().profile(name) or {}
    return {key: settings[key] for key in PROFILE_SETTINGS if settings.get(key)}


def _user_agent(service: ServiceSchema, extra: str | None) -> str:
    import platform

    parts = [
        f"qsmith/{VERSION}",
        f"lang/python#{platform.python_version()}",
        f"api/{(service.sdk_id or service.name).replace(' ', '-')}#{service.version}",
    ]
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _identity_sources(
    service: ServiceSchema, config: ClientConfig
) -> tuple[CredentialProvider | None, TokenProvider | None]:
    """The configured identities, or the default chains of the schemes the service uses
    (a chain is built, and its modules loaded, only when needed)."""
    credentials = config.credentials
    if isinstance(credentials, AwsCredentials):
        credentials = StaticCredentialsProvider(credentials)
    elif credentials is None and SIGV4 in _all_schemes(service):
        from qsmith.runtime.auth.credentials.chain import default_credential_chain

        credentials = default_credential_chain(profile=config.profile)
    tokens = config.token
    if isinstance(tokens, BearerToken | str):
        tokens = StaticTokenProvider(tokens)
    elif tokens is None and BEARER in _all_schemes(service):
        from qsmith.runtime.auth.tokens.chain import default_token_chain

        tokens = default_token_chain(profile=config.profile)
    return credentials, tokens


def _binds_context(service: ServiceSchema) -> bool:
    """Whether any operation binds endpoint parameters from its input or traits."""
    from qsmith.runtime.client.endpoint import (
        CONTEXT_PARAM,
        OPERATION_CONTEXT_PARAMS,
        STATIC_CONTEXT_PARAMS,
    )

    for operation in service.operations.values():
        if (
            STATIC_CONTEXT_PARAMS in operation.traits
            or OPERATION_CONTEXT_PARAMS in operation.traits
        ):
            return True
        if any(CONTEXT_PARAM in m.traits for m in operation.input.members.values()):
            return True
    return False


def _all_schemes(service: ServiceSchema) -> set[str]:
    schemes = set(service.auth)
    for operation in service.operations.values():
        schemes.update(operation.auth or ())
    return schemes

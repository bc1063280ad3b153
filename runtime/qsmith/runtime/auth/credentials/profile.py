"""Credentials from a profile of the shared config and credentials files.

Within a profile the settings are tried in the AWS SDKs' order: role assumption
(``role_arn`` with ``source_profile``, ``credential_source`` or
``web_identity_token_file``), SSO (``sso_session`` or the legacy ``sso_start_url``),
static keys, then ``credential_process``. Source profiles chain (with cycle detection);
a profile naming itself as ``source_profile`` uses its own static keys.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qsmith.runtime.auth.credentials.config_file import (
    SharedConfig,
    default_paths,
    load_shared_config,
    selected_profile,
)
from qsmith.runtime.auth.credentials.provider import (
    CredentialProvider,
    CredentialsNotFound,
    EnvironmentCredentialsProvider,
)
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.errors import ConfigError

# The sources a profile may name (STS, SSO, a process, IMDS, a container agent) and httpx
# are imported where a profile uses them: a client whose profile holds static keys, or
# that never resolves credentials, does not pay for them (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import httpx

    from qsmith.runtime.auth.tokens.provider import TokenProvider

__all__ = ["ProfileCredentialsProvider", "selected_profile"]


@dataclass
class _Context:
    config: SharedConfig
    environ: Mapping[str, str]

    def where(self) -> str:
        files = [str(p) for p in (self.config.config_path, self.config.credentials_path) if p]
        if files:
            return " and ".join(files)
        config, credentials = default_paths(self.environ)
        return f"{config} or {credentials} (neither file exists)"


class ProfileCredentialsProvider:
    """The named profile, or the one ``AWS_PROFILE`` selects, or ``default``."""

    def __init__(
        self,
        profile: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._profile = profile
        self._environ = environ
        self._client = client

    @property
    def name(self) -> str:
        return f"shared config profile {self._profile_name()[0]}"

    def __repr__(self) -> str:
        return f"ProfileCredentialsProvider({self._profile_name()[0]!r})"

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _profile_name(self) -> tuple[str, bool]:
        if self._profile:
            return self._profile, True
        return selected_profile(self._env())

    def resolve_credentials(self) -> AwsCredentials:
        context = _Context(load_shared_config(self._env()), self._env())
        name, explicit = self._profile_name()
        if name not in context.config.profiles:
            if explicit:
                raise ConfigError(f"profile {name!r} is not defined in {context.where()}")
            raise CredentialsNotFound(f"no [default] profile in {context.where()}")
        return self._resolve(context, name, ())

    def _resolve(self, context: _Context, name: str, visited: tuple[str, ...]) -> AwsCredentials:
        profile = context.config.profiles.get(name)
        if profile is None:
            raise ConfigError(f"profile {name!r} (a source_profile) is not defined")
        if "role_arn" in profile and name not in visited:
            return self._assume_role(context, name, profile, visited)
        if "sso_session" in profile or "sso_start_url" in profile:
            return self._sso(context, name, profile).resolve_credentials()
        if "aws_access_key_id" in profile:
            return _static(name, profile)
        if "credential_process" in profile:
            from qsmith.runtime.auth.credentials.process import ProcessCredentialsProvider

            provider = ProcessCredentialsProvider(profile["credential_process"], profile=name)
            return provider.resolve_credentials()
        raise CredentialsNotFound(f"profile {name} holds no credential settings")

    def _source_credentials(
        self, context: _Context, name: str, profile: Mapping[str, str], visited: tuple[str, ...]
    ) -> AwsCredentials:
        source_profile = profile.get("source_profile")
        if source_profile:
            if source_profile == name:
                return _static(name, profile)
            if source_profile in visited:
                cycle = " -> ".join((*visited, name, source_profile))
                raise ConfigError(f"source_profile cycle: {cycle}")
            return self._resolve(context, source_profile, (*visited, name))
        from qsmith.runtime.auth.credentials.container import ContainerCredentialsProvider
        from qsmith.runtime.auth.credentials.imds import InstanceMetadataCredentialsProvider

        source = profile.get("credential_source")
        providers: dict[str, CredentialProvider] = {
            "Environment": EnvironmentCredentialsProvider(context.environ),
            "Ec2InstanceMetadata": InstanceMetadataCredentialsProvider(context.environ),
            "EcsContainer": ContainerCredentialsProvider(context.environ),
        }
        if source is None:
            raise ConfigError(
                f"profile {name}: role_arn needs source_profile, credential_source "
                f"or web_identity_token_file"
            )
        if source not in providers:
            raise ConfigError(
                f"profile {name}: credential_source {source!r} is not one of "
                f"{', '.join(providers)}"
            )
        return providers[source].resolve_credentials()

    def _assume_role(
        self, context: _Context, name: str, profile: Mapping[str, str], visited: tuple[str, ...]
    ) -> AwsCredentials:
        from qsmith.runtime.auth.credentials.sts import StsClient, sts_endpoint
        from qsmith.runtime.auth.credentials.web_identity import WebIdentityCredentialsProvider

        region = _region(profile, context.environ)
        sts = StsClient(region, endpoint=sts_endpoint(region, context.environ), client=self._client)
        session = profile.get("role_session_name") or f"qsmith-{int(time.time())}"
        if "web_identity_token_file" in profile:
            return WebIdentityCredentialsProvider(
                token_file=profile["web_identity_token_file"],
                role_arn=profile["role_arn"],
                session_name=session,
                sts=sts,
                environ={},
                label=f"web identity of profile {name}",
            ).resolve_credentials()
        source = self._source_credentials(context, name, profile, visited)
        duration = profile.get("duration_seconds")
        if duration is not None and not duration.isdigit():
            raise ConfigError(f"profile {name}: duration_seconds must be a whole number")
        assumed = sts.assume_role(
            source,
            profile["role_arn"],
            session,
            external_id=profile.get("external_id"),
            duration_seconds=int(duration) if duration else None,
        )
        return replace(assumed, source=f"profile {name} (assumed role {profile['role_arn']})")

    def _sso(self, context: _Context, name: str, profile: Mapping[str, str]) -> CredentialProvider:
        from qsmith.runtime.auth.credentials.sso import SsoCredentialsProvider, sso_portal_endpoint
        from qsmith.runtime.auth.tokens.oidc import OidcRefresher
        from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
        from qsmith.runtime.auth.tokens.token_file import (
            JsonTokenFile,
            SsoCacheTokenProvider,
            sso_cache_path,
        )

        session_name = profile.get("sso_session")
        tokens: TokenProvider
        if session_name:
            session = context.config.sso_sessions.get(session_name)
            if session is None:
                raise ConfigError(f"profile {name}: [sso-session {session_name}] is not defined")
            sso_region = session.get("sso_region") or profile.get("sso_region")
            store = JsonTokenFile(
                sso_cache_path(session_name),
                source=f"AWS SSO cache for session {session_name!r}",
            )
            tokens = RefreshingTokenProvider(store, OidcRefresher(client=self._client))
        else:
            sso_region = profile.get("sso_region")
            tokens = SsoCacheTokenProvider(profile["sso_start_url"])
        missing = [key for key in ("sso_account_id", "sso_role_name") if not profile.get(key)] + (
            [] if sso_region else ["sso_region"]
        )
        if missing or not sso_region:
            raise ConfigError(f"profile {name}: SSO settings missing: {', '.join(missing)}")
        return SsoCredentialsProvider(
            profile=name,
            sso_region=sso_region,
            account_id=profile["sso_account_id"],
            role_name=profile["sso_role_name"],
            token_provider=tokens,
            endpoint=sso_portal_endpoint(sso_region, context.environ),
            client=self._client,
        )


def _region(profile: Mapping[str, str], environ: Mapping[str, str]) -> str:
    return (
        environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or profile.get("region")
        or "us-east-1"
    )


def _static(name: str, profile: Mapping[str, str]) -> AwsCredentials:
    key = profile.get("aws_access_key_id", "")
    secret = profile.get("aws_secret_access_key", "")
    if not key or not secret:
        raise ConfigError(f"profile {name}: aws_access_key_id needs aws_secret_access_key")
    return AwsCredentials(
        key,
        secret,
        profile.get("aws_session_token") or None,
        source=f"shared config profile {name}",
    )

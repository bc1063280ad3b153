"""From an accounts file to one gateway backend per login, each with its own identity.

Each login keeps its own region and profile ARN (taken from the entry, else from the saved
or imported login, the region else from the profile ARN). Tokens qsmith refreshes (its own
saved logins, token files) go through ``SharedRefreshingTokenProvider``; imported logins
stay owned by their tool and are only re-read; ``sigv4`` logins sign with an AWS profile's
credentials for ``custom:`` models.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from qsmith.chat.routing import SIGV4_ENV_VAR
from qsmith.gateway.backend import Backend
from qsmith.gateway.chat_backend import ChatBackend
from qsmith.login.imported_token_provider import ImportedTokenProvider
from qsmith.login.other_tool_logins import read_import
from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.profiles import profile_region
from qsmith.login.session import import_paths, relogin_hint
from qsmith.login.state import LoginState
from qsmith.pool.accounts import IMPORTED_SOURCES, AccountsFileError, AccountSpec
from qsmith.pool.shared_refresh import SharedRefreshingTokenProvider
from qsmith.pool.state import StateStore
from qsmith.runtime.auth.credentials.chain import default_credential_chain
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.auth.tokens.refreshing import TokenRefresher
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile
from qsmith.runtime.errors import QsmithError

__all__ = ["DEFAULT_OPTIONS", "BackendOptions", "PoolLogin", "build_login"]


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """Settings every login's backend shares (``endpoint_url``: tests)."""

    endpoint_url: str | None = None
    max_attempts: int | None = None
    max_streams: int = 100


DEFAULT_OPTIONS = BackendOptions()


@dataclass(frozen=True, slots=True)
class PoolLogin:
    """One login of the pool; ``describe`` says where its identity comes from (no secret)."""

    name: str
    priority: int
    backend: Backend
    models: tuple[str, ...]
    region: str | None
    profile_arn: str | None
    describe: str
    # The Amazon Q bearer token source (None for SigV4 and Copilot): for GetUsageLimits.
    tokens: TokenProvider | None = None
    provider: str = "amazon-q"

    def serves(self, model: str) -> bool:
        return not self.models or model in self.models


@dataclass(frozen=True, slots=True)
class _Identity:
    tokens: TokenProvider | None
    region: str | None
    profile_arn: str | None
    describe: str


def build_login(
    spec: AccountSpec,
    state: StateStore,
    options: BackendOptions = DEFAULT_OPTIONS,
    environ: Mapping[str, str] | None = None,
) -> PoolLogin:
    environ = dict(os.environ if environ is None else environ)
    if spec.source == "copilot":
        return _copilot_login(spec)
    try:
        identity = _identity(spec, state, environ)
    except QsmithError as error:
        raise AccountsFileError(f"pool login {spec.name!r} ({spec.source}): {error}") from None
    region = spec.region or identity.region
    profile_arn = spec.profile_arn or identity.profile_arn
    if region is None and profile_arn is not None:
        region = profile_region(profile_arn)
    credentials = None
    if spec.source == "sigv4":
        environ[SIGV4_ENV_VAR] = "1"
        credentials = default_credential_chain(profile=spec.aws_profile, environ=environ)
    backend = ChatBackend(
        region=region,
        token=identity.tokens,
        credentials=credentials,
        profile_arn=profile_arn,
        models=spec.models,
        endpoint_url=options.endpoint_url,
        max_attempts=options.max_attempts,
        max_streams=options.max_streams,
        environ=environ,
    )
    return PoolLogin(
        spec.name,
        spec.priority,
        backend,
        spec.models,
        region,
        profile_arn,
        identity.describe,
        identity.tokens,
    )


def _identity(spec: AccountSpec, state: StateStore, environ: Mapping[str, str]) -> _Identity:
    paths = LoginPaths.from_environment(environ)
    if spec.source == "sigv4":
        return _Identity(None, None, None, f"AWS profile {spec.aws_profile or '(default)'}")
    if spec.source == "token-file":
        assert spec.path is not None
        store = JsonTokenFile(spec.path, source=f"token file {spec.path}")
        hint = f"write a fresh token to {spec.path}"
        tokens = _shared(spec, store, _refresher(spec.refresher), state, hint)
        return _Identity(tokens, None, None, f"token file {spec.path}")
    if spec.source in IMPORTED_SOURCES:
        source = import_paths(paths, spec.source, spec.path)
        imported = read_import(spec.source, source)
        reader = ImportedTokenProvider(spec.source, lambda: read_import(spec.source, source))
        region = imported.token.region
        return _Identity(reader, region, imported.profile_arn, f"{spec.source} login (imported)")
    if spec.config_dir is not None:  # another saved login: its record, and its token folder
        paths = replace(paths, config_dir=spec.config_dir)
    if spec.path is not None:
        paths = replace(paths, sso_cache_dir=spec.path)
    saved = LoginState.load(paths.state_file)
    describe = f"qsmith login ({saved.kind}) in {paths.config_dir}"
    if saved.imported:
        source = import_paths(paths, saved.owner, saved.import_path)
        owner = saved.owner
        reader = ImportedTokenProvider(owner, lambda: read_import(owner, source))
        return _Identity(reader, saved.region, saved.profile_arn, describe)
    store = JsonTokenFile(own_token_path(paths), source=f"qsmith login ({saved.kind})")
    tokens = _shared(spec, store, _refresher(saved.refresher), state, relogin_hint(saved))
    return _Identity(tokens, saved.region, saved.profile_arn, describe)


def _copilot_login(spec: AccountSpec) -> PoolLogin:
    from qsmith.pool.copilot import GITHUB_API, CopilotBackend, read_github_token

    assert spec.path is not None
    path = spec.path
    read_github_token(path)  # a missing or empty file is an error now, not at the first call
    backend = CopilotBackend(
        lambda: read_github_token(path),
        github_api=spec.github_api or GITHUB_API,
        models=spec.models,
    )
    describe = f"GitHub Copilot (token file {path})"
    return PoolLogin(
        spec.name, spec.priority, backend, spec.models, None, None, describe, provider="copilot"
    )


def _shared(
    spec: AccountSpec, store: JsonTokenFile, refresher: TokenRefresher, state: StateStore, hint: str
) -> SharedRefreshingTokenProvider:
    return SharedRefreshingTokenProvider(spec.name, store, refresher, state, login_hint=hint)


def _refresher(name: str) -> TokenRefresher:
    if name == "kiro-social":
        from qsmith.login.kiro_refresher import KiroSocialRefresher

        return KiroSocialRefresher()
    return OidcRefresher()

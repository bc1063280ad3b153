"""Where a bearer token comes from when none is given: a small chain of token sources.

In order: the ``QSMITH_BEARER_TOKEN`` variable; a token file (argument or
``QSMITH_TOKEN_FILE``); the AWS SSO cache of an sso-session (argument, or the
``sso_session`` of the selected profile); last, the login ``qsmith login`` saved, which
lives in the same cache as sso-session ``qsmith``. File sources refresh through the OIDC
refresher. (Logins imported from other tools are read by ``qsmith.login``, which the
runtime cannot import: pass ``qsmith.login.session.login_token_provider()`` as the token.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from qsmith.runtime.auth.credentials.config_file import load_shared_config, selected_profile
from qsmith.runtime.auth.errors import NoTokenError
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.provider import EnvTokenProvider, TokenProvider
from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile, sso_cache_path

__all__ = ["QSMITH_LOGIN_SESSION", "TOKEN_FILE_ENV_VAR", "TokenChain", "default_token_chain"]

TOKEN_FILE_ENV_VAR = "QSMITH_TOKEN_FILE"
# The sso-session name under which `qsmith login` saves its token in the AWS SSO cache.
QSMITH_LOGIN_SESSION = "qsmith"


class TokenChain:
    """Tries token providers in order; ``NoTokenError`` lists each source and why."""

    def __init__(self, providers: Sequence[TokenProvider]) -> None:
        self.providers = list(providers)

    @property
    def source(self) -> str:
        return "default token chain"

    def __repr__(self) -> str:
        return f"TokenChain({[p.source for p in self.providers]!r})"

    def resolve_token(self) -> BearerToken:
        attempts = []
        for provider in self.providers:
            try:
                return provider.resolve_token()
            except NoTokenError as exc:
                attempts.append(f"  - {provider.source}: {exc}")
        raise NoTokenError("no bearer token found; sources tried in order:\n" + "\n".join(attempts))


def _profile_sso_session(environ: Mapping[str, str], profile: str | None) -> str | None:
    name = profile or selected_profile(environ)[0]
    settings = load_shared_config(environ).profiles.get(name) or {}
    return settings.get("sso_session")


def default_token_chain(
    *,
    token_file: Path | None = None,
    sso_session: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> TokenChain:
    environ = os.environ if environ is None else environ
    providers: list[TokenProvider] = [EnvTokenProvider(environ=environ)]
    path = token_file or (
        Path(environ[TOKEN_FILE_ENV_VAR]) if environ.get(TOKEN_FILE_ENV_VAR) else None
    )
    if path is not None:
        providers.append(RefreshingTokenProvider(JsonTokenFile(path), OidcRefresher()))
    session = sso_session or _profile_sso_session(environ, profile)
    if session:
        store = JsonTokenFile(
            sso_cache_path(session), source=f"AWS SSO cache for session {session!r}"
        )
        providers.append(RefreshingTokenProvider(store, OidcRefresher()))
    if session != QSMITH_LOGIN_SESSION:
        store = JsonTokenFile(sso_cache_path(QSMITH_LOGIN_SESSION), source="qsmith login")
        providers.append(RefreshingTokenProvider(store, OidcRefresher()))
    return TokenChain(providers)

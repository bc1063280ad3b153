"""The current login: saving it, the token provider that serves it, whoami and logout.

qsmith's own token is the AWS SSO cache entry of the sso-session ``qsmith`` (written
atomically, mode 0600) and renews through ``RefreshingTokenProvider`` with the OIDC
refresher, or Kiro's for a taken-over Kiro social login. An imported login is served by
``ImportedTokenProvider`` from the other tool's store. ``login.json`` says which.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from qsmith.login.imported_token_provider import ImportedTokenProvider
from qsmith.login.kiro_refresher import KiroSocialRefresher
from qsmith.login.other_tool_logins import RELOGIN, ImportedLogin, read_import
from qsmith.login.paths import LoginPaths, own_token_path
from qsmith.login.state import BUILDER_ID, IDENTITY_CENTER, LoginState
from qsmith.runtime.auth.files import remove_abandoned_temporaries, write_private_json
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.timestamps import format_timestamp
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider, TokenRefresher
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile

__all__ = [
    "IMPORT_PATH_FIELDS",
    "Whoami",
    "import_paths",
    "login_token_provider",
    "logout",
    "relogin_hint",
    "save_own_login",
    "take_over",
    "whoami",
]

# Which LoginPaths field holds each tool's store.
IMPORT_PATH_FIELDS = {"q-cli": "q_cli_db", "kiro-cli": "kiro_cli_db", "kiro": "kiro_token_file"}


def save_own_login(paths: LoginPaths, token: BearerToken, state: LoginState) -> None:
    """Replace qsmith's token file (whole, atomically, 0600) and record the login."""
    data = {
        "accessToken": token.token,
        "expiresAt": format_timestamp(token.expiration) if token.expiration else None,
        "refreshToken": token.refresh_token,
        "region": token.region,
        "startUrl": token.start_url,
        "clientId": token.client_id,
        "clientSecret": token.client_secret,
    }
    write_private_json(own_token_path(paths), {k: v for k, v in data.items() if v is not None})
    state.save(paths.state_file)


def take_over(paths: LoginPaths, imported: ImportedLogin) -> LoginState:
    """Copy another tool's login into qsmith's store; qsmith refreshes it from now on."""
    state = LoginState(
        owner="qsmith",
        kind=imported.kind,
        region=imported.token.region,
        start_url=imported.token.start_url,
        refresher=imported.refresher,
        profile_arn=imported.profile_arn,
        profile_name=imported.profile_name,
        social_provider=imported.social_provider,
    )
    save_own_login(paths, imported.token, state)
    return state


def import_paths(paths: LoginPaths, owner: str, store: str | Path | None) -> LoginPaths:
    """``paths`` with the other tool's store replaced by ``store`` when one is given."""
    if store is None:
        return paths
    return replace(paths, **{IMPORT_PATH_FIELDS[owner]: Path(store)})


def relogin_hint(state: LoginState) -> str:
    if state.imported:
        return RELOGIN[state.owner]
    if state.kind == BUILDER_ID:
        return "log in again with `qsmith login`"
    if state.kind == IDENTITY_CENTER:
        return (
            f"log in again with `qsmith login --start-url {state.start_url} "
            f"--region {state.region}`"
        )
    return "sign in to Kiro again, then run `qsmith login --import kiro --take-over`"


def _refresher(state: LoginState) -> TokenRefresher:
    return KiroSocialRefresher() if state.refresher == "kiro-social" else OidcRefresher()


def login_token_provider(
    paths: LoginPaths | None = None, *, refresher: TokenRefresher | None = None
) -> TokenProvider:
    """The provider of the current login's token (raises ``NotLoggedInError`` if none)."""
    paths = paths or LoginPaths.from_environment()
    state = LoginState.load(paths.state_file)
    if state.imported:
        source = import_paths(paths, state.owner, state.import_path)
        return ImportedTokenProvider(state.owner, lambda: read_import(state.owner, source))
    store = JsonTokenFile(own_token_path(paths), source=f"qsmith login ({state.kind})")
    return RefreshingTokenProvider(
        store, refresher or _refresher(state), login_hint=relogin_hint(state)
    )


@dataclass(frozen=True, slots=True)
class Whoami:
    kind: str
    owner: str
    region: str | None
    expiration: datetime | None
    profile_arn: str | None
    profile_name: str | None
    source: str


def whoami(paths: LoginPaths) -> Whoami:
    """The current login, read without refreshing (no secret in the result)."""
    state = LoginState.load(paths.state_file)
    provider = login_token_provider(paths)
    assert isinstance(provider, RefreshingTokenProvider | ImportedTokenProvider)
    token = provider.peek_token()
    return Whoami(
        kind=state.kind,
        owner=state.owner,
        region=token.region or state.region,
        expiration=token.expiration,
        profile_arn=state.profile_arn,
        profile_name=state.profile_name,
        source=provider.source,
    )


def logout(paths: LoginPaths) -> str:
    """Forget the login; qsmith's own token file is deleted, another tool's is left alone.

    Temporaries left by a writer killed mid-write hold token material too: they go with it.
    """
    state = LoginState.load(paths.state_file)
    if not state.imported:
        token_path = own_token_path(paths)
        with contextlib.suppress(FileNotFoundError):
            token_path.unlink()
        with contextlib.suppress(FileNotFoundError):
            token_path.with_name(token_path.name + ".lock").unlink()
    remove_abandoned_temporaries(own_token_path(paths))
    paths.state_file.unlink()
    remove_abandoned_temporaries(paths.state_file)
    if state.imported:
        return (
            f"qsmith no longer uses the {state.owner} login; {state.owner}'s own login is "
            "untouched"
        )
    return f"logged out: removed the {state.kind} token from {own_token_path(paths).parent}"

"""The bearer token a conversation uses when the caller gives none.

Order: a token named by the environment (``QSMITH_BEARER_TOKEN``, ``QSMITH_TOKEN_FILE``)
wins, so tests and CI stay in control; then the ``qsmith login`` session when that package
is installed and someone is logged in; otherwise ``None``, which leaves the client's
default token chain (environment, token file, the profile's SSO cache) to decide.
``qsmith.login`` is imported lazily and optionally: chat works without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from qsmith.runtime.auth.tokens.chain import TOKEN_FILE_ENV_VAR
from qsmith.runtime.auth.tokens.provider import DEFAULT_TOKEN_ENV_VAR, TokenProvider
from qsmith.runtime.errors import QsmithError

__all__ = ["LOGIN_SESSION_MODULE", "login_profile_arn", "login_token_provider"]

LOGIN_SESSION_MODULE = "qsmith.login.session"


def login_token_provider(environ: Mapping[str, str]) -> TokenProvider | None:
    """The ``qsmith login`` token provider, or ``None`` to use the default chain."""
    if environ.get(DEFAULT_TOKEN_ENV_VAR) or environ.get(TOKEN_FILE_ENV_VAR):
        return None
    try:
        session = importlib.import_module(LOGIN_SESSION_MODULE)
    except ModuleNotFoundError:
        return None
    try:
        provider = session.login_token_provider()
    except QsmithError:  # not logged in, or an unreadable login record: the chain decides
        return None
    return provider if isinstance(provider, TokenProvider) else None


def login_profile_arn() -> str | None:
    """The Q Developer profile chosen at ``qsmith login``, if any (``None`` without a login)."""
    try:
        state_module = importlib.import_module("qsmith.login.state")
        paths_module = importlib.import_module("qsmith.login.paths")
    except ModuleNotFoundError:
        return None
    try:
        state = state_module.LoginState.load(paths_module.LoginPaths.from_environment().state_file)
    except QsmithError:
        return None
    arn = getattr(state, "profile_arn", None)
    return arn if isinstance(arn, str) else None

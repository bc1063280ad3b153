"""Whether a bearer login is at hand, so ``chat`` and ``serve`` can say so before the first call.

A login is at hand when the environment names a token (``QSMITH_BEARER_TOKEN``,
``QSMITH_TOKEN_FILE``) or ``qsmith login`` (own or imported) has one. The AWS SSO cache of a
profile is not consulted here: reading it may refresh a token over the network; a client
that finds one there still uses it, so this check only ever adds a hint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from qsmith.runtime.auth.tokens.chain import TOKEN_FILE_ENV_VAR
from qsmith.runtime.auth.tokens.provider import DEFAULT_TOKEN_ENV_VAR
from qsmith.runtime.errors import QsmithError

NO_LOGIN = "no login found (`qsmith login`, or $QSMITH_BEARER_TOKEN)"


def needs_bearer(model: str | None = None, region: str | None = None) -> bool:
    """Whether this model is reached with a bearer token (not SigV4 credentials)."""
    from qsmith.chat import resolve_route

    return resolve_route(model, region=region).bearer


def has_bearer_login(environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if environ.get(DEFAULT_TOKEN_ENV_VAR) or environ.get(TOKEN_FILE_ENV_VAR):
        return True
    from qsmith.login.session import login_token_provider

    try:
        login_token_provider()
    except QsmithError:
        return False
    return True

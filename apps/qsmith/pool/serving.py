"""``qsmith serve --accounts``: the gateway app over a pool, behind the key check and admin.

The gateway's own app is built as always (``create_app``) over a ``PooledBackend``; this
module only puts the key middleware in front of its ``/v1`` routes and sends ``/admin``
to the admin app when an admin key is configured (404 otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qsmith.gateway.app import GatewayConfig, create_app
from qsmith.pool.accounts import read_accounts
from qsmith.pool.admin import admin_app
from qsmith.pool.key_middleware import KeyMiddleware
from qsmith.pool.keys import KeyGate
from qsmith.pool.logins import DEFAULT_OPTIONS, BackendOptions, build_login
from qsmith.pool.passthrough import CopilotPassthrough
from qsmith.pool.pooled import PooledBackend
from qsmith.pool.quota import QuotaReader
from qsmith.pool.state import StateStore, open_state_store

__all__ = [
    "TeamApp",
    "TeamOptions",
    "build_pool",
    "serve_team",
    "team_app",
    "team_server_config",
]


@dataclass(frozen=True, slots=True)
class TeamOptions:
    accounts: Path
    state: str | None = None  # None: the default SQLite file; a path; or redis://...
    admin_key: str | None = None
    keys: frozenset[str] = frozenset()  # --api-key secrets (no limits)
    keepalive: float = 15.0
    backend: BackendOptions = DEFAULT_OPTIONS


class TeamApp:
    """Routes ``/admin`` to the admin app and everything else through the key check."""

    def __init__(
        self,
        gateway: ASGIApp,
        gate: KeyGate,
        admin: ASGIApp | None,
        quotas: QuotaReader | None = None,
    ) -> None:
        self.gateway = gateway
        self.keyed = KeyMiddleware(gateway, gate)
        self.admin = admin
        self.quotas = quotas

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.gateway(scope, self._lifespan(receive), send)
        elif scope["type"] == "http" and _is_admin(scope["path"]):
            await (self.admin or _not_found)(scope, receive, send)
        else:
            await self.keyed(scope, receive, send)

    def _lifespan(self, receive: Receive) -> Receive:
        """``receive`` that also starts the quota timer with the server and stops it."""

        async def watched() -> Message:
            message = await receive()
            if self.quotas is not None and message["type"] == "lifespan.startup":
                self.quotas.start()
            elif self.quotas is not None and message["type"] == "lifespan.shutdown":
                await self.quotas.stop()
            return message

        return watched


def _is_admin(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    body = json.dumps({"error": "the admin page is off: start with an admin key"}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def build_pool(options: TeamOptions, state: StateStore) -> PooledBackend:
    accounts = read_accounts(options.accounts)
    logins = [build_login(spec, state, options.backend) for spec in accounts.logins]
    return PooledBackend(logins, state, strategy=accounts.strategy, cooldown=accounts.cooldown)


def team_app(options: TeamOptions) -> TeamApp:
    state = open_state_store(options.state)
    pool = build_pool(options, state)
    gateway = CopilotPassthrough(
        create_app(pool, GatewayConfig(keepalive_interval=options.keepalive)), pool
    )
    quotas = QuotaReader(pool.logins, state, endpoint_url=options.backend.endpoint_url)
    admin = admin_app(pool, options.admin_key, quotas) if options.admin_key else None
    return TeamApp(gateway, KeyGate(state, options.keys), admin, quotas)


def team_server_config(options: TeamOptions, *, host: str, port: int, log_level: str) -> Any:
    """The uvicorn configuration (a ``uvicorn.Config``) of the team gateway."""
    import uvicorn

    return uvicorn.Config(team_app(options), host=host, port=port, log_level=log_level)


def serve_team(
    accounts: Path,
    state: str | None,
    admin_key: str | None,
    keys: frozenset[str],
    host: str,
    port: int,
    endpoint_url: str | None,
    keepalive: float,
    log_level: str,
    max_streams: int,
) -> None:
    """Run ``qsmith serve --accounts`` until it is stopped."""
    import uvicorn

    backend = BackendOptions(endpoint_url=endpoint_url, max_streams=max_streams)
    options = TeamOptions(accounts, state, admin_key, keys, keepalive, backend)
    uvicorn.Server(team_server_config(options, host=host, port=port, log_level=log_level)).run()

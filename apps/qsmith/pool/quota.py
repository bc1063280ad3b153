"""Each login's Amazon Q usage limits (``GetUsageLimits``), on a timer and on demand.

The answer is kept in the state store as the shared value ``quota:NAME`` (JSON), so every
replica and the admin page see the newest one whoever fetched it. Only bearer logins are
asked (the operation takes the login's token and profile ARN); a failure is kept too, with
its error kind, so the admin page says why a quota is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from qsmith.pool.logins import PoolLogin
from qsmith.pool.state import StateStore
from qsmith.runtime.errors import QsmithError

__all__ = ["QUOTA_INTERVAL", "QuotaReader"]

# Amazon Q counts usage per month; every ten minutes is fresh enough and cheap.
QUOTA_INTERVAL = 600.0
_log = logging.getLogger("qsmith.pool")


class QuotaReader:
    def __init__(
        self,
        logins: list[PoolLogin],
        state: StateStore,
        *,
        endpoint_url: str | None = None,
        interval: float = QUOTA_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.logins = [login for login in logins if login.tokens is not None]
        self.state = state
        self.endpoint_url = endpoint_url
        self.interval = interval
        self.clock = clock
        self._task: asyncio.Task[None] | None = None

    def quota(self, name: str) -> dict[str, Any] | None:
        """The last quota fetched for ``name`` (by any replica), or None."""
        value = self.state.shared_value(f"quota:{name}")
        return json.loads(value) if value else None

    async def fetch(self, login: PoolLogin) -> dict[str, Any]:
        """Ask the service now; the result (or the failure) is stored and returned."""
        try:
            entry = await self._ask(login)
        except QsmithError as error:
            entry = {"fetched_at": self.clock(), "error": f"{type(error).__name__}: {error}"}
            _log.warning("usage limits of pool login %s: %s", login.name, entry["error"])
        self.state.put_shared_value(f"quota:{login.name}", json.dumps(entry), fence=0)
        return entry

    async def _ask(self, login: PoolLogin) -> dict[str, Any]:
        from qsmith.clients.codewhisperer import AsyncClient
        from qsmith.runtime.client import ClientConfig

        config = ClientConfig(
            region=login.region or "us-east-1",
            token=login.tokens,
            endpoint_url=self.endpoint_url,
            max_attempts=1,
        )
        async with AsyncClient(config=config) as client:
            answer = await client.get_usage_limits(profile_arn=login.profile_arn)
        return {
            "fetched_at": self.clock(),
            "limits": [
                {
                    "type": limit.type,
                    "used": limit.current_usage,
                    "limit": limit.total_usage_limit,
                    "percent_used": limit.percent_used,
                }
                for limit in answer.limits or ()
            ],
            "days_until_reset": answer.days_until_reset,
            "next_reset": answer.next_date_reset.isoformat() if answer.next_date_reset else None,
        }

    async def fetch_all(self) -> None:
        for login in self.logins:
            await self.fetch(login)

    def start(self) -> None:
        """Fetch every login's limits now and then every ``interval`` seconds."""
        if self._task is None and self.logins:
            self._task = asyncio.get_running_loop().create_task(self._every_interval())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _every_interval(self) -> None:
        while True:
            await self.fetch_all()
            await asyncio.sleep(self.interval)

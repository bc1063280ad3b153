"""Recording what each answer cost, per login and per gateway key, in the state store.

The key a request came with is a context variable set by the key check
(``qsmith.pool.keys``), so the backend, which knows the login and the usage, records both
without the gateway's routes passing the key along. Days are UTC dates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from qsmith.gateway.backend import Usage
from qsmith.pool.state import Failure, StateStore

__all__ = ["CURRENT_KEY", "UsageRecorder", "utc_day"]

# The id of the gateway key of the request being served (None: no key in use).
CURRENT_KEY: ContextVar[str | None] = ContextVar("qsmith_pool_key", default=None)
_log = logging.getLogger("qsmith.pool")


def utc_day(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


class UsageRecorder:
    def __init__(self, state: StateStore, clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.clock = clock

    def _scopes(self, login: str) -> list[str]:
        key = CURRENT_KEY.get()
        return [f"login:{login}", *([f"key:{key}"] if key else [])]

    def answered(self, login: str, usage: Usage) -> None:
        counts = {
            "requests": 1,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cached_tokens": usage.cache_read_input_tokens,
            "credits": usage.credits,
        }
        self.state.add_usage(self._scopes(login), utc_day(self.clock()), counts)

    def failed(self, login: str, error: Exception, request_id: str | None) -> None:
        self.state.add_usage(
            self._scopes(login), utc_day(self.clock()), {"requests": 1, "errors": 1}
        )
        message = getattr(error, "message", None) or str(error)
        failure = Failure(self.clock(), login, type(error).__name__, message[:500], request_id)
        self.state.add_failure(failure)
        _log.warning(
            "pool login %s failed: %s (request id %s)", login, failure.kind, request_id or "-"
        )

"""The pool as a gateway ``Backend``: each turn goes to one login, the next if it is throttled.

Choosing: the logins that serve the model and are neither disabled nor cooling down, by
priority (lowest first) or round-robin. Failing over: a login that answers throttling or a
spent quota (``ThrottledError``, ``OverloadedError``: 402, ``MONTHLY_REQUEST_COUNT``,
``INSUFFICIENT_MODEL_CAPACITY``, 429 after the client's retries) is cooled down, longer
with each repeat; a login whose identity is gone (``LoginRequiredError``, e.g. a refresh
refused with ``invalid_grant``) is disabled until an admin enables it. In both cases the
turn moves to the next login, but only while no event of the answer has been yielded: once
the client has a byte, a failure ends the answer (the API's in-stream error) rather than
risk a second, different answer. Other errors (a bad request, a context overflow) would be
the same on any login and are raised at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass

from qsmith.gateway.backend import (
    BackendEvent,
    HealthStatus,
    ModelInfo,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.errors import (
    GatewayError,
    LoginRequiredError,
    ModelNotFoundError,
    OverloadedError,
    ThrottledError,
)
from qsmith.pool.logins import PoolLogin
from qsmith.pool.state import DEFAULT_COOLDOWN, CooldownPolicy, LoginHealth, StateStore
from qsmith.pool.usage import UsageRecorder

__all__ = ["LoginView", "NoLoginAvailableError", "PooledBackend"]

_log = logging.getLogger("qsmith.pool")
PROVIDERS = ("amazon-q", "copilot")
# Failures that belong to one login, so another login may well answer.
FAILOVER = (ThrottledError, OverloadedError, LoginRequiredError)


class NoLoginAvailableError(ThrottledError):
    """Every login that serves the model is cooling down or disabled."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class LoginView:
    """A login as the admin page shows it."""

    name: str
    priority: int
    region: str | None
    profile_arn: str | None
    describe: str
    health: LoginHealth
    state: str  # "ready", "cooling down", "disabled"


class PooledBackend:
    def __init__(
        self,
        logins: Sequence[PoolLogin],
        state: StateStore,
        *,
        strategy: str = "priority",
        cooldown: CooldownPolicy = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.logins = sorted(logins, key=lambda login: login.priority)
        self.state = state
        self.strategy = strategy
        self.cooldown = cooldown
        self.clock = clock
        self.usage = UsageRecorder(state, clock)
        self._turns = itertools.count()
        # Which model ids each login listed (learned by list_models).
        self._served: dict[str, frozenset[str]] = {}

    def login(self, name: str) -> PoolLogin:
        for login in self.logins:
            if login.name == name:
                return login
        raise KeyError(name)

    def views(self) -> list[LoginView]:
        now = self.clock()
        views = []
        for login in self.logins:
            health = self.state.health(login.name)
            state = "disabled" if health.disabled else "ready"
            if state == "ready" and not health.available(now):
                state = "cooling down"
            views.append(
                LoginView(
                    login.name,
                    login.priority,
                    login.region,
                    login.profile_arn,
                    login.describe,
                    health,
                    state,
                )
            )
        return views

    def candidates(self, model: str) -> list[tuple[PoolLogin, LoginHealth]]:
        """The logins to try for ``model``, in order, with their health (raises when none
        may be used)."""
        provider, model = split_provider(model)
        serving = [
            login
            for login in self.logins
            if self.serves(login, model) and (provider is None or login.provider == provider)
        ]
        if not serving:
            raise ModelNotFoundError(f"no login of the pool serves the model {model!r}")
        now = self.clock()
        healths = {login.name: self.state.health(login.name) for login in serving}
        ready = [(login, healths[login.name]) for login in serving]
        ready = [(login, health) for login, health in ready if health.available(now)]
        if not ready:
            raise _none_available(model, list(healths.values()), now)
        if self.strategy == "round-robin":
            start = next(self._turns) % len(ready)
            ready = ready[start:] + ready[:start]
        return ready

    def serves(self, login: PoolLogin, model: str) -> bool:
        """Whether ``login`` serves ``model``: its configured list, else what it listed
        (a login that has not listed its models yet is assumed to)."""
        return login.serves(model) and model in self._served.get(login.name, {model})

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        last: GatewayError | None = None
        candidates = self.candidates(request.model)
        request = dataclasses.replace(request, model=split_provider(request.model)[1])
        for login, health in candidates:
            answered = False
            try:
                events = login.backend.stream_turn(request)
                async with contextlib.aclosing(events) as stream:
                    async for event in stream:
                        if isinstance(event, TurnEnd):
                            self.record_answer(login, health, event.usage)
                        answered = True
                        yield event
                return
            except GatewayError as error:
                self.record_failure(login, error)
                if answered or not isinstance(error, FAILOVER):
                    raise
                _log.warning("pool login %s: %s; trying the next login", login.name, error.message)
                last = error
        assert last is not None
        raise last

    def record_answer(self, login: PoolLogin, health: LoginHealth, usage: Usage) -> None:
        """An answer came back whole: count it, and end the login's run of throttles."""
        self.usage.answered(login.name, usage)
        if health.strikes:
            self.state.note_recovered(login.name)

    def record_failure(self, login: PoolLogin, error: GatewayError) -> None:
        """Count the failure; cool the login down or disable it when the error says so."""
        self.usage.failed(login.name, error, _request_id(error))
        if isinstance(error, LoginRequiredError):
            self.state.set_disabled(login.name, error.message)
            _log.warning("pool login %s disabled: %s", login.name, error.message)
        elif isinstance(error, ThrottledError | OverloadedError):
            health = self.state.note_throttled(login.name, self.clock(), self.cooldown)
            rest = health.cooldown_until - self.clock()
            _log.warning("pool login %s cooling down for %.0f s", login.name, rest)

    async def list_models(self) -> list[ModelInfo]:
        found: dict[str, ModelInfo] = {}
        last: GatewayError | None = None
        for login in self.logins:
            if self.state.health(login.name).disabled:
                continue
            try:
                models = await login.backend.list_models()
            except GatewayError as error:
                last = error
                continue
            self._served[login.name] = frozenset(m.id for m in models)
            for model in models:
                found.setdefault(model.id, model)
                prefixed = f"{login.provider}/{model.id}"
                found.setdefault(prefixed, dataclasses.replace(model, id=prefixed))
        if not found and last is not None:
            raise last
        return list(found.values())

    def count_tokens(self, request: TurnRequest) -> int:
        return self.logins[0].backend.count_tokens(request)

    async def health(self) -> HealthStatus:
        views = self.views()
        ready = [v for v in views if v.state == "ready"]
        detail = "; ".join(f"{v.name}: {v.state}" for v in views)
        return HealthStatus(bool(ready), "pool", f"{len(ready)} of {len(views)} ready ({detail})")

    async def aclose(self) -> None:
        for login in self.logins:
            aclose = getattr(login.backend, "aclose", None)
            if aclose is not None:
                await aclose()


def split_provider(model: str) -> tuple[str | None, str]:
    """``copilot/gpt-4o`` -> ``("copilot", "gpt-4o")``; a name without one -> ``(None, name)``."""
    provider, slash, rest = model.partition("/")
    if slash and provider in PROVIDERS:
        return provider, rest
    return None, model


def _none_available(model: str, healths: list[LoginHealth], now: float) -> NoLoginAvailableError:
    resting = [h.cooldown_until - now for h in healths if not h.disabled]
    if not resting:
        reasons = "; ".join(f"{h.name}: {h.reason}" for h in healths)
        return NoLoginAvailableError(f"every login for {model!r} is disabled ({reasons})", None)
    wait = max(1.0, min(resting))
    return NoLoginAvailableError(
        f"every login for {model!r} is throttled; retry in {wait:.0f} s", wait
    )


def _request_id(error: BaseException) -> str | None:
    """The upstream request id of the service error behind ``error``, if any."""
    current: BaseException | None = error
    visited: set[int] = set()
    while current is not None and id(current) not in visited:  # chains may loop
        visited.add(id(current))
        request_id = getattr(current, "request_id", None)
        if isinstance(request_id, str):
            return request_id
        current = current.__cause__ or current.__context__
    return None

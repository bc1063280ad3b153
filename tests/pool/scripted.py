"""A scripted ``Backend`` standing for one login, and a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from qsmith.gateway.backend import (
    BackendEvent,
    HealthStatus,
    ModelInfo,
    TextDelta,
    TurnEnd,
    TurnRequest,
    Usage,
)
from qsmith.gateway.errors import GatewayError
from qsmith.pool.logins import PoolLogin

# One call's script: the events to yield, then an error to raise (or None to finish).
Script = tuple[tuple[BackendEvent, ...], GatewayError | None]


def answer(text: str = "hello", usage: Usage | None = None) -> Script:
    return (TextDelta(text), TurnEnd("end_turn", usage or Usage(10, 2))), None


def fail(error: GatewayError, *before: BackendEvent) -> Script:
    return tuple(before), error


@dataclass
class ScriptedBackend:
    """Answers each call with the next script, then with ``default`` forever."""

    default: Script = field(default_factory=answer)
    scripts: list[Script] = field(default_factory=list)
    calls: int = 0

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo("claude-sonnet-4")]

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        self.calls += 1
        events, error = self.scripts.pop(0) if self.scripts else self.default
        for event in events:
            yield event
        if error is not None:
            raise error

    def count_tokens(self, request: TurnRequest) -> int:
        return 1

    async def health(self) -> HealthStatus:
        return HealthStatus(True, "bearer", "scripted")


def login(name: str, backend: object, priority: int = 0) -> PoolLogin:
    return PoolLogin(name, priority, backend, (), "us-east-1", None, f"scripted {name}")  # type: ignore[arg-type]


@dataclass
class FakeClock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


Clock = Callable[[], float]

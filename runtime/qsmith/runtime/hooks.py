"""Interceptors: the client pipeline tells them about each attempt, for metrics and tracing.

An interceptor implements any of the ``Interceptor`` methods (missing ones are skipped).
They are plain synchronous calls made by both the sync and async shells, so they
must not block; an exception raised by an interceptor propagates and fails the call,
which makes a broken metrics hook visible instead of silently ignored.
The request an interceptor sees has been signed: use ``redact_url`` / ``repr`` (which
hide secrets) before logging it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.http import HttpRequest, redact_header_pairs

__all__ = [
    "AfterReceive",
    "AttemptContext",
    "AttemptOutcome",
    "BeforeSend",
    "InterceptorChain",
]


@dataclass(slots=True, kw_only=True)
class AttemptContext:
    """One attempt of one call. ``attributes`` is free for interceptors (e.g. a span)."""

    service: str
    operation: str
    attempt: int
    max_attempts: int
    request: HttpRequest
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptOutcome:
    """How the attempt ended: a status and headers, or the error raised instead."""

    http_status: int | None
    headers: Sequence[tuple[str, str]] = ()
    error: BaseException | None = None
    elapsed: float = 0.0  # seconds from send to response headers (or failure)
    will_retry: bool = False

    def __repr__(self) -> str:
        return (
            f"AttemptOutcome(http_status={self.http_status!r}, "
            f"headers={redact_header_pairs(self.headers)!r}, error={self.error!r}, "
            f"elapsed={self.elapsed!r}, will_retry={self.will_retry!r})"
        )


@runtime_checkable
class BeforeSend(Protocol):
    def before_send(self, context: AttemptContext) -> None: ...


@runtime_checkable
class AfterReceive(Protocol):
    def after_receive(self, context: AttemptContext, outcome: AttemptOutcome) -> None: ...


class InterceptorChain:
    """Calls each interceptor's methods in registration order (after_receive: reverse)."""

    def __init__(self, interceptors: Sequence[object] = ()) -> None:
        self._interceptors = list(interceptors)
        for interceptor in self._interceptors:
            if not isinstance(interceptor, BeforeSend | AfterReceive):
                raise ConfigError(
                    f"{type(interceptor).__name__} has neither before_send nor after_receive"
                )

    def add(self, interceptor: BeforeSend | AfterReceive) -> None:
        self._interceptors.append(interceptor)

    def before_send(self, context: AttemptContext) -> None:
        for interceptor in self._interceptors:
            if isinstance(interceptor, BeforeSend):
                interceptor.before_send(context)

    def after_receive(self, context: AttemptContext, outcome: AttemptOutcome) -> None:
        for interceptor in reversed(self._interceptors):
            if isinstance(interceptor, AfterReceive):
                interceptor.after_receive(context, outcome)

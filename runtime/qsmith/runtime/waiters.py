"""Smithy waiters (``smithy.waiters#waitable``): poll an operation until an acceptor says stop.

A generated ``wait_until_<name>()`` method hands ``wait_until`` (or ``async_wait_until``)
the waiter's acceptors, a function making one call and the request. Each attempt's
outcome (an output or a ``ServiceError``) is matched against the acceptors in model order;
the first that matches decides: ``success`` returns a ``WaiterResult``, ``failure`` raises
``WaiterError``, ``retry`` waits and calls again. With no match an error stops the waiter
(``unexpected_error``) and an output retries. Delays follow the Smithy waiter retry rule:
exponential from ``min_delay``, capped by ``max_delay``, drawn uniformly between
``min_delay`` and that cap, never waiting past ``max_wait_time`` (docs/design/waiters.md).

Output and input paths are JMESPath over the structures as the model names their members
(``Table.TableStatus``), evaluated by the ``jmespath`` package (extra ``qsmith[waiters]``),
which loads with the first acceptor that needs it.
"""

from __future__ import annotations

import enum
import functools
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from qsmith.runtime.errors import ConfigError, QsmithError, ServiceError

if TYPE_CHECKING:
    from qsmith.runtime.schema import OperationSchema, Schema

__all__ = [
    "Acceptor",
    "Waiter",
    "WaiterError",
    "WaiterFailure",
    "WaiterResult",
    "async_wait_until",
    "model_data",
    "wait_until",
    "waiter_delay",
]

I = TypeVar("I")  # noqa: E741 - the input structure
O = TypeVar("O")  # noqa: E741 - the output structure

State = Literal["success", "failure", "retry"]
MatcherKind = Literal["output", "inputOutput", "success", "errorType"]
Comparator = Literal["stringEquals", "booleanEquals", "allStringEquals", "anyStringEquals"]


@dataclass(frozen=True, slots=True)
class Acceptor:
    """One acceptor of a waiter: the state it moves to when its matcher matches.

    ``expected`` is the comparator's operand for ``output``/``inputOutput``, the error's
    shape name (or id) for ``errorType``, and ``"true"``/``"false"`` for ``success``.
    """

    state: State
    matcher: MatcherKind
    expected: str
    path: str = ""
    comparator: Comparator | None = None


@dataclass(frozen=True, slots=True)
class Waiter:
    """A waiter as the model declares it (delays in seconds, the Smithy defaults)."""

    name: str
    acceptors: tuple[Acceptor, ...]
    min_delay: float = 2.0
    max_delay: float = 120.0


@dataclass(frozen=True, slots=True)
class WaiterResult(Generic[O]):
    """How a waiter succeeded: the output of the attempt that matched (None when an
    error acceptor matched, as ``TableNotExists`` does), or that error."""

    output: O | None
    error: ServiceError | None
    attempts: int
    elapsed: float


class WaiterFailure(enum.StrEnum):
    """Why a waiter gave up."""

    FAILURE_STATE = "failure_state"  # a failure acceptor matched
    TIMED_OUT = "timed_out"  # max_wait_time passed while retrying
    UNEXPECTED_ERROR = "unexpected_error"  # the call failed and no acceptor matched


class WaiterError(QsmithError):
    """A waiter stopped without reaching its success state.

    ``last_output`` and ``last_error`` are the last attempt's outcome (one of them is
    set; ``last_output`` is the operation's output class); neither is rendered into the
    message, which names only the error's code.
    """

    def __init__(
        self,
        waiter: str,
        reason: WaiterFailure,
        *,
        attempts: int,
        elapsed: float,
        last_output: Any = None,
        last_error: QsmithError | None = None,
    ) -> None:
        self.waiter = waiter
        self.reason = reason
        self.attempts = attempts
        self.elapsed = elapsed
        self.last_output = last_output
        self.last_error = last_error
        super().__init__(self._describe())

    def _describe(self) -> str:
        what = {
            WaiterFailure.FAILURE_STATE: "a failure acceptor matched",
            WaiterFailure.TIMED_OUT: "the maximum wait time passed",
            WaiterFailure.UNEXPECTED_ERROR: "the call failed and no acceptor matched its error",
        }[self.reason]
        text = f"waiter {self.waiter}: {what} after {self.attempts} attempt(s), {self.elapsed:.1f}s"
        if self.last_error is not None:
            code = getattr(self.last_error, "code", None) or type(self.last_error).__name__
            text += f" (last error: {code})"
        return text


def waiter_delay(
    attempt: int,
    *,
    min_delay: float,
    max_delay: float,
    remaining: float,
    uniform: Callable[[float, float], float],
) -> tuple[float, bool]:
    """The delay before attempt ``attempt + 1`` and whether that attempt is the last.

    Exponential from ``min_delay`` (doubling per attempt up to the attempt where it would
    pass ``max_delay``, then ``max_delay``), drawn uniformly from ``[min_delay, that]``;
    when waiting that long would leave no more than ``min_delay`` of ``remaining``, the
    delay shrinks to ``remaining - min_delay`` and the next attempt is the last.
    """
    ceiling = math.log(max_delay / min_delay) / math.log(2) + 1 if max_delay > min_delay else 1
    cap = max_delay if attempt > ceiling else min(min_delay * 2 ** (attempt - 1), max_delay)
    delay = uniform(min_delay, cap)
    if remaining - delay <= min_delay:
        return max(remaining - min_delay, 0.0), True
    return delay, False


@dataclass
class _Run:
    """The state of one waiter run, shared by the sync and async loops."""

    waiter: Waiter
    operation: OperationSchema
    request: object
    max_wait_time: float
    min_delay: float
    max_delay: float
    clock: Callable[[], float]
    uniform: Callable[[float, float], float]
    started: float = 0.0
    attempts: int = 0
    last_attempt: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.min_delay <= self.max_delay:
            raise ConfigError(
                f"waiter {self.waiter.name}: min_delay ({self.min_delay}) must be > 0 and "
                f"<= max_delay ({self.max_delay})"
            )
        if self.max_wait_time <= 0:
            raise ConfigError(f"waiter {self.waiter.name}: max_wait_time must be > 0")
        self.started = self.clock()

    def judge(self, output: object, error: QsmithError | None) -> WaiterResult[Any] | float:
        """After one attempt: the result, a WaiterError raised, or the delay to sleep."""
        self.attempts += 1
        elapsed = self.clock() - self.started
        state = _matching_state(self.waiter, self.operation, self.request, output, error)
        if state == "success":
            service_error = error if isinstance(error, ServiceError) else None
            return WaiterResult(output, service_error, self.attempts, elapsed)
        if state == "failure" or (state is None and error is not None):
            reason = (
                WaiterFailure.FAILURE_STATE
                if state == "failure"
                else WaiterFailure.UNEXPECTED_ERROR
            )
            raise self._error(reason, elapsed, output, error) from error
        remaining = self.max_wait_time - elapsed
        if self.last_attempt or remaining <= 0:
            raise self._error(WaiterFailure.TIMED_OUT, elapsed, output, error) from error
        delay, self.last_attempt = waiter_delay(
            self.attempts,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            remaining=remaining,
            uniform=self.uniform,
        )
        return delay

    def _error(
        self, reason: WaiterFailure, elapsed: float, output: object, error: QsmithError | None
    ) -> WaiterError:
        return WaiterError(
            self.waiter.name,
            reason,
            attempts=self.attempts,
            elapsed=elapsed,
            last_output=output if error is None else None,
            last_error=error,
        )


def _run(
    waiter: Waiter,
    operation: OperationSchema,
    request: object,
    max_wait_time: float,
    min_delay: float | None,
    max_delay: float | None,
    clock: Callable[[], float],
    uniform: Callable[[float, float], float] | None,
) -> _Run:
    if uniform is None:
        import random

        uniform = random.uniform
    return _Run(
        waiter,
        operation,
        request,
        max_wait_time,
        waiter.min_delay if min_delay is None else min_delay,
        waiter.max_delay if max_delay is None else max_delay,
        clock,
        uniform,
    )


def wait_until(
    waiter: Waiter,
    call: Callable[[I], O],
    request: I,
    *,
    operation: OperationSchema,
    max_wait_time: float,
    min_delay: float | None = None,
    max_delay: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    uniform: Callable[[float, float], float] | None = None,
) -> WaiterResult[O]:
    """Call ``call(request)`` until the waiter succeeds; raise ``WaiterError`` otherwise."""
    run = _run(waiter, operation, request, max_wait_time, min_delay, max_delay, clock, uniform)
    while True:
        output: O | None = None
        error: QsmithError | None = None
        try:
            output = call(request)
        except QsmithError as exc:
            error = exc
        verdict = run.judge(output, error)
        if isinstance(verdict, WaiterResult):
            return verdict
        sleep(verdict)


async def async_wait_until(
    waiter: Waiter,
    call: Callable[[I], Awaitable[O]],
    request: I,
    *,
    operation: OperationSchema,
    max_wait_time: float,
    min_delay: float | None = None,
    max_delay: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    uniform: Callable[[float, float], float] | None = None,
) -> WaiterResult[O]:
    """The asyncio twin of ``wait_until`` (sleeps with ``asyncio.sleep`` by default)."""
    if sleep is None:
        import asyncio

        sleep = asyncio.sleep
    run = _run(waiter, operation, request, max_wait_time, min_delay, max_delay, clock, uniform)
    while True:
        output: O | None = None
        error: QsmithError | None = None
        try:
            output = await call(request)
        except QsmithError as exc:
            error = exc
        verdict = run.judge(output, error)
        if isinstance(verdict, WaiterResult):
            return verdict
        await sleep(verdict)


def _matching_state(
    waiter: Waiter,
    operation: OperationSchema,
    request: object,
    output: object,
    error: QsmithError | None,
) -> State | None:
    """The state of the first acceptor that matches this attempt, or None."""
    for acceptor in waiter.acceptors:
        if _matches(acceptor, operation, request, output, error):
            return acceptor.state
    return None


def _matches(
    acceptor: Acceptor,
    operation: OperationSchema,
    request: object,
    output: object,
    error: QsmithError | None,
) -> bool:
    if acceptor.matcher == "success":
        return (error is None) == (acceptor.expected == "true")
    if acceptor.matcher == "errorType":
        return isinstance(error, ServiceError) and _is_error_type(
            error, operation, acceptor.expected.rpartition("#")[2]
        )
    if error is not None:
        return False
    data = model_data(output, operation.output)
    if acceptor.matcher == "inputOutput":
        data = {"input": model_data(request, operation.input), "output": data}
    return _compare(acceptor, _search(acceptor.path, data))


def _is_error_type(error: ServiceError, operation: OperationSchema, name: str) -> bool:
    """The error's wire code is ``name`` (unmodeled errors too), or it is the modeled error
    shape of that name (whose code on the wire may differ: awsQuery's ``@awsQueryError``)."""
    if error.code == name:
        return True
    return any(
        schema.name == name
        and schema.python_type is not None
        and isinstance(error, schema.python_type)
        for schema in operation.errors
    )


def _compare(acceptor: Acceptor, found: object) -> bool:
    expected = acceptor.expected
    if acceptor.comparator == "stringEquals":
        return isinstance(found, str) and found == expected
    if acceptor.comparator == "booleanEquals":
        return isinstance(found, bool) and found == (expected == "true")
    if not isinstance(found, list):
        return False
    if acceptor.comparator == "allStringEquals":
        return bool(found) and all(isinstance(v, str) and v == expected for v in found)
    if acceptor.comparator == "anyStringEquals":
        return any(isinstance(v, str) and v == expected for v in found)
    raise ConfigError(f"unknown waiter comparator {acceptor.comparator!r}")


def model_data(value: object, schema: Schema) -> object:
    """``value`` as JMESPath sees it: structures and unions as dicts keyed by the model's
    member names, lists and maps of those; scalars (enum values are ``str``) unchanged."""
    from qsmith.runtime.schema import ShapeType
    from qsmith.runtime.values import UnionVariant, UnknownUnionMember

    if value is None:
        return None
    kind = schema.type
    if kind is ShapeType.STRUCTURE:
        return {
            m.name: model_data(getattr(value, m.python_name, None), m.target)
            for m in schema.members.values()
        }
    if kind is ShapeType.UNION:
        if isinstance(value, UnknownUnionMember):
            return {value.tag: value.raw}
        if isinstance(value, UnionVariant):
            member = schema.members[type(value).member_name]
            return {member.name: model_data(value.value, member.target)}
        return value
    if kind is ShapeType.LIST and isinstance(value, list | tuple):
        element = schema.members["member"].target
        return [model_data(v, element) for v in value]
    if kind is ShapeType.MAP and isinstance(value, dict):
        target = schema.members["value"].target
        return {k: model_data(v, target) for k, v in value.items()}
    return value


def _search(path: str, data: object) -> object:
    return _compiled(path).search(data)


@functools.cache
def _compiled(path: str) -> Any:
    import importlib

    try:
        # Imported by name: the package ships no type information, and only its
        # ``compile`` and error class are used.
        jmespath = importlib.import_module("jmespath")
    except ImportError as exc:  # pragma: no cover - jmespath is in [dev]
        raise ConfigError(
            "waiters evaluate JMESPath with the jmespath package: " "pip install 'qsmith[waiters]'"
        ) from exc
    try:
        return jmespath.compile(path)
    except jmespath.exceptions.JMESPathError as exc:
        raise ConfigError(f"waiter path {path!r} is not valid JMESPath: {exc}") from exc

"""The waiter loop (qsmith.runtime.waiters) on a fake clock: acceptors, delays, give-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from qsmith.runtime.errors import ConfigError, QsmithError, ServiceError, TransportError
from qsmith.runtime.schema import MemberSchema, OperationSchema, Schema, ShapeType
from qsmith.runtime.waiters import (
    Acceptor,
    Waiter,
    WaiterError,
    WaiterFailure,
    WaiterResult,
    async_wait_until,
    model_data,
    wait_until,
    waiter_delay,
)

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
STRINGS = Schema(
    id="t#Names",
    type=ShapeType.LIST,
    members={"member": MemberSchema(name="member", python_name="member", target_ref=STRING)},
)
TABLE = Schema(
    id="t#Table",
    type=ShapeType.STRUCTURE,
    members={
        "TableStatus": MemberSchema(
            name="TableStatus", python_name="table_status", target_ref=STRING
        ),
        "Names": MemberSchema(name="Names", python_name="names", target_ref=STRINGS),
    },
)
OUTPUT = Schema(
    id="t#Out",
    type=ShapeType.STRUCTURE,
    members={"Table": MemberSchema(name="Table", python_name="table", target_ref=TABLE)},
)
INPUT = Schema(
    id="t#In",
    type=ShapeType.STRUCTURE,
    members={"Name": MemberSchema(name="Name", python_name="name", target_ref=STRING)},
)
OPERATION = OperationSchema(id="t#Describe", input=INPUT, output=OUTPUT)


@dataclass
class Table:
    table_status: str | None = None
    names: list[str] | None = None


@dataclass
class Out:
    table: Table | None = None


@dataclass
class In:
    name: str


class NotFound(ServiceError):
    pass


TABLE_EXISTS = Waiter(
    "TableExists",
    (
        Acceptor("success", "output", "ACTIVE", "Table.TableStatus", "stringEquals"),
        Acceptor("failure", "output", "DELETING", "Table.TableStatus", "stringEquals"),
        Acceptor("retry", "errorType", "ResourceNotFoundException"),
    ),
    min_delay=2.0,
    max_delay=120.0,
)


@dataclass
class FakeTime:
    """A clock that advances only by what the waiter sleeps (plus a fixed cost per call)."""

    now: float = 0.0
    call_cost: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def script(time: FakeTime, *outcomes: object) -> object:
    """A call returning (or raising) each outcome in turn, the last one forever."""
    queue = list(outcomes)
    requests: list[object] = []

    def call(request: object) -> object:
        requests.append(request)
        time.now += time.call_cost
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    call.requests = requests  # type: ignore[attr-defined]
    return call


def run(time: FakeTime, call: object, waiter: Waiter = TABLE_EXISTS, **kwargs: object) -> object:
    options: dict[str, object] = {"max_wait_time": 300.0, "uniform": lambda lo, hi: hi, **kwargs}
    return wait_until(
        waiter,
        call,  # type: ignore[arg-type]
        In("t"),
        operation=OPERATION,
        clock=time.clock,
        sleep=time.sleep,
        **options,  # type: ignore[arg-type]
    )


def not_found() -> NotFound:
    return NotFound("no table", code="ResourceNotFoundException", http_status=400)


def test_retries_through_errors_and_states_until_success() -> None:
    time = FakeTime()
    active = Out(Table("ACTIVE"))
    call = script(time, not_found(), Out(Table("CREATING")), active)
    result = run(time, call)
    assert result.output is active and result.error is None  # type: ignore[attr-defined]
    assert result.attempts == 3  # type: ignore[attr-defined]
    # Exponential from min_delay: 2, then 4 (the fake jitter draws the upper bound).
    assert time.sleeps == [2.0, 4.0]


def test_delays_double_up_to_max_delay_and_jitter_stays_in_bounds() -> None:
    draws: list[tuple[float, float]] = []

    def uniform(lo: float, hi: float) -> float:
        draws.append((lo, hi))
        return (lo + hi) / 2

    delays = [
        waiter_delay(n, min_delay=2, max_delay=20, remaining=1000, uniform=uniform)[0]
        for n in range(1, 7)
    ]
    assert [hi for _, hi in draws] == [2, 4, 8, 16, 20, 20]
    assert all(lo == 2 for lo, _ in draws)
    assert delays == [2, 3, 5, 9, 11, 11]


def test_the_last_delay_is_cut_to_the_time_left_then_the_waiter_times_out() -> None:
    time = FakeTime(call_cost=1.0)
    call = script(time, Out(Table("CREATING")))
    with pytest.raises(WaiterError) as caught:
        run(time, call, max_wait_time=21.0)
    error = caught.value
    assert error.reason is WaiterFailure.TIMED_OUT
    assert isinstance(error, QsmithError)
    assert error.last_output == Out(Table("CREATING")) and error.last_error is None
    # Each call costs 1 s: sleeps 2, 4, 8 (elapsed 18 after the 4th call); 16 would pass
    # the limit, so the delay is cut to 21 - 18 - min_delay = 1 and one last attempt runs.
    assert time.sleeps == [2.0, 4.0, 8.0, 1.0]
    assert error.attempts == 5
    assert time.now <= 21.0


def test_a_failure_acceptor_stops_with_the_last_output() -> None:
    time = FakeTime()
    deleting = Out(Table("DELETING"))
    with pytest.raises(WaiterError) as caught:
        run(time, script(time, Out(Table("CREATING")), deleting))
    assert caught.value.reason is WaiterFailure.FAILURE_STATE
    assert caught.value.last_output is deleting
    assert "TableExists" in str(caught.value) and "failure acceptor" in str(caught.value)


def test_an_error_no_acceptor_matches_stops_at_once() -> None:
    time = FakeTime()
    denied = ServiceError("secret-canary details", code="AccessDeniedException")
    with pytest.raises(WaiterError) as caught:
        run(time, script(time, denied))
    error = caught.value
    assert error.reason is WaiterFailure.UNEXPECTED_ERROR
    assert error.last_error is denied and error.__cause__ is denied
    assert error.attempts == 1 and time.sleeps == []
    assert "AccessDeniedException" in str(error) and "secret-canary" not in str(error)


def test_a_transport_error_is_unexpected_too() -> None:
    time = FakeTime()
    with pytest.raises(WaiterError) as caught:
        run(time, script(time, TransportError("connection reset")))
    assert caught.value.reason is WaiterFailure.UNEXPECTED_ERROR


def test_error_type_success_returns_the_error() -> None:
    time = FakeTime()
    gone = Waiter(
        "TableNotExists", (Acceptor("success", "errorType", "x#ResourceNotFoundException"),)
    )
    missing = not_found()
    result = run(time, script(time, Out(Table("ACTIVE")), missing), gone)
    assert result.output is None and result.error is missing  # type: ignore[attr-defined]


def test_success_matcher_true_and_false() -> None:
    time = FakeTime()
    exists = Waiter("Exists", (Acceptor("success", "success", "true"),))
    assert run(time, script(time, Out()), exists).attempts == 1  # type: ignore[attr-defined]
    absent = Waiter("Absent", (Acceptor("success", "success", "false"),))
    assert run(time, script(time, not_found()), absent).attempts == 1  # type: ignore[attr-defined]
    with pytest.raises(WaiterError):
        run(time, script(time, not_found()), exists)
    result = run(time, script(time, Out(), Out(), not_found()), absent)
    assert result.attempts == 3  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("comparator", "expected", "names", "matches"),
    [
        ("allStringEquals", "a", ["a", "a"], True),
        ("allStringEquals", "a", ["a", "b"], False),
        ("allStringEquals", "a", [], False),
        ("anyStringEquals", "b", ["a", "b"], True),
        ("anyStringEquals", "c", ["a", "b"], False),
        ("anyStringEquals", "c", None, False),
    ],
)
def test_list_comparators(comparator: str, expected: str, names: object, matches: bool) -> None:
    time = FakeTime()
    waiter = Waiter(
        "Names",
        (Acceptor("success", "output", expected, "Table.Names", comparator),),  # type: ignore[arg-type]
    )
    call = script(time, Out(Table(names=names)))  # type: ignore[arg-type]
    if matches:
        assert run(time, call, waiter).attempts == 1  # type: ignore[attr-defined]
    else:
        with pytest.raises(WaiterError) as caught:
            run(time, call, waiter, max_wait_time=10.0)
        assert caught.value.reason is WaiterFailure.TIMED_OUT


def test_boolean_and_length_paths() -> None:
    time = FakeTime()
    waiter = Waiter(
        "Two",
        (Acceptor("success", "output", "true", "length(Table.Names) > `1`", "booleanEquals"),),
    )
    result = run(time, script(time, Out(Table(names=["a"])), Out(Table(names=["a", "b"]))), waiter)
    assert result.attempts == 2  # type: ignore[attr-defined]


def test_input_output_matcher_sees_both_by_model_names() -> None:
    time = FakeTime()
    waiter = Waiter(
        "Same",
        (
            Acceptor(
                "success",
                "inputOutput",
                "true",
                "input.Name == output.Table.TableStatus",
                "booleanEquals",
            ),
        ),
    )
    result = run(time, script(time, Out(Table("x")), Out(Table("t"))), waiter)
    assert result.attempts == 2  # type: ignore[attr-defined]


def test_model_data_uses_member_names() -> None:
    assert model_data(Out(Table("ACTIVE", ["a"])), OUTPUT) == {
        "Table": {"TableStatus": "ACTIVE", "Names": ["a"]}
    }
    assert model_data(Out(), OUTPUT) == {"Table": None}


def test_bad_delays_and_paths_are_config_errors() -> None:
    time = FakeTime()
    with pytest.raises(ConfigError, match="min_delay"):
        run(time, script(time, Out()), min_delay=10.0, max_delay=5.0)
    with pytest.raises(ConfigError, match="max_wait_time"):
        run(time, script(time, Out()), max_wait_time=0.0)
    broken = Waiter("Broken", (Acceptor("success", "output", "x", "Table.[", "stringEquals"),))
    with pytest.raises(ConfigError, match="not valid JMESPath"):
        run(time, script(time, Out()), broken)


async def test_async_waiter_sleeps_between_attempts() -> None:
    time = FakeTime()
    outcomes: list[Out | NotFound] = [not_found(), Out(Table("CREATING")), Out(Table("ACTIVE"))]

    async def call(request: In) -> Out:
        outcome = outcomes.pop(0)
        if isinstance(outcome, NotFound):
            raise outcome
        return outcome

    async def sleep(seconds: float) -> None:
        time.sleep(seconds)

    result = await async_wait_until(
        TABLE_EXISTS,
        call,
        In("t"),
        operation=OPERATION,
        max_wait_time=300.0,
        clock=time.clock,
        sleep=sleep,
        uniform=lambda lo, hi: lo,
    )
    assert result.output == Out(Table("ACTIVE")) and result.attempts == 3
    assert time.sleeps == [2.0, 2.0]


def test_error_type_matches_the_modeled_shape_whatever_its_wire_code() -> None:
    """awsQuery's @awsQueryError gives a shape another code: both names match."""
    fault = Schema(id="t#TableNotFoundFault", type=ShapeType.STRUCTURE, python_type_ref=NotFound)
    operation = OperationSchema(id="t#Describe", input=INPUT, output=OUTPUT, errors=(fault,))
    time = FakeTime()
    for expected in ("TableNotFoundFault", "t#TableNotFoundFault", "TableNotFound"):
        waiter = Waiter("Gone", (Acceptor("success", "errorType", expected),))
        error = NotFound("gone", code="TableNotFound")
        result: WaiterResult[object] = wait_until(
            waiter,
            script(time, error),  # type: ignore[arg-type]
            In("t"),
            operation=operation,
            max_wait_time=10.0,
            clock=time.clock,
            sleep=time.sleep,
        )
        assert result.error is error
    other = Waiter("Other", (Acceptor("success", "errorType", "SomethingElse"),))
    with pytest.raises(WaiterError):
        run(time, script(time, NotFound("gone", code="TableNotFound")), other)

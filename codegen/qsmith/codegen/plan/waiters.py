"""``smithy.waiters#waitable`` on an operation -> the ``wait_until_<name>`` methods' plans.

The waiter's acceptors become a ``Waiter(...)`` expression the method hands to
``qsmith.runtime.waiters``; everything the model may get wrong (an unknown matcher or
comparator, delays out of order, a path that is not JMESPath) is refused here with the
operation and waiter named, so a generated client never carries a waiter that cannot run.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qsmith.codegen.model import Shape
from qsmith.codegen.naming import python_identifier, snake_case
from qsmith.codegen.plan.docs import clean_doc
from qsmith.codegen.plan.source import Call, TupleSource, py_repr, render
from qsmith.runtime.errors import CodegenError

WAITABLE = "smithy.waiters#waitable"
# What a generated waiter waits at most unless the caller says otherwise, in seconds.
DEFAULT_MAX_WAIT_TIME = 300.0
# Keyword arguments a waiter method adds to the operation's input members.
WAITER_PARAMETERS = frozenset({"max_wait_time", "min_delay", "max_delay"})

_MATCHERS = ("output", "inputOutput", "success", "errorType")
_COMPARATORS = frozenset({"stringEquals", "booleanEquals", "allStringEquals", "anyStringEquals"})
_STATES = frozenset({"success", "failure", "retry"})


@dataclass(frozen=True, slots=True)
class WaiterPlan:
    method_name: str
    doc: str
    spec_source: str  # ``Waiter(...)``, laid out as the first argument at indent 12

    @property
    def max_wait_time(self) -> str:
        return repr(DEFAULT_MAX_WAIT_TIME)


def waiter_plans(
    operation: Shape, operation_method: str, param_names: Iterable[str]
) -> tuple[WaiterPlan, ...]:
    """The waiters declared on ``operation``, in model order (none when it has none)."""
    declared: dict[str, Any] = operation.traits.get(WAITABLE) or {}
    clashes = WAITER_PARAMETERS & set(param_names)
    if declared and clashes:
        raise CodegenError(
            f"{operation.source}: {operation.id}: input member(s) {sorted(clashes)} clash with "
            "the waiter arguments of the same name"
        )
    return tuple(
        _waiter_plan(operation, operation_method, name, spec) for name, spec in declared.items()
    )


def _waiter_plan(
    operation: Shape, operation_method: str, name: str, spec: dict[str, Any]
) -> WaiterPlan:
    where = f"{operation.source}: {operation.id}: waiter {name}"
    min_delay = float(spec.get("minDelay", 2))
    max_delay = float(spec.get("maxDelay", 120))
    if not 0 < min_delay <= max_delay:
        raise CodegenError(f"{where}: minDelay {min_delay} must be > 0 and <= maxDelay")
    acceptors = [_acceptor_call(where, a) for a in spec.get("acceptors") or ()]
    if not acceptors:
        raise CodegenError(f"{where}: a waiter needs at least one acceptor")
    source = Call(
        "waiters.Waiter",
        [
            ("name", py_repr(name)),
            ("acceptors", TupleSource(acceptors)),
            ("min_delay", repr(min_delay)),
            ("max_delay", repr(max_delay)),
        ],
    )
    summary = (
        f"Call `{operation_method}` until the {name} waiter succeeds; raise `WaiterError` "
        f"when it fails or `max_wait_time` ({DEFAULT_MAX_WAIT_TIME:g} s unless given) passes."
    )
    parts = [clean_doc(spec.get("documentation")), textwrap.fill(summary, width=88)]
    if spec.get("deprecated"):
        parts.append("Deprecated by the service model.")
    return WaiterPlan(
        method_name=python_identifier("wait_until_" + snake_case(name)),
        doc="\n\n".join(p for p in parts if p),
        spec_source=render(source, 12, 0, 1),
    )


def _acceptor_call(where: str, acceptor: dict[str, Any]) -> Call:
    state = acceptor.get("state")
    matcher = acceptor.get("matcher") or {}
    if state not in _STATES or len(matcher) != 1:
        raise CodegenError(f"{where}: acceptor {acceptor!r} needs a state and one matcher")
    ((kind, value),) = matcher.items()
    if kind not in _MATCHERS:
        raise CodegenError(f"{where}: unknown matcher {kind!r} (expected one of {_MATCHERS})")
    args: list[tuple[str, object]] = [("state", py_repr(state)), ("matcher", py_repr(kind))]
    if kind == "success":
        args.append(("expected", py_repr("true" if value is True else "false")))
    elif kind == "errorType":
        args.append(("expected", py_repr(str(value))))
    else:
        comparator = value.get("comparator")
        if comparator not in _COMPARATORS:
            raise CodegenError(f"{where}: unknown comparator {comparator!r}")
        _check_path(where, value.get("path", ""))
        args += [
            ("expected", py_repr(str(value.get("expected", "")))),
            ("path", py_repr(value["path"])),
            ("comparator", py_repr(comparator)),
        ]
    return Call("waiters.Acceptor", args)


def _check_path(where: str, path: str) -> None:
    import importlib

    try:
        # By name: the package ships no type information; only compile and its error are used.
        jmespath = importlib.import_module("jmespath")
    except ImportError:  # pragma: no cover - the runtime checks the path again when it runs
        return
    try:
        jmespath.compile(path)
    except jmespath.exceptions.JMESPathError as exc:
        raise CodegenError(f"{where}: path {path!r} is not valid JMESPath: {exc}") from exc

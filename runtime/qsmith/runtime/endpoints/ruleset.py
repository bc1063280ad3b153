"""Compiled rule sets in both forms — the rule tree (``smithy.rules#endpointRuleSet``) and
the binary decision diagram (``smithy.rules#endpointBdd``) — and ``resolve_endpoint``."""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable, Mapping
from typing import Any

from qsmith.runtime.endpoints.aws_functions import make_aws_library
from qsmith.runtime.endpoints.compiler import Compiler, ErrorOutcome, Library, Outcome, Rule, Scope
from qsmith.runtime.endpoints.errors import EndpointParameterError, EndpointResolutionError
from qsmith.runtime.endpoints.functions import STANDARD_LIBRARY
from qsmith.runtime.endpoints.model import PARAMETER_TYPES, Endpoint, Parameter

# BDD reference encoding: 1/-1 are the no-match terminals, 2.. are nodes[ref - 1] (negative:
# the node with its branches swapped), and RESULT_BASE + i is results[i].
RESULT_BASE = 100_000_000
_NO_MATCH = ErrorOutcome("no endpoint rule matched the given parameters")


def default_library() -> Library:
    """The standard library plus the AWS functions."""
    return {**STANDARD_LIBRARY, **make_aws_library()}


class RuleSet:
    """A compiled rule set; ``resolve(params)`` returns an ``Endpoint`` or raises."""

    form = "abstract"

    def __init__(self, parameters: dict[str, Parameter], variables: set[str]) -> None:
        self.parameters = parameters
        self._blank: Scope = {name: None for name in variables}
        self._blank.update((p.name, p.default) for p in parameters.values())
        # A parameter with a default can never be unset, so only the others need checking.
        self._required = [p.name for p in parameters.values() if p.required and p.default is None]
        self._types = {p.name: p.type for p in parameters.values()}
        self._python_types = {p.name: _PYTHON_TYPES[p.type] for p in parameters.values()}

    def resolve(self, params: Mapping[str, Any]) -> Endpoint:
        outcome = self._evaluate(self.scope(params))
        if type(outcome) is Endpoint:
            return outcome
        assert isinstance(outcome, ErrorOutcome)
        raise EndpointResolutionError(outcome.message)

    def scope(self, params: Mapping[str, Any], *, complete: bool = True) -> Scope:
        """Parameters checked against their declarations, defaults filled in.

        ``complete=False`` skips the check for missing required parameters, for a partial
        set (a client's settings before an operation adds its context parameters).
        """
        scope = self._blank.copy()
        python_types = self._python_types
        for name, value in params.items():
            expected = python_types.get(name)
            if value is None:
                if expected is None:
                    self._reject(name, value)
                continue
            if type(value) is not expected or expected is list:
                self._check(name, value)
            scope[name] = value
        for name in self._required if complete else ():
            if scope[name] is None:
                raise EndpointParameterError(name, f"missing required endpoint parameter {name!r}")
        return scope

    def _check(self, name: str, value: Any) -> None:
        kind = self._types.get(name)
        if kind is None or not _has_type(value, kind):
            self._reject(name, value)

    def _reject(self, name: str, value: Any) -> None:
        kind = self._types.get(name)
        if kind is None:
            known = ", ".join(sorted(self._types))
            raise EndpointParameterError(
                name, f"unknown endpoint parameter {name!r} (known: {known})"
            )
        raise EndpointParameterError(
            name, f"endpoint parameter {name!r} must be a {kind}, got {type(value).__name__}"
        )

    def _evaluate(self, scope: Scope) -> Outcome:
        raise NotImplementedError


class TreeRuleSet(RuleSet):
    """The rule tree: rules are tried in order; the first whose conditions hold decides."""

    form = "endpointRuleSet"

    def __init__(
        self, parameters: dict[str, Parameter], rules: list[Rule], variables: set[str]
    ) -> None:
        super().__init__(parameters, variables)
        self._rules = rules

    def _evaluate(self, scope: Scope) -> Outcome:
        for rule in self._rules:
            outcome = rule(scope)
            if outcome is not None:
                return outcome
        return _NO_MATCH


class BddRuleSet(RuleSet):
    """The decision diagram: each node tests one condition and picks its next reference."""

    form = "endpointBdd"

    def __init__(
        self,
        parameters: dict[str, Parameter],
        nodes: list[tuple[int, int, int]],
        conditions: list[Callable[[Scope], Any]],
        results: list[Callable[[Scope], Outcome]],
        root: int,
        variables: set[str],
    ) -> None:
        super().__init__(parameters, variables)
        never: Callable[[Scope], Any] = lambda s: False  # noqa: E731 - node 0 is a terminal
        self._tests = [conditions[v] if v >= 0 else never for v, _, _ in nodes]
        self._highs = [h for _, h, _ in nodes]
        self._lows = [lo for _, _, lo in nodes]
        self._results = results
        self._root = root

    def _evaluate(self, scope: Scope) -> Outcome:
        tests, highs, lows = self._tests, self._highs, self._lows
        ref = self._root
        while True:
            if ref >= RESULT_BASE:
                return self._results[ref - RESULT_BASE](scope)
            if ref > 1:
                i = ref - 1
                ref = highs[i] if tests[i](scope) else lows[i]
            elif ref < -1:
                i = -ref - 1
                ref = lows[i] if tests[i](scope) else highs[i]
            else:
                return _NO_MATCH


_PYTHON_TYPES: dict[str, type] = {"string": str, "boolean": bool, "stringArray": list}


def _has_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def parse_parameters(document: Mapping[str, Any], compiler: Compiler) -> dict[str, Parameter]:
    raw = document.get("parameters", {})
    if not isinstance(raw, dict):
        raise compiler.fail("parameters", "'parameters' must be an object")
    parameters: dict[str, Parameter] = {}
    for name, spec in raw.items():
        path = f"parameters.{name}"
        if not isinstance(spec, dict):
            raise compiler.fail(path, "a parameter must be an object")
        kind = _parameter_type(spec.get("type"))
        if kind is None:
            raise compiler.fail(
                path,
                f"unknown parameter type {spec.get('type')!r} (expected one of {', '.join(PARAMETER_TYPES)})",
            )
        default = spec.get("default")
        if default is not None and not _has_type(default, kind):
            raise compiler.fail(path, f"default {default!r} is not a {kind}")
        if any(name.lower() == other.lower() for other in parameters):
            raise compiler.fail(path, "parameter names must be unique ignoring case")
        parameters[name] = Parameter(
            name=name,
            type=kind,
            built_in=spec.get("builtIn"),
            required=bool(spec.get("required", False)),
            default=default,
            deprecated=spec.get("deprecated"),
            documentation=spec.get("documentation"),
        )
    return parameters


def _parameter_type(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return next((t for t in PARAMETER_TYPES if t.lower() == lowered), None)


def compile_rule_set(
    document: Mapping[str, Any], *, library: Library | None = None, source: str | None = None
) -> RuleSet:
    """Compile either form of rule set; raises ``RuleSetError`` naming what is malformed."""
    compiler = Compiler(library if library is not None else default_library(), source)
    if not isinstance(document, Mapping):
        raise compiler.fail("", f"a rule set must be an object, got {type(document).__name__}")
    parameters = parse_parameters(document, compiler)
    names = frozenset(parameters)
    if "rules" in document:
        rules = compiler.rules(document["rules"], "rules", names)
        return TreeRuleSet(parameters, rules, compiler.assigned)
    if "nodes" in document and "conditions" in document:
        return _compile_bdd(document, parameters, compiler)
    raise compiler.fail(
        "", "neither 'rules' (endpointRuleSet) nor 'nodes' (endpointBdd) is present"
    )


def _compile_bdd(
    document: Mapping[str, Any], parameters: dict[str, Parameter], compiler: Compiler
) -> BddRuleSet:
    raw_conditions = document.get("conditions")
    if not isinstance(raw_conditions, list):
        raise compiler.fail("conditions", "'conditions' must be a list")
    # Conditions are ordered so that an assignment precedes its uses; a condition may refer
    # to any name assigned by an earlier one.
    names = frozenset(parameters)
    conditions = []
    for i, node in enumerate(raw_conditions):
        check, names = compiler.condition(node, f"conditions[{i}]", names)
        conditions.append(check)
    results = _bdd_results(document.get("results"), compiler, names)
    nodes = _bdd_nodes(document, compiler, len(conditions), len(results))
    root = document.get("root")
    if not isinstance(root, int) or not _valid_ref(root, len(nodes), len(results)):
        raise compiler.fail("root", f"root reference {root!r} points outside the diagram")
    return BddRuleSet(parameters, nodes, conditions, results, root, compiler.assigned)


def _bdd_results(
    raw: Any, compiler: Compiler, names: frozenset[str]
) -> list[Callable[[Scope], Outcome]]:
    if not isinstance(raw, list):
        raise compiler.fail("results", "'results' must be a list")
    # The trait omits the implicit no-match result at index 0; some re-expressions keep it.
    if raw and isinstance(raw[0], dict) and raw[0].get("type") == "no_match":
        raw = raw[1:]
    results: list[Callable[[Scope], Outcome]] = [lambda s: _NO_MATCH]
    for i, node in enumerate(raw, start=1):
        path = f"results[{i}]"
        if not isinstance(node, dict):
            raise compiler.fail(path, "a result must be an object")
        if node.get("conditions"):
            raise compiler.fail(path, "a decision diagram result must not have conditions")
        kind = node.get("type")
        if kind == "endpoint":
            results.append(compiler.endpoint(node.get("endpoint"), path + ".endpoint", names))
        elif kind == "error":
            results.append(compiler.error(node.get("error"), path + ".error", names))
        else:
            raise compiler.fail(path, f"unknown result type {kind!r} (expected endpoint or error)")
    return results


def _bdd_nodes(
    document: Mapping[str, Any], compiler: Compiler, conditions: int, results: int
) -> list[tuple[int, int, int]]:
    raw = document["nodes"]
    count = document.get("nodeCount")
    if isinstance(raw, str):
        try:
            data = base64.b64decode(raw, validate=True)
        except ValueError:
            raise compiler.fail("nodes", "'nodes' is not valid base64") from None
        if not isinstance(count, int) or len(data) != count * 12:
            raise compiler.fail(
                "nodes", f"expected {count!r} nodes of 12 bytes, got {len(data)} bytes"
            )
        flat = struct.unpack(f">{count * 3}i", data)
        nodes = [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]
    elif isinstance(raw, list) and all(isinstance(n, list) and len(n) == 3 for n in raw):
        nodes = [(int(n[0]), int(n[1]), int(n[2])) for n in raw]
    else:
        raise compiler.fail(
            "nodes", "'nodes' must be base64 text or a list of [condition, high, low]"
        )
    if not nodes or nodes[0] != (-1, 1, -1):
        raise compiler.fail("nodes[0]", "the first node must be the terminal [-1, 1, -1]")
    for i, (variable, high, low) in enumerate(nodes[1:], start=1):
        if not 0 <= variable < conditions:
            raise compiler.fail(f"nodes[{i}]", f"condition index {variable} is out of range")
        for ref in (high, low):
            if not _valid_ref(ref, len(nodes), results):
                raise compiler.fail(f"nodes[{i}]", f"reference {ref} points outside the diagram")
    return nodes


def _valid_ref(ref: int, nodes: int, results: int) -> bool:
    if ref >= RESULT_BASE:
        return ref - RESULT_BASE < results
    return ref != 0 and abs(ref) <= nodes


_COMPILED: dict[int, tuple[Mapping[str, Any], RuleSet]] = {}


def resolve_endpoint(rule_set: RuleSet | Mapping[str, Any], params: Mapping[str, Any]) -> Endpoint:
    """Resolve ``params`` (already assembled) against a compiled rule set or a rule set document.

    A document is compiled on first use and the compiled form kept while the document lives.
    """
    if not isinstance(rule_set, RuleSet):
        cached = _COMPILED.get(id(rule_set))
        if cached is None or cached[0] is not rule_set:
            compiled = compile_rule_set(rule_set)
            if len(_COMPILED) >= 64:
                _COMPILED.clear()
            _COMPILED[id(rule_set)] = (rule_set, compiled)
            rule_set = compiled
        else:
            rule_set = cached[1]
    return rule_set.resolve(params)

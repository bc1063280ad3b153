"""Compile rule set JSON into Python closures, once, so that resolving is only calls.

Every expression becomes a function of the *scope*, a dict holding every parameter and
every variable a condition may assign (unset ones are ``None``), so a reference is a
plain ``scope[name]`` lookup. The common shapes (``isSet(ref)``, ``booleanEquals(ref,
true)``, ``getAttr(ref, "key")``, one-placeholder templates) get dedicated closures. The
compiler also checks the document: unknown functions, wrong argument counts, references
to names not in scope and malformed templates raise ``RuleSetError`` naming the path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from qsmith.runtime.endpoints.errors import RuleSetError
from qsmith.runtime.endpoints.functions import get_path, parse_path
from qsmith.runtime.endpoints.model import Endpoint

Scope = dict[str, Any]
Expr = Callable[[Scope], Any]
Library = Mapping[str, tuple[Callable[..., Any], int, bool]]


class Const:
    """An expression whose value is known when compiling."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, scope: Scope) -> Any:
        return self.value


class ErrorOutcome:
    """An error rule was selected; ``message`` is its evaluated text."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


Outcome = Endpoint | ErrorOutcome
Rule = Callable[[Scope], Outcome | None]


class Compiler:
    """Turns parts of a rule set document into closures; one instance per rule set."""

    def __init__(self, library: Library, source: str | None = None) -> None:
        self.library = library
        self.source = source
        self.assigned: set[str] = set()

    def fail(self, path: str, message: str) -> RuleSetError:
        return RuleSetError(path, message, source=self.source)

    # -- expressions -------------------------------------------------------------------

    def expr(self, node: Any, path: str, names: frozenset[str]) -> Expr:
        if isinstance(node, str):
            return self.template(node, path, names)
        if isinstance(node, bool | int):
            return Const(node)
        if isinstance(node, list):
            items = [self.expr(v, f"{path}[{i}]", names) for i, v in enumerate(node)]
            if all(isinstance(i, Const) for i in items):
                return Const([i(None) for i in items])  # type: ignore[arg-type]
            return lambda s: [i(s) for i in items]
        if isinstance(node, dict):
            if "ref" in node:
                return self.ref(node["ref"], path, names)
            if "fn" in node:
                return self.call(node, path, names)
        raise self.fail(path, f"expected a literal, a reference or a function, got {node!r}")

    def ref(self, name: Any, path: str, names: frozenset[str]) -> Expr:
        if not isinstance(name, str):
            raise self.fail(path, f"reference name must be a string, got {name!r}")
        if name not in names:
            raise self.fail(
                path, f"reference to {name!r}, which is not a parameter or a variable in scope"
            )
        return itemgetter(name)

    def call(self, node: Mapping[str, Any], path: str, names: frozenset[str]) -> Expr:
        name = node["fn"]
        argv = node.get("argv")
        if not isinstance(argv, list):
            raise self.fail(path, f"function {name!r} needs an 'argv' list")
        args = [self.expr(a, f"{path}.argv[{i}]", names) for i, a in enumerate(argv)]
        if name == "coalesce":
            return _coalesce(self._arity(name, args, path, minimum=2))
        if name == "ite":
            cond, then, other = self._arity(name, args, path, exactly=3)
            return lambda s: then(s) if cond(s) else other(s)
        if name == "getAttr":
            return self._get_attr(args, argv, path)
        entry = self.library.get(name) if isinstance(name, str) else None
        if entry is None:
            raise self.fail(path, f"unknown function {name!r}")
        function, arity, _ = entry
        self._arity(name, args, path, exactly=arity)
        return _specialised(name, function, args)

    def _arity(
        self, name: str, args: list[Expr], path: str, *, exactly: int = 0, minimum: int = 0
    ) -> list[Expr]:
        if (exactly and len(args) != exactly) or len(args) < minimum:
            wanted = exactly or f"at least {minimum}"
            raise self.fail(path, f"function {name!r} takes {wanted} argument(s), got {len(args)}")
        return args

    def _get_attr(self, args: list[Expr], argv: list[Any], path: str) -> Expr:
        self._arity("getAttr", args, path, exactly=2)
        target = args[0]
        if not isinstance(argv[1], str):
            raise self.fail(path, f"getAttr path must be a string, got {argv[1]!r}")
        try:
            steps = parse_path(argv[1])
        except ValueError as exc:
            raise self.fail(path, str(exc)) from None
        return attribute_getter(target, steps)

    def template(self, text: str, path: str, names: frozenset[str]) -> Expr:
        """Compile a string that may hold ``{name}`` / ``{name#path}`` placeholders."""
        literal: list[str] = []
        getters: list[Expr] = []
        fmt: list[str] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "{" and text.startswith("{{", i):
                literal.append("{")
                fmt.append("{{")
                i += 2
            elif ch == "}" and text.startswith("}}", i):
                literal.append("}")
                fmt.append("}}")
                i += 2
            elif ch == "{":
                end = text.find("}", i)
                if end < 0:
                    raise self.fail(path, f"unterminated placeholder in template {text!r}")
                getters.append(self._placeholder(text[i + 1 : end], text, path, names))
                fmt.append("{}")
                i = end + 1
            elif ch == "}":
                raise self.fail(path, f"unmatched '}}' in template {text!r}")
            else:
                literal.append(ch)
                fmt.append(ch.replace("{", "{{").replace("}", "}}"))
                i += 1
        if not getters:
            return Const("".join(literal))
        pattern = "".join(fmt)
        if pattern == "{}":
            return getters[0]
        form = pattern.format
        if len(getters) == 1:
            only = getters[0]
            return lambda s: form(only(s))
        return lambda s: form(*[g(s) for g in getters])

    def _placeholder(self, inner: str, text: str, path: str, names: frozenset[str]) -> Expr:
        name, hash_sign, attr = inner.partition("#")
        if not name:
            raise self.fail(path, f"empty placeholder in template {text!r}")
        getter = self.ref(name, path, names)
        if not hash_sign:
            return getter
        try:
            steps = parse_path(attr)
        except ValueError as exc:
            raise self.fail(path, str(exc)) from None
        return attribute_getter(getter, steps)

    # -- conditions and rules ------------------------------------------------------------

    def conditions(
        self, nodes: Any, path: str, names: frozenset[str]
    ) -> tuple[list[Expr], frozenset[str]]:
        if not isinstance(nodes, list):
            raise self.fail(path, "'conditions' must be a list")
        compiled = []
        for i, node in enumerate(nodes):
            check, names = self.condition(node, f"{path}[{i}]", names)
            compiled.append(check)
        return compiled, names

    def condition(self, node: Any, path: str, names: frozenset[str]) -> tuple[Expr, frozenset[str]]:
        if not isinstance(node, dict) or "fn" not in node:
            raise self.fail(path, "a condition must be an object with 'fn' and 'argv'")
        value = self.call(node, path, names)
        assign = node.get("assign")
        if assign is None:
            if _returns_bool(node, self.library):
                return value, names
            return _truthy(value), names
        if not isinstance(assign, str) or not assign:
            raise self.fail(path, f"'assign' must be a non-empty string, got {assign!r}")
        if assign in names:
            raise self.fail(path, f"'assign' target {assign!r} shadows a name already in scope")
        self.assigned.add(assign)
        return _assigning(value, assign), names | {assign}

    def rules(self, nodes: Any, path: str, names: frozenset[str]) -> list[Rule]:
        if not isinstance(nodes, list) or not nodes:
            raise self.fail(path, "'rules' must be a non-empty list")
        return [self.rule(node, f"{path}[{i}]", names) for i, node in enumerate(nodes)]

    def rule(self, node: Any, path: str, names: frozenset[str]) -> Rule:
        if not isinstance(node, dict):
            raise self.fail(path, "a rule must be an object")
        kind = node.get("type")
        checks, inner = self.conditions(node.get("conditions", []), path + ".conditions", names)
        if kind == "endpoint":
            if "endpoint" not in node:
                raise self.fail(path, "an endpoint rule needs an 'endpoint' object")
            body: Rule = self.endpoint(node["endpoint"], path + ".endpoint", inner)
        elif kind == "error":
            if "error" not in node:
                raise self.fail(path, "an error rule needs an 'error' message")
            body = self.error(node["error"], path + ".error", inner)
        elif kind == "tree":
            body = _first_match(self.rules(node.get("rules"), path + ".rules", inner), path)
        else:
            raise self.fail(path, f"unknown rule type {kind!r} (expected endpoint, error or tree)")
        return _guarded(checks, body)

    def endpoint(self, node: Any, path: str, names: frozenset[str]) -> Callable[[Scope], Endpoint]:
        if not isinstance(node, dict) or "url" not in node:
            raise self.fail(path, "an endpoint needs a 'url'")
        url = self.expr(node["url"], path + ".url", names)
        headers = self._headers(node.get("headers") or {}, path + ".headers", names)
        properties = self.value(node.get("properties") or {}, path + ".properties", names)
        if not headers:
            return lambda s: Endpoint(url(s), {}, properties(s))
        return lambda s: Endpoint(
            url(s), {k: [f(s) for f in fs] for k, fs in headers}, properties(s)
        )

    def _headers(self, node: Any, path: str, names: frozenset[str]) -> list[tuple[str, list[Expr]]]:
        if not isinstance(node, dict):
            raise self.fail(path, "'headers' must be an object of lists")
        out = []
        for key, values in node.items():
            if not isinstance(values, list):
                raise self.fail(f"{path}.{key}", "a header's values must be a list")
            out.append(
                (key, [self.expr(v, f"{path}.{key}[{i}]", names) for i, v in enumerate(values)])
            )
        return out

    def value(self, node: Any, path: str, names: frozenset[str]) -> Expr:
        """Compile a properties value: nested objects and lists are rebuilt on every call."""
        if isinstance(node, dict) and "ref" not in node and "fn" not in node:
            items = [(k, self.value(v, f"{path}.{k}", names)) for k, v in node.items()]
            return lambda s: {k: f(s) for k, f in items}
        if isinstance(node, list):
            elements = [self.value(v, f"{path}[{i}]", names) for i, v in enumerate(node)]
            return lambda s: [f(s) for f in elements]
        return self.expr(node, path, names)

    def error(self, node: Any, path: str, names: frozenset[str]) -> Callable[[Scope], ErrorOutcome]:
        message = self.expr(node, path, names)
        return lambda s: ErrorOutcome(str(message(s)))


def attribute_getter(target: Expr, steps: tuple[str | int, ...]) -> Expr:
    if len(steps) == 1 and isinstance(steps[0], str):
        key = steps[0]

        def get_key(s: Scope) -> Any:
            value = target(s)
            return value.get(key) if type(value) is dict else None

        return get_key
    return lambda s: get_path(target(s), steps)


def _coalesce(args: list[Expr]) -> Expr:
    *leading, last = args

    def coalesce(s: Scope) -> Any:
        for arg in leading:
            value = arg(s)
            if value is not None:
                return value
        return last(s)

    return coalesce


def _specialised(name: str, function: Callable[..., Any], args: list[Expr]) -> Expr:
    if len(args) == 1:
        (only,) = args
        if name == "isSet" and isinstance(only, itemgetter):
            return lambda s: only(s) is not None
        return lambda s: function(only(s))
    if len(args) == 2:
        left, right = args
        if name in ("booleanEquals", "stringEquals"):
            if isinstance(right, Const):
                expected = right.value
                return lambda s: left(s) == expected
            if isinstance(left, Const):
                expected = left.value
                return lambda s: right(s) == expected
        return lambda s: function(left(s), right(s))
    return lambda s: function(*[a(s) for a in args])


def _returns_bool(node: Mapping[str, Any], library: Library) -> bool:
    entry = library.get(node["fn"])
    return entry is not None and entry[2]


def _truthy(value: Expr) -> Expr:
    def matches(s: Scope) -> bool:
        result = value(s)
        return result is not None and result is not False

    return matches


def _assigning(value: Expr, name: str) -> Expr:
    def matches_and_assigns(s: Scope) -> bool:
        result = value(s)
        if result is None or result is False:
            return False
        s[name] = result
        return True

    return matches_and_assigns


def _guarded(checks: list[Expr], body: Rule) -> Rule:
    if not checks:
        return body
    if len(checks) == 1:
        (check,) = checks
        return lambda s: body(s) if check(s) else None

    def rule(s: Scope) -> Outcome | None:
        for check in checks:
            if not check(s):
                return None
        return body(s)

    return rule


def _first_match(rules: list[Rule], path: str) -> Rule:
    exhausted = ErrorOutcome(
        f"no rule matched: the rules of the tree rule at {path} were exhausted"
    )

    def tree(s: Scope) -> Outcome:
        for rule in rules:
            outcome = rule(s)
            if outcome is not None:
                return outcome
        return exhausted

    return tree

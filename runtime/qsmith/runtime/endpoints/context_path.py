"""The JMESPath subset that ``operationContextParams`` paths use.

Supported: identifiers, sub-expressions (``a.b``), wildcard projections (``a[*].b``),
multi-select lists (``[a, b.c]``), flattening (``[]``) and the ``keys(...)`` function.
Projections drop null results, as JMESPath does. Paths are compiled once and cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from qsmith.runtime.endpoints.errors import RuleSetError

PathFn = Callable[[Any], Any]
_TOKEN = re.compile(r"\s*(?:(\[\*\])|(\[\])|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            star, flat, name, other = match.groups()
            if star:
                self.tokens.append(("star", star))
            elif flat:
                self.tokens.append(("flatten", flat))
            elif name:
                self.tokens.append(("name", name))
            elif other and not other.isspace():
                self.tokens.append(("punct", other))
        self.pos = 0

    def fail(self, message: str) -> RuleSetError:
        return RuleSetError("operationContextParams", f"{message} in path {self.text!r}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str) -> None:
        token = self.peek()
        if token is None or token[1] != value:
            raise self.fail(f"expected {value!r}")
        self.pos += 1

    def parse(self) -> PathFn:
        fn = self.expression()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return fn

    def expression(self) -> PathFn:
        """A head followed by any number of ``.x``, ``[*]``, ``[]`` and ``.[..]`` steps."""
        steps: list[tuple[str, PathFn | None]] = [("apply", self.head())]
        while (token := self.peek()) is not None:
            kind, value = token
            if kind == "star":
                self.pos += 1
                steps.append(("project", None))
            elif kind == "flatten":
                self.pos += 1
                steps.append(("flatten", None))
            elif value == ".":
                self.pos += 1
                steps.append(("apply", self.head()))
            elif value == "[":
                steps.append(("apply", self.head()))
            else:
                break
        return _chain(steps)

    def head(self) -> PathFn:
        token = self.peek()
        if token is None:
            raise self.fail("unexpected end")
        kind, value = token
        if kind == "name" and value == "keys" and self._next_is("("):
            self.pos += 2
            inner = self.expression()
            self.take(")")
            return lambda v: list(r) if isinstance(r := inner(v), dict) else None
        if kind == "name":
            self.pos += 1
            return lambda v: v.get(value) if isinstance(v, dict) else None
        if value == "[":
            self.pos += 1
            items = [self.expression()]
            while self.peek() == ("punct", ","):
                self.pos += 1
                items.append(self.expression())
            self.take("]")
            return lambda v: None if v is None else [item(v) for item in items]
        raise self.fail(f"unexpected {value!r}")

    def _next_is(self, value: str) -> bool:
        nxt = self.pos + 1
        return nxt < len(self.tokens) and self.tokens[nxt][1] == value


def _chain(steps: list[tuple[str, PathFn | None]]) -> PathFn:
    def evaluate(value: Any) -> Any:
        projecting = False
        for kind, fn in steps:
            if kind == "apply":
                assert fn is not None
                value = [r for r in map(fn, value) if r is not None] if projecting else fn(value)
            elif kind == "project":
                if not isinstance(value, list):
                    return None
                projecting = True
            else:  # flatten
                if not isinstance(value, list):
                    return None
                flat: list[Any] = []
                for item in value:
                    if isinstance(item, list):
                        flat.extend(i for i in item if i is not None)
                    elif item is not None:
                        flat.append(item)
                value, projecting = flat, True
            if value is None:
                return None
        return value

    return evaluate


@cache
def compile_path(text: str) -> PathFn:
    """Compile a path once; raises ``RuleSetError`` when it is outside the supported subset."""
    return _Parser(text).parse()

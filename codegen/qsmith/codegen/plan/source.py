"""Python expressions laid out the way black lays them out, written once here.

Schema constants are large nested calls. Emitting them on one line would leave black
to search for the splits, which dominates generation time; laying them out here (one
line when it fits in the line length, else one argument per line with a trailing
comma) leaves black almost nothing to do, and its output stays the judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LINE_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Call:
    """``name(key=value, ...)``; arguments whose value is None are left out."""

    name: str
    args: Sequence[tuple[str, object]]

    def items(self) -> list[tuple[str, object]]:
        # An empty key is a positional argument.
        return [(f"{key}=" if key else "", value) for key, value in self.args if value is not None]

    @property
    def open(self) -> str:
        return f"{self.name}("

    close = ")"


@dataclass(frozen=True, slots=True)
class DictSource:
    entries: Sequence[tuple[str, object]]  # (key source, value)

    def items(self) -> list[tuple[str, object]]:
        return [(f"{key}: ", value) for key, value in self.entries]

    open = "{"
    close = "}"


@dataclass(frozen=True, slots=True)
class TupleSource:
    values: Sequence[object]

    def items(self) -> list[tuple[str, object]]:
        return [("", value) for value in self.values]

    open = "("

    @property
    def close(self) -> str:
        return ",)" if len(self.values) == 1 else ")"


def py_repr(value: object) -> str:
    """``repr`` with strings in double quotes where that needs no more escapes (black's
    preference), so black finds nothing to change."""
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        return '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def py_literal(value: object) -> object:
    """A JSON-like value as source: dicts laid out like calls, the rest one line."""
    if isinstance(value, dict):
        return DictSource([(py_repr(k), py_literal(v)) for k, v in value.items()])
    if isinstance(value, list):
        return "[" + ", ".join(one_line(py_literal(v)) for v in value) + "]"
    return py_repr(value)


def one_line(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Call | DictSource | TupleSource):
        parts = [f"{prefix}{one_line(item)}" for prefix, item in value.items()]
        return value.open + ", ".join(parts) + value.close
    raise TypeError(f"not a source: {value!r}")


def render(value: object, indent: int = 0, used: int = 0, trailer: int = 0) -> str:
    """``value`` laid out starting at column ``indent + used``; ``trailer`` counts what
    follows on the last line (a comma)."""
    flat = one_line(value)
    if isinstance(value, str) or indent + used + len(flat) + trailer <= LINE_LENGTH:
        return flat
    assert isinstance(value, Call | DictSource | TupleSource)
    inner = indent + 4
    lines = [value.open]
    for prefix, item in value.items():
        lines.append(" " * inner + prefix + render(item, inner, len(prefix), 1) + ",")
    close = value.close if not isinstance(value, TupleSource) else ")"
    lines.append(" " * indent + close)
    return "\n".join(lines)

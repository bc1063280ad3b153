"""The mechanisms behind every generated name and docstring, over arbitrary input.

Real models once broke the generator one instance at a time (a doc string ending in a
quote, an enum member ``count``); these properties pin the general rule instead.
"""

from __future__ import annotations

import ast
import keyword
from enum import IntEnum, StrEnum
from typing import Any

import black
from hypothesis import given
from hypothesis import strategies as st

from qsmith.codegen.naming import enum_member_names, member_python_names, unique_name
from qsmith.codegen.plan.docs import docstring_body
from qsmith.codegen.render import BLACK_MODE

# Smithy identifiers, plus the names that collide with Python's own.
SMITHY_NAMES = st.from_regex(r"\A(_+[A-Za-z0-9_]|[A-Za-z])[A-Za-z0-9_]{0,12}\Z")
AWKWARD_NAMES = st.sampled_from(
    sorted({*dir(str), *dir(int), *keyword.kwlist, "name", "value", "mro", "_x_", "__x"})
)
NAMES = st.one_of(SMITHY_NAMES, AWKWARD_NAMES.filter(str.isidentifier))


@given(st.text())
def test_any_text_round_trips_through_a_docstring(text: str) -> None:
    literal = '"""' + docstring_body(text) + '"""'
    assert ast.literal_eval(literal) == text
    assert "\x00" not in literal and "\r" not in literal


@given(st.text(alphabet=st.sampled_from(['"', "\\", "a", " ", "\n", "'"]), min_size=1))
def test_docstrings_stay_valid_python_after_black(text: str) -> None:
    body = docstring_body(text).replace("\n", "\n    ")
    source = f'def f() -> None:\n    """{body}"""\n'
    compile(black.format_str(source, mode=BLACK_MODE), "<generated>", "exec")


@given(st.lists(NAMES, unique=True, max_size=12))
def test_enum_member_names_always_build_the_enum(names: list[str]) -> None:
    for base, value in ((StrEnum, str), (IntEnum, int)):
        python = enum_member_names(names, base.__name__)
        assert len(set(python)) == len(names)
        assert all(n.isidentifier() and not keyword.iskeyword(n) for n in python)
        members = [(n, value(i)) for i, n in enumerate(python)]
        enum: Any = base("Generated", members)  # type: ignore[arg-type, call-arg]
        assert [m.name for m in enum] == python
        assert not {n for n in python if n in dir(value)}  # no method is shadowed


def test_enum_member_names_rename_only_what_clashes() -> None:
    names = ["count", "count_", "avg", "mro", "__init__", "_x_", "_1"]
    assert enum_member_names(names, "StrEnum") == [
        "count_",
        "count__",
        "avg",
        "mro_",
        "init__",
        "x_",
        "_1",
    ]
    assert enum_member_names(["real", "count"], "IntEnum") == ["real_", "count"]


@given(st.lists(SMITHY_NAMES, unique=True, max_size=12))
def test_member_names_are_distinct_identifiers_in_member_order(names: list[str]) -> None:
    python = member_python_names(names, frozenset({"self", "str"}))
    assert list(python) == names
    assert len(set(python.values())) == len(names)
    assert all(n.isidentifier() and n not in {"self", "str"} for n in python.values())


def test_members_meeting_in_snake_case_both_keep_a_name() -> None:
    assert member_python_names(["fooBar", "foo_bar", "FOO_BAR"], frozenset()) == {
        "fooBar": "foo_bar",
        "foo_bar": "foo_bar_",
        "FOO_BAR": "foo_bar__",
    }


@given(SMITHY_NAMES, st.sets(SMITHY_NAMES))
def test_unique_name_is_free_and_keeps_the_name_as_its_stem(name: str, taken: set[str]) -> None:
    chosen = unique_name(name, taken)
    assert chosen not in taken
    assert chosen.rstrip("_") == name.rstrip("_") and chosen.startswith(name)

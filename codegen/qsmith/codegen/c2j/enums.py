"""Smithy enum member names for C2J enum values, which carry values only.

The name is the value in UPPER_SNAKE_CASE: camel-case humps and every run of characters that
cannot appear in an identifier become one underscore. A name that would start with a digit gets
a leading underscore; a name already taken by an earlier value gets ``_2``, ``_3``… in value
order. The same list of values therefore always yields the same names.
"""

from __future__ import annotations

import re

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9]+")


def enum_member_name(value: str) -> str:
    """The base member name for one enum value (before uniqueness suffixes)."""
    name = _NOT_IDENTIFIER.sub("_", _HUMP.sub("_", value)).strip("_").upper()
    if not name:
        return "EMPTY"
    return "_" + name if name[0].isdigit() else name


def enum_member_names(values: list[str]) -> list[str]:
    """One unique member name per value, in the order of ``values``."""
    taken: set[str] = set()
    names = []
    for value in values:
        base = enum_member_name(value)
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(name)
        names.append(name)
    return names

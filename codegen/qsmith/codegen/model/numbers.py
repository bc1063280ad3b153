"""Model numbers that keep their digits.

Node values (trait values, defaults, protocol test params) are read as Python numbers. A
literal such as ``0.100000000000000000000001`` has more digits than a float holds, and a
``bigDecimal`` member built from it must get every one; so a literal a float cannot
reproduce is read as ``ExactFloat``: a float everywhere a float is expected, which also
remembers its source text.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["ExactFloat", "read_float", "to_decimal"]


class ExactFloat(float):
    """A float read from ``text``, which holds digits the float lost."""

    text: str

    def __new__(cls, text: str) -> ExactFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value

    def __reduce__(self) -> tuple[type[ExactFloat], tuple[str]]:
        return ExactFloat, (self.text,)


def read_float(text: str) -> float:
    """A number literal with a fraction or exponent: a float, or an ``ExactFloat`` when
    the float would not give back the literal's value."""
    value = float(text)
    try:
        exact = Decimal(text) == Decimal(repr(value))
    except ArithmeticError:  # "nan"/"inf" spelled by a JSON parser's extension
        exact = True
    return value if exact else ExactFloat(text)


def to_decimal(value: float | int | str) -> Decimal:
    """The exact decimal a node value was written as."""
    if isinstance(value, ExactFloat):
        return Decimal(value.text)
    return Decimal(str(value))

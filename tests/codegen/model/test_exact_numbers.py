"""Node values keep every digit their model wrote, in JSON AST and in IDL alike."""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from qsmith.codegen.model import load_model
from qsmith.codegen.model.numbers import ExactFloat, read_float, to_decimal

LONG = "0.100000000000000000000001"

JSON_AST = (
    '{"smithy": "2.0", "shapes": {"example#Price": {"type": "bigDecimal", '
    '"traits": {"smithy.api#default": %s}}}}'
)

IDL = """$version: "2"
namespace example

@default(%s)
bigDecimal Price
"""


@pytest.mark.parametrize("literal", [LONG, "-" + LONG, "100000000000000000000001.0", "1e400"])
def test_a_literal_a_float_cannot_hold_keeps_its_text(literal: str) -> None:
    value = read_float(literal)
    assert isinstance(value, ExactFloat)
    assert to_decimal(value) == Decimal(literal)
    assert pickle.loads(pickle.dumps(value)).text == literal


@pytest.mark.parametrize("literal", ["1.5", "0.1", "-2.25", "1e3"])
def test_a_literal_a_float_holds_stays_a_plain_float(literal: str) -> None:
    value = read_float(literal)
    assert type(value) is float
    assert to_decimal(value) == Decimal(repr(float(literal)))


@pytest.mark.parametrize("suffix, template", [(".json", JSON_AST), (".smithy", IDL)])
def test_both_loaders_keep_the_digits(tmp_path: Path, suffix: str, template: str) -> None:
    path = tmp_path / f"price{suffix}"
    path.write_text(template % LONG, encoding="utf-8")
    model = load_model(path)
    default = model["example#Price"].traits["smithy.api#default"]
    assert to_decimal(default) == Decimal(LONG)
    assert default == float(LONG)  # still a float to everything else

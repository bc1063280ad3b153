"""Damaged IDL never escapes as anything but a ModelError (no IndexError, no hang)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.codegen.idl import idl_documents
from qsmith.codegen.model import ModelError, load_model

DATA = Path(__file__).parent / "data"
SOURCES = sorted(DATA.glob("*.smithy"))
ALPHABET = st.sampled_from([*'abAZ_$#.@:=,{}[]()"/\\ \n\t-019e', '"""', "///", "use "])


def _load(tmp: Path, text: str) -> None:
    path = tmp / "fuzz.smithy"
    path.write_text(text, encoding="utf-8")
    try:
        load_model(path)
    except ModelError as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_random_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _load(tmp_path_factory.mktemp("fuzz"), '$version: "2"\nnamespace a\n' + text)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SOURCES), st.integers(0, 10_000), st.integers(1, 40))
def test_valid_file_with_a_slice_cut_out(
    tmp_path_factory: pytest.TempPathFactory, source: Path, start: int, length: int
) -> None:
    text = source.read_text(encoding="utf-8")
    start %= max(len(text), 1)
    _load(tmp_path_factory.mktemp("cut"), text[:start] + text[start + length :])


def test_the_untouched_files_parse() -> None:
    assert len(idl_documents(SOURCES)) == len(SOURCES)

"""Frame templates give exactly the bytes ``encode_event`` gives for the same values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmith.gateway.sse import SLOT, FrameTemplate, encode_event

DELTA = {"type": "content_block_delta", "index": SLOT, "delta": {"type": "t", "text": SLOT}}


def _filled(index: int, text: str) -> dict[str, object]:
    return {"type": "content_block_delta", "index": index, "delta": {"type": "t", "text": text}}


@given(index=st.integers(min_value=0, max_value=10**9), text=st.text())
def test_a_filled_template_is_the_encoded_event(index: int, text: str) -> None:
    template = FrameTemplate(DELTA, event="content_block_delta")
    expected = encode_event(_filled(index, text), event="content_block_delta")
    assert template.fill(index, text) == expected


@pytest.mark.parametrize(
    "text",
    # The slot marker is random per process: its case gets a fixed id, so that every
    # xdist worker collects the same test names.
    [
        'quote " and \\ backslash',
        "line\nbreak",
        "é ✓ 😀",
        "\x00slot\x00",
        pytest.param(SLOT[:-1], id="slot"),
    ],
)
def test_text_that_looks_like_json_or_a_slot_stays_text(text: str) -> None:
    template = FrameTemplate({"text": SLOT, "model": text})
    assert template.fill(text) == encode_event({"text": text, "model": text})


def test_a_wrong_number_of_values_is_refused() -> None:
    with pytest.raises(ValueError, match="2 slots, given 1"):
        FrameTemplate(DELTA).fill(1)

"""Model documentation to docstring text: HTML tags stripped, whitespace folded."""

from __future__ import annotations

import html
import re
import textwrap

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|ul|ol|note|important|div)>|<br\s*/?>", re.IGNORECASE)


def clean_doc(raw: str | None, width: int = 88) -> str | None:
    """Plain paragraphs wrapped to ``width``; None for an empty documentation."""
    if not raw:
        return None
    text = _BLOCK_END.sub("\n\n", raw)
    text = html.unescape(_TAG.sub("", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    wrapped = [textwrap.fill(p, width=width) for p in paragraphs if p]
    if not wrapped:
        return None
    # Docstrings are emitted between triple quotes: keep them literal and closed.
    return "\n\n".join(wrapped).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')

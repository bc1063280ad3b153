"""Model documentation to docstring text, and docstring text to a safe literal body.

``clean_doc`` turns documentation into plain paragraphs; ``docstring_body`` escapes any
text so that ``'\"\"\"' + body + '\"\"\"'`` is a Python literal whose value is that text,
whatever it holds: backslashes, runs of quotes, a quote at the very end, control or
unpaired surrogate characters.
"""

from __future__ import annotations

import html
import re
import textwrap

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|ul|ol|note|important|div)>|<br\s*/?>", re.IGNORECASE)
_QUOTE_RUN = re.compile(r'"+')


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
    return "\n\n".join(wrapped)


def docstring_body(text: str) -> str:
    """``text`` escaped to sit between triple double quotes.

    Backslashes are doubled; a run of three or more quotes, and any run of quotes that
    ends the text (it would merge with the closing quotes), is escaped quote by quote;
    characters a reader cannot see or a file cannot hold (controls other than the line
    feed, unpaired surrogates, non-printing spaces) become escape sequences.
    """
    body = "".join(_escape_char(ch) for ch in text.replace("\\", "\\\\"))
    end = len(body)

    def quotes(match: re.Match[str]) -> str:
        run = match.group()
        return run.replace('"', '\\"') if len(run) >= 3 or match.end() == end else run

    return _QUOTE_RUN.sub(quotes, body)


def _escape_char(ch: str) -> str:
    if ch == "\n" or ch == "\\" or ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"

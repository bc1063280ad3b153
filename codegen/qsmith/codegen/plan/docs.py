"""Model documentation to docstring text, and docstring text to a safe literal body.

Documentation arrives as HTML (AWS models) or plain text with blank lines between
paragraphs (ours). ``doc_blocks`` reads either into paragraphs and list items, keeping
what a reader needs: links as ``text <url>``, ``code`` in backticks, lists as ``-``
bullets (``1.`` when ordered), notes labelled. ``clean_doc`` wraps them for a docstring;
``doc_section`` lays out an ``Args:``/``Raises:`` entry. ``docstring_body`` escapes any
text so that ``'\"\"\"' + body + '\"\"\"'`` is a Python literal whose value is that text.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

_QUOTE_RUN = re.compile(r'"+')
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_TEXT_BULLET = re.compile(r"^[ \t]*[-*][ \t]+")
_BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre"})
_LABELS = {"note": "Note:", "important": "Important:"}


@dataclass
class Block:
    """One paragraph or list item: its words, and the bullet and indent it is laid out with."""

    text: str
    bullet: str = ""
    indent: int = 0


@dataclass
class _Reader(HTMLParser):
    blocks: list[Block] = field(default_factory=list)
    _words: list[str] = field(default_factory=list)
    _lists: list[list[int]] = field(default_factory=list)  # per open list: [next number or 0]
    _bullet: str = ""
    _links: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.flush()
            self._lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self.flush()
            counter = self._lists[-1] if self._lists else [0]
            self._bullet = f"{counter[0]}. " if counter[0] else "- "
            if counter[0]:
                counter[0] += 1
        elif tag in _BLOCK_TAGS or tag == "br":
            # A paragraph opening an item belongs to its bullet.
            if not (self._bullet and not self._text()):
                self.flush()
        elif tag in _LABELS:
            self.flush()
            self._words.append(_LABELS[tag] + " ")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._words.append("\x00")  # where the link text starts
        elif tag == "code":
            self._words.append("`")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.flush()
            if self._lists:
                self._lists.pop()
        elif tag in ("li", *_BLOCK_TAGS, *_LABELS):
            self.flush()
        elif tag == "a" and self._links:
            self._close_link(self._links.pop())
        elif tag == "code":
            self._words.append("`")

    def handle_data(self, data: str) -> None:
        for index, part in enumerate(_BLANK_LINE.split(data)):
            if index:
                self.flush()
            for line in part.splitlines(keepends=True):
                # Plain-text bullets ("- item", "* item") are list items too.
                bullet = _TEXT_BULLET.match(line)
                if bullet:
                    self.flush()
                    self._bullet = "- "
                    line = line[bullet.end() :]
                self._words.append(line)

    def _close_link(self, href: str | None) -> None:
        start = len(self._words) - 1 - self._words[::-1].index("\x00")
        text = " ".join("".join(self._words[start + 1 :]).split())
        label = f"{text} <{href}>" if href and text and text != href else (text or href or "")
        self._words[start:] = [label]

    def _text(self) -> str:
        return " ".join("".join(w for w in self._words if w != "\x00").split())

    def flush(self) -> None:
        text = re.sub(r"`\s*([^`]*?)\s*`", r"`\1`", self._text())
        if text.strip("`"):
            # An item's bullet sits at its list's depth; a later paragraph of the item
            # (no bullet) is indented under the item's text.
            depth = len(self._lists)
            indent = 2 * (depth - 1) if self._bullet else 2 * depth
            self.blocks.append(Block(text, self._bullet, max(indent, 0)))
        self._words.clear()
        self._bullet = ""


def doc_blocks(raw: str | None) -> list[Block]:
    """The paragraphs and list items of one documentation string."""
    if not raw:
        return []
    reader = _Reader()
    reader.feed(raw)
    reader.close()
    reader.flush()
    return reader.blocks


def render_blocks(blocks: list[Block], width: int) -> str:
    """Blocks wrapped to ``width``: paragraphs apart, list items one under another."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        pad = " " * block.indent
        text = _fill(block.text, width, pad + block.bullet, pad + " " * len(block.bullet))
        same_list = index and block.bullet and blocks[index - 1].bullet
        out.append(("\n" if same_list else "\n\n") + text if out else text)
    return "".join(out)


def clean_doc(raw: str | None, width: int = 88) -> str | None:
    """Readable docstring text wrapped to ``width``; None for an empty documentation."""
    return render_blocks(doc_blocks(raw), width) or None


def first_sentence(raw: str | None) -> str | None:
    """The first sentence of the first paragraph (for a one-line ``Raises:`` entry)."""
    blocks = doc_blocks(raw)
    if not blocks:
        return None
    match = re.match(r"(.+?[.!?])(\s|$)", blocks[0].text)
    return match.group(1) if match else blocks[0].text


def doc_section(title: str, entries: list[tuple[str, str | None]], width: int = 88) -> str:
    """A Google-style section: ``Args:`` then ``name: text`` entries, continuation lines and
    later paragraphs indented under the name; an entry without text is its name alone."""
    lines = [f"{title}:"]
    for name, raw in entries:
        blocks = doc_blocks(raw)
        if not blocks:
            lines.append(f"    {name}")
            continue
        first, rest = blocks[0], blocks[1:]
        lines.append(_fill(first.text, width, f"    {name}: {first.bullet}", " " * 8))
        if rest:
            nested = [Block(b.text, b.bullet, b.indent + 8) for b in rest]
            gap = "\n" if rest[0].bullet else "\n\n"
            lines[-1] += gap + render_blocks(nested, width)
    return "\n".join(lines)


def _fill(text: str, width: int, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def docstring_body(text: str) -> str:
    """``text`` escaped to sit between triple double quotes.

    Backslashes are doubled; a run of three or more quotes, and any run of quotes that
    ends the text (it would merge with the closing quotes), is escaped quote by quote;
    characters a reader cannot see or a file cannot hold (controls other than the line
    feed, unpaired surrogates, non-printing spaces) become escape sequences.
    """
    body = text.replace("\\", "\\\\")
    if not body.replace("\n", "").isprintable():  # rare: most docs need no escape sequences
        body = "".join(_escape_char(ch) for ch in body)
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

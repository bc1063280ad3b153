"""Split Smithy IDL text into tokens, each with its line and column.

Whitespace, commas and ``//`` comments separate tokens and are dropped. ``///`` doc
comments are not tokens either: their lines are attached to the token that follows
them (``Token.docs``), because only a shape or member may use them. Quoted strings and
text blocks are decoded here (escapes, incidental whitespace), so the parser sees values.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qsmith.codegen.idl.errors import IdlError
from qsmith.codegen.model.numbers import read_float

__all__ = ["Kind", "Lines", "Token", "tokenize"]


class Kind(enum.Enum):
    IDENT = "identifier"  # also shape ids: ns.a#Name$member
    STRING = "string"
    TEXT_BLOCK = "text block"
    NUMBER = "number"
    PUNCT = "punctuation"
    EOF = "end of file"


class Lines:
    """Offset -> (line, column), both 1-based; tokens keep offsets and ask this."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


@dataclass(slots=True)
class Token:
    kind: Kind
    text: str  # as written (for punctuation and identifiers: the symbol itself)
    value: object  # decoded: str for strings, int/float for numbers
    offset: int
    lines: Lines
    docs: tuple[str, ...] = field(default=())

    @property
    def line(self) -> int:
        return self.lines.at(self.offset)[0]

    @property
    def column(self) -> int:
        return self.lines.at(self.offset)[1]

    def describe(self) -> str:
        if self.kind is Kind.EOF:
            return "end of file"
        if self.kind in (Kind.STRING, Kind.TEXT_BLOCK):
            return f"{self.kind.value} {self.value!r}"
        return repr(self.text)


_SCANNER = re.compile(
    r"""
    (?P<skip>(?:[ \t\r\n,]+|//(?!/)[^\n]*)+)
  | (?P<doc>///[^\n]*)
  | (?P<block>\"\"\"(?:\\.|"(?!"")|[^"\\])*\"\"\")
  | (?P<string>"(?:\\.|[^"\\])*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*
        (?:\#[A-Za-z_][A-Za-z0-9_]*)?(?:\$[A-Za-z_][A-Za-z0-9_]*)?)
  | (?P<punct>:=|[{}\[\]():=@$])
  | (?P<error>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|\r?\n|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "'": "'",
}
_KINDS = {"ident": Kind.IDENT, "punct": Kind.PUNCT}
# Builds the located error for a message (the position is the token's start).
_Fail = Callable[[str], IdlError]


def tokenize(text: str, file: str) -> list[Token]:
    """Every token of ``text`` followed by an EOF token; IdlError on a lexical error."""
    lines = Lines(text)
    tokens: list[Token] = []
    docs: list[str] = []
    size = len(text)

    def fail(offset: int, message: str) -> IdlError:
        line, column = lines.at(offset)
        return IdlError(file, line, column, message)

    for match in _SCANNER.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        lexeme = match.group()
        start = match.start()
        if kind == "doc":
            docs.append(_doc_line(lexeme))
            continue
        value: object = lexeme
        if kind in _KINDS:
            token_kind = _KINDS[kind]
        elif kind == "string":
            token_kind = Kind.STRING
            value = _unescape(lexeme[1:-1], functools.partial(fail, start))
        elif kind == "block":
            token_kind = Kind.TEXT_BLOCK
            value = _text_block(lexeme[3:-3], functools.partial(fail, start))
        elif kind == "number":
            token_kind = Kind.NUMBER
            value = _number(lexeme)
            end = match.end()
            if end < size and (text[end].isalnum() or text[end] in "_."):
                raise fail(start, f"malformed number {lexeme + text[end]!r}")
        else:
            raise fail(start, _unexpected(text, start))
        tokens.append(Token(token_kind, lexeme, value, start, lines, tuple(docs)))
        docs.clear()
    tokens.append(Token(Kind.EOF, "", None, size, lines, tuple(docs)))
    return tokens


def _unexpected(text: str, position: int) -> str:
    char = text[position]
    if char == '"':
        return "unterminated string (no closing quote)"
    if char == "/":
        return "a single '/' is not valid; comments start with '//'"
    return f"unexpected character {char!r}"


def _doc_line(lexeme: str) -> str:
    body = lexeme[3:].rstrip("\r")
    # One space after `///` separates the marker from the text.
    return body[1:] if body.startswith(" ") else body


def _number(lexeme: str) -> int | float:
    if any(c in lexeme for c in ".eE"):
        return read_float(lexeme)
    return int(lexeme)


def _unescape(raw: str, fail: _Fail) -> str:
    raw = raw.replace("\r\n", "\n")
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if len(escape) == 5:  # u + four hex digits
            return chr(int(escape[1:], 16))
        if escape in ("\n", "\r\n"):
            return ""  # an escaped line break continues the line
        if escape in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape]
        raise fail(f"invalid escape sequence '\\{escape}' in string")

    decoded = _ESCAPE.sub(replace, raw)
    return _join_surrogates(decoded, fail)


def _join_surrogates(text: str, fail: _Fail) -> str:
    """Pair the UTF-16 surrogates ``\\uD83D\\uDE00`` escapes produce into one character."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise fail("a \\u escape is an unpaired UTF-16 surrogate") from None


def _text_block(raw: str, fail: _Fail) -> str:
    """Decode a text block body: drop the opening line break, then incidental indentation
    (the smallest indentation of the non-blank lines and of the closing-delimiter line)
    and trailing spaces of every line; escapes are decoded last."""
    raw = raw.replace("\r\n", "\n")
    opening, newline, body = raw.partition("\n")
    if not newline or opening.strip(" \t"):
        raise fail('a text block must start with a line break after """')
    lines = body.split("\n")
    significant = [ln for ln in lines[:-1] if ln.strip(" \t")] + [lines[-1]]
    indent = min(len(ln) - len(ln.lstrip(" \t")) for ln in significant)
    stripped = [ln[indent:].rstrip(" \t") for ln in lines]
    return _unescape("\n".join(stripped), fail)

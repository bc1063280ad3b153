"""Split Smithy IDL text into tokens, each with its line and column.

Whitespace, commas and ``//`` comments separate tokens and are dropped. ``///`` doc
comments are not tokens either: their lines are attached to the token that follows
them (``Token.docs``), because only a shape or member may use them. Quoted strings and
text blocks are decoded here (escapes, incidental whitespace), so the parser sees values.
"""

from __future__ import annotations

import bisect
import enum
import re
from dataclasses import dataclass, field

from qsmith.codegen.idl.errors import IdlError

__all__ = ["Kind", "Token", "tokenize"]


class Kind(enum.Enum):
    IDENT = "identifier"  # also shape ids: ns.a#Name$member
    STRING = "string"
    TEXT_BLOCK = "text block"
    NUMBER = "number"
    PUNCT = "punctuation"
    EOF = "end of file"


@dataclass(slots=True)
class Token:
    kind: Kind
    text: str  # as written (for punctuation and identifiers: the symbol itself)
    value: object  # decoded: str for strings, int/float for numbers
    line: int
    column: int
    docs: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        if self.kind is Kind.EOF:
            return "end of file"
        if self.kind in (Kind.STRING, Kind.TEXT_BLOCK):
            return f"{self.kind.value} {self.value!r}"
        return repr(self.text)


_SCANNER = re.compile(
    r"""
    (?P<ws>[ \t\r\n,]+)
  | (?P<doc>///[^\n]*)
  | (?P<comment>//[^\n]*)
  | (?P<block>\"\"\"(?:\\.|"(?!"")|[^"\\])*\"\"\")
  | (?P<string>"(?:\\.|[^"\\])*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*
        (?:\#[A-Za-z_][A-Za-z0-9_]*)?(?:\$[A-Za-z_][A-Za-z0-9_]*)?)
  | (?P<punct>:=|[{}\[\]():=@$])
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


class _Lines:
    """Offset -> (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def tokenize(text: str, file: str) -> list[Token]:
    """Every token of ``text`` followed by an EOF token; IdlError on a lexical error."""
    lines = _Lines(text)
    tokens: list[Token] = []
    docs: list[str] = []
    position = 0
    size = len(text)
    while position < size:
        match = _SCANNER.match(text, position)
        if match is None:
            line, column = lines.at(position)
            raise IdlError(file, line, column, _unexpected(text, position))
        kind = match.lastgroup
        lexeme = match.group()
        start = position
        position = match.end()
        if kind == "ws" or kind == "comment":
            continue
        if kind == "doc":
            docs.append(_doc_line(lexeme))
            continue
        line, column = lines.at(start)
        value: object = lexeme
        if kind == "string":
            token_kind = Kind.STRING
            value = _unescape(lexeme[1:-1], file, line, column)
        elif kind == "block":
            token_kind = Kind.TEXT_BLOCK
            value = _text_block(lexeme[3:-3], file, line, column)
        elif kind == "number":
            token_kind = Kind.NUMBER
            value = _number(lexeme)
            if position < size and (text[position].isalnum() or text[position] in "_."):
                raise IdlError(file, line, column, f"malformed number {lexeme + text[position]!r}")
        elif kind == "ident":
            token_kind = Kind.IDENT
        else:
            token_kind = Kind.PUNCT
        tokens.append(Token(token_kind, lexeme, value, line, column, tuple(docs)))
        docs.clear()
    line, column = lines.at(size)
    tokens.append(Token(Kind.EOF, "", None, line, column, tuple(docs)))
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
        return float(lexeme)
    return int(lexeme)


def _unescape(raw: str, file: str, line: int, column: int) -> str:
    raw = raw.replace("\r\n", "\n")
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape.startswith("u"):
            return chr(int(escape[1:], 16))
        if escape in ("\n", "\r\n"):
            return ""  # an escaped line break continues the line
        if escape in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape]
        raise IdlError(file, line, column, f"invalid escape sequence '\\{escape}' in string")

    decoded = _ESCAPE.sub(replace, raw)
    return _join_surrogates(decoded)


def _join_surrogates(text: str) -> str:
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16")


def _text_block(raw: str, file: str, line: int, column: int) -> str:
    """Decode a text block body: drop the opening line break, then incidental indentation
    (the smallest indentation of the non-blank lines and of the closing-delimiter line)
    and trailing spaces of every line; escapes are decoded last."""
    raw = raw.replace("\r\n", "\n")
    opening, newline, body = raw.partition("\n")
    if not newline or opening.strip(" \t"):
        raise IdlError(file, line, column, 'a text block must start with a line break after """')
    lines = body.split("\n")
    significant = [ln for ln in lines[:-1] if ln.strip(" \t")] + [lines[-1]]
    indent = min(len(ln) - len(ln.lstrip(" \t")) for ln in significant)
    stripped = [ln[indent:].rstrip(" \t") for ln in lines]
    return _unescape("\n".join(stripped), file, line, column)

"""A read position in a token list, with the checks every parsing step uses."""

from __future__ import annotations

from typing import NoReturn

from qsmith.codegen.idl.errors import IdlError
from qsmith.codegen.idl.syntax import Ref
from qsmith.codegen.idl.tokens import Kind, Token

__all__ = ["Cursor"]


class Cursor:
    def __init__(self, tokens: list[Token], file: str) -> None:
        self.tokens = tokens
        self.file = file
        self.index = 0
        self.depth = 0  # nesting of node values being parsed

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def at_punct(self, symbol: str) -> bool:
        token = self.tokens[self.index]
        return token.kind is Kind.PUNCT and token.text == symbol

    def at_word(self, word: str) -> bool:
        token = self.tokens[self.index]
        return token.kind is Kind.IDENT and token.text == word

    def accept(self, symbol: str) -> bool:
        if self.at_punct(symbol):
            self.index += 1
            return True
        return False

    def expect(self, symbol: str, context: str) -> Token:
        if not self.at_punct(symbol):
            self.fail(f"expected '{symbol}' {context}, found {self.token.describe()}")
        return self.advance()

    def identifier(self, what: str) -> Token:
        """A plain identifier (no namespace, ``#`` or ``$``)."""
        token = self.token
        if token.kind is not Kind.IDENT or any(c in token.text for c in ".#$"):
            self.fail(f"expected {what}, found {token.describe()}")
        return self.advance()

    def shape_ref(self, what: str) -> Ref:
        token = self.token
        if token.kind is not Kind.IDENT:
            self.fail(f"expected {what} (a shape id), found {token.describe()}")
        self.advance()
        return Ref(token.text, token.line, token.column)

    def fail(self, message: str, token: Token | None = None) -> NoReturn:
        where = token or self.token
        raise IdlError(self.file, where.line, where.column, message)

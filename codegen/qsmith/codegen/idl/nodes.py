"""Node values (``"text"``, 1.5, true, null, [..], {..}, shape ids) and trait applications.

In trait values an unquoted shape id becomes a :class:`Ref`, resolved later to an
absolute id; elsewhere (metadata, control statements) it stays the string written.
"""

from __future__ import annotations

from typing import Any

from qsmith.codegen.idl.cursor import Cursor
from qsmith.codegen.idl.syntax import Annotation, Ref, TraitList
from qsmith.codegen.idl.tokens import Kind, Token

__all__ = ["MAX_DEPTH", "parse_node", "parse_traits"]

_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


# Deeper nesting than any model needs; the limit keeps recursion far from Python's own.
MAX_DEPTH = 200


def parse_node(cursor: Cursor, *, shape_ids: bool) -> Any:
    """One node value; ``shape_ids`` turns unquoted strings into :class:`Ref`."""
    if cursor.depth >= MAX_DEPTH:
        cursor.fail(f"node values are nested more than {MAX_DEPTH} deep")
    cursor.depth += 1
    try:
        return _node(cursor, shape_ids=shape_ids)
    finally:
        cursor.depth -= 1


def _node(cursor: Cursor, *, shape_ids: bool) -> Any:
    token = cursor.token
    if token.kind in (Kind.STRING, Kind.TEXT_BLOCK, Kind.NUMBER):
        cursor.advance()
        return token.value
    if token.kind is Kind.IDENT:
        cursor.advance()
        if token.text in _KEYWORDS:
            return _KEYWORDS[token.text]
        return Ref(token.text, token.line, token.column) if shape_ids else token.text
    if cursor.at_punct("["):
        opening = cursor.advance()
        items = []
        while not cursor.accept("]"):
            if cursor.token.kind is Kind.EOF:
                cursor.fail("unterminated list: no ']' closes this '['", opening)
            items.append(parse_node(cursor, shape_ids=shape_ids))
        return items
    if cursor.at_punct("{"):
        return _object_body(cursor, cursor.advance(), shape_ids=shape_ids)
    cursor.fail(f"expected a node value, found {token.describe()}")


def _object_key(cursor: Cursor) -> str:
    token = cursor.token
    if token.kind is Kind.STRING or (token.kind is Kind.IDENT and _plain(token.text)):
        cursor.advance()
        return str(token.value)
    cursor.fail(f"expected an object key (identifier or string), found {token.describe()}")


def _object_body(cursor: Cursor, opening: Token, *, shape_ids: bool) -> dict[str, Any]:
    close = "}" if opening.text == "{" else ")"
    result: dict[str, Any] = {}
    while not cursor.accept(close):
        if cursor.token.kind is Kind.EOF:
            cursor.fail(f"unterminated: no '{close}' closes this '{opening.text}'", opening)
        key_token = cursor.token
        key = _object_key(cursor)
        cursor.expect(":", f"after the object key {key!r}")
        if key in result:
            cursor.fail(f"duplicate object key {key!r}", key_token)
        result[key] = parse_node(cursor, shape_ids=shape_ids)
    return result


def _plain(text: str) -> bool:
    return not any(c in text for c in ".#$")


def parse_traits(cursor: Cursor, *, limit: int | None = None) -> TraitList:
    """Zero or more (at most ``limit``) ``@id``, ``@id(value)``, ``@id(key: value, ...)``."""
    traits = TraitList()
    while cursor.at_punct("@") and (limit is None or len(traits.items) < limit):
        cursor.advance()
        trait_id = cursor.shape_ref("a trait id after '@'")
        traits.items.append((trait_id, _trait_value(cursor)))
    return traits


def _trait_value(cursor: Cursor) -> Any:
    if not cursor.at_punct("("):
        return Annotation()
    opening = cursor.advance()
    if cursor.accept(")"):
        return Annotation()
    key, colon = cursor.token, cursor.peek()
    if key.kind in (Kind.STRING, Kind.IDENT) and colon.kind is Kind.PUNCT and colon.text == ":":
        return _object_body(cursor, opening, shape_ids=True)
    value = parse_node(cursor, shape_ids=True)
    cursor.expect(")", "to close the trait value")
    return value

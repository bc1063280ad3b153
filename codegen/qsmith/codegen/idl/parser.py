"""Parse one Smithy IDL file: control statements, metadata, namespace, use, shapes.

The result is a :class:`ParsedFile` whose shape ids are not resolved yet (see
``resolve.py``); syntax errors raise :class:`IdlError` with the file, line and column.
"""

from __future__ import annotations

from qsmith.codegen.idl.cursor import Cursor
from qsmith.codegen.idl.nodes import parse_node, parse_traits
from qsmith.codegen.idl.statements import SHAPE_KEYWORDS, ShapeStatements
from qsmith.codegen.idl.syntax import ParsedFile
from qsmith.codegen.idl.tokens import Kind, tokenize

__all__ = ["parse_idl"]

_VERSIONS = ("1", "1.0", "2", "2.0")
_ORDER = {
    "metadata": "metadata statements must come before the namespace statement",
    "namespace": "the namespace statement must come once, before the use and shape statements",
    "use": "use statements must come right after the namespace statement",
}
_SUFFIX_CONTROLS = {
    "operationInputSuffix": "input_suffix",
    "operationOutputSuffix": "output_suffix",
}


def parse_idl(text: str, file: str) -> ParsedFile:
    """Parse ``text`` (the content of ``file``, which is only used in messages)."""
    # A byte order mark some editors write is not part of the text.
    cursor = Cursor(tokenize(text.removeprefix("\ufeff"), file), file)
    parsed = ParsedFile(file)
    _control_section(cursor, parsed)
    _metadata_section(cursor, parsed)
    _namespace_and_uses(cursor, parsed)
    statements = ShapeStatements(cursor, parsed)
    while cursor.token.kind is not Kind.EOF:
        start = cursor.token
        if cursor.at_word("apply"):
            cursor.advance()
            statements.apply()
            continue
        traits = parse_traits(cursor)
        keyword = cursor.token
        if keyword.kind is Kind.IDENT and keyword.text in SHAPE_KEYWORDS:
            statements.shape(start, traits)
        elif keyword.kind is Kind.IDENT and keyword.text in _ORDER:
            cursor.fail(_ORDER[keyword.text])
        elif keyword.kind is Kind.PUNCT and keyword.text == "$":
            cursor.fail("control statements ('$name: value') must come first in the file")
        else:
            cursor.fail(f"expected a shape statement or 'apply', found {keyword.describe()}")
    return parsed


def _control_section(cursor: Cursor, parsed: ParsedFile) -> None:
    seen: set[str] = set()
    while cursor.at_punct("$") and cursor.peek().kind is Kind.IDENT:
        cursor.advance()
        key = cursor.advance()
        cursor.expect(":", f"after the control statement ${key.text}")
        value_token = cursor.token
        value = parse_node(cursor, shape_ids=False)
        if key.text in seen:
            cursor.fail(f"control statement ${key.text} is given twice", key)
        seen.add(key.text)
        if key.text == "version":
            if not isinstance(value, str) or value not in _VERSIONS:
                cursor.fail(
                    f'unsupported Smithy IDL version {value!r} (expected "1.0" or "2.0")',
                    value_token,
                )
            parsed.version = "2.0" if value.startswith("2") else "1.0"
        elif key.text in _SUFFIX_CONTROLS:
            if not isinstance(value, str) or not value.isidentifier():
                cursor.fail(f"${key.text} must be a string usable in a shape name", value_token)
            setattr(parsed, _SUFFIX_CONTROLS[key.text], value)
        else:
            cursor.fail(f"unknown control statement ${key.text}", key)


def _metadata_section(cursor: Cursor, parsed: ParsedFile) -> None:
    while cursor.at_word("metadata"):
        cursor.advance()
        key_token = cursor.token
        if key_token.kind not in (Kind.IDENT, Kind.STRING):
            cursor.fail(f"expected a metadata key, found {key_token.describe()}")
        cursor.advance()
        key = str(key_token.value)
        cursor.expect("=", f"after the metadata key {key!r}")
        if key in parsed.metadata:
            cursor.fail(f"metadata key {key!r} is given twice in this file", key_token)
        parsed.metadata[key] = parse_node(cursor, shape_ids=False)


def _namespace_and_uses(cursor: Cursor, parsed: ParsedFile) -> None:
    if not cursor.at_word("namespace"):
        return
    cursor.advance()
    name = cursor.token
    if name.kind is not Kind.IDENT or any(c in name.text for c in "#$"):
        cursor.fail(f"expected a namespace (like 'example.weather'), found {name.describe()}")
    cursor.advance()
    parsed.namespace = name.text
    while cursor.at_word("use"):
        cursor.advance()
        ref = cursor.token
        if ref.kind is not Kind.IDENT or "#" not in ref.text or "$" in ref.text:
            cursor.fail(f"'use' needs an absolute shape id (ns#Name), found {ref.describe()}")
        cursor.advance()
        local = ref.text.partition("#")[2]
        previous = parsed.uses.get(local)
        if previous is not None and previous != ref.text:
            cursor.fail(f"'use {ref.text}' conflicts with 'use {previous}'", ref)
        parsed.uses[local] = ref.text

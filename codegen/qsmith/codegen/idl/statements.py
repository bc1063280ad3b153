"""Shape statements and ``apply``: from tokens to JSON AST dicts with placeholders.

Each shape statement becomes one ``shapes`` entry (an operation with inline ``:=``
input/output adds the generated structures too). Doc comments become the
``smithy.api#documentation`` trait, ``= value`` on a member ``smithy.api#default`` and on
an enum member ``smithy.api#enumValue``.
"""

from __future__ import annotations

from typing import Any

from qsmith.codegen.idl.cursor import Cursor
from qsmith.codegen.idl.nodes import parse_node, parse_traits
from qsmith.codegen.idl.syntax import Elided, ParsedApply, ParsedFile, Ref, TraitList
from qsmith.codegen.idl.tokens import Kind, Token

__all__ = ["SHAPE_KEYWORDS", "ShapeStatements"]

_SIMPLE = frozenset(
    {
        "blob",
        "boolean",
        "document",
        "string",
        "byte",
        "short",
        "integer",
        "long",
        "float",
        "double",
        "bigInteger",
        "bigDecimal",
        "timestamp",
    }
)
_ENUMS = frozenset({"enum", "intEnum"})
_AGGREGATES = frozenset({"list", "set", "map", "structure", "union"})
_ENTITIES = frozenset({"service", "resource", "operation"})
SHAPE_KEYWORDS = _SIMPLE | _ENUMS | _AGGREGATES | _ENTITIES

_FIXED_MEMBERS = {"list": ("member",), "set": ("member",), "map": ("key", "value")}
_DOC = "smithy.api#documentation"
_UNIT = "smithy.api#Unit"

# Entity properties: how each is written and read.
_REF = "ref"
_REFS = "refs"
_REF_MAP = "ref map"
_ENTITY_FIELDS: dict[str, dict[str, str]] = {
    "service": {
        "version": "string",
        "operations": _REFS,
        "resources": _REFS,
        "errors": _REFS,
        "rename": "rename",
    },
    "resource": {
        "identifiers": _REF_MAP,
        "properties": _REF_MAP,
        "create": _REF,
        "put": _REF,
        "read": _REF,
        "update": _REF,
        "delete": _REF,
        "list": _REF,
        "operations": _REFS,
        "collectionOperations": _REFS,
        "resources": _REFS,
    },
    "operation": {"input": _REF, "output": _REF, "errors": _REFS},
}


def _has_enum_value(traits: TraitList) -> bool:
    return any(ref.name in ("enumValue", "smithy.api#enumValue") for ref, _ in traits.items)


def doc_trait(token: Token) -> list[tuple[Ref, Any]]:
    """The documentation trait the doc comments before ``token`` make, if any."""
    if not token.docs:
        return []
    return [(Ref(_DOC, token.line, token.column), "\n".join(token.docs))]


class ShapeStatements:
    def __init__(self, cursor: Cursor, parsed: ParsedFile) -> None:
        self.cursor = cursor
        self.parsed = parsed

    # -- entry points --------------------------------------------------------------------

    def apply(self) -> None:
        """``apply Target @trait`` or ``apply Target { @a @b }`` (``apply`` consumed)."""
        cursor = self.cursor
        target = cursor.shape_ref("the shape to apply traits to")
        if cursor.at_punct("{"):
            self.require_2(cursor.advance(), "an apply block ('apply X { ... }')")
            traits = parse_traits(cursor)
            cursor.expect("}", "to close the apply block (only traits may be inside)")
        else:
            if not cursor.at_punct("@"):
                cursor.fail(f"expected a trait after 'apply {target.name}'")
            traits = parse_traits(cursor, limit=1)
        self.parsed.applies.append(ParsedApply(target, traits))

    def shape(self, start: Token, traits: TraitList) -> None:
        """A shape statement whose keyword is the current token."""
        cursor = self.cursor
        keyword_token = cursor.advance()
        keyword = keyword_token.text
        if keyword in _ENUMS:
            self.require_2(keyword_token, f"{keyword} shapes")
        name_token = cursor.identifier(f"a shape name after '{keyword}'")
        shape_id = self.define(name_token, keyword)
        node: dict[str, Any] = {"type": keyword}
        node["traits"] = TraitList(doc_trait(start) + traits.items)
        if keyword in _AGGREGATES and cursor.at_word("for"):
            self.require_2(cursor.advance(), "'for' resource bindings")
            self.parsed.resources_for[shape_id] = cursor.shape_ref("a resource after 'for'")
        node["mixins"] = self.mixins()
        self.parsed.shapes[shape_id] = node
        if keyword in _SIMPLE:
            return
        cursor.expect("{", f"to open the body of {keyword} {name_token.text}")
        if keyword in _ENUMS:
            node["members"] = self.enum_members(keyword)
        elif keyword in _AGGREGATES:
            self.members(keyword, shape_id, node)
        else:
            self.entity_body(keyword, name_token.text, node)

    # -- pieces --------------------------------------------------------------------------

    def define(self, name: Token, keyword: str) -> str:
        if self.parsed.namespace is None:
            self.cursor.fail("a shape is defined before the namespace statement", name)
        shape_id = f"{self.parsed.namespace}#{name.text}"
        if shape_id in self.parsed.shapes:
            line, column = self.parsed.locations[shape_id]
            self.cursor.fail(
                f"shape {name.text} is already defined at line {line}, column {column}", name
            )
        if name.text in self.parsed.uses:
            self.cursor.fail(f"shape {name.text} conflicts with the use of {name.text}", name)
        self.parsed.locations[shape_id] = (name.line, name.column)
        return shape_id

    def require_2(self, token: Token, feature: str) -> None:
        if self.parsed.version.startswith("1"):
            self.cursor.fail(
                f'{feature}: only allowed with $version: "2.0" (this file is 1.0)', token
            )

    def mixins(self) -> list[Ref]:
        cursor = self.cursor
        if not cursor.at_word("with"):
            return []
        self.require_2(cursor.advance(), "mixins ('with [...]')")
        cursor.expect("[", "after 'with'")
        refs = []
        while not cursor.accept("]"):
            refs.append(cursor.shape_ref("a mixin"))
        return refs

    def enum_members(self, keyword: str) -> dict[str, Any]:
        cursor = self.cursor
        members: dict[str, Any] = {}
        while not cursor.accept("}"):
            start = cursor.token
            traits = parse_traits(cursor)
            name = cursor.identifier(f"an {keyword} member name")
            if name.text in members:
                cursor.fail(f"duplicate member {name.text}", name)
            items = doc_trait(start) + traits.items
            where = Ref("smithy.api#enumValue", name.line, name.column)
            if cursor.accept("="):
                value_token = cursor.token
                value = parse_node(cursor, shape_ids=False)
                expected = str if keyword == "enum" else int
                if not isinstance(value, expected) or isinstance(value, bool):
                    kind = "a string" if keyword == "enum" else "an integer"
                    cursor.fail(f"the value of an {keyword} member must be {kind}", value_token)
                items.append((where, value))
            elif keyword == "enum" and not _has_enum_value(traits):
                items.append((where, name.text))
            elif keyword == "intEnum" and not _has_enum_value(traits):
                cursor.fail(f"intEnum member {name.text} needs a value ('= 1')", name)
            members[name.text] = {"target": _UNIT, "traits": TraitList(items)}
        return members

    def members(self, keyword: str, shape_id: str, node: dict[str, Any]) -> None:
        cursor = self.cursor
        members: dict[str, Any] = {}
        fixed = _FIXED_MEMBERS.get(keyword)
        while not cursor.accept("}"):
            start = cursor.token
            traits = parse_traits(cursor)
            elided = cursor.at_punct("$")
            if elided:
                self.require_2(cursor.advance(), "elided members ('$name')")
            name = cursor.identifier("a member name")
            if fixed is not None and name.text not in fixed:
                cursor.fail(
                    f"a {keyword} can only have the members {' and '.join(fixed)},"
                    f" not {name.text!r}",
                    name,
                )
            if name.text in members:
                cursor.fail(f"duplicate member {name.text}", name)
            target: Ref | Elided
            if elided:
                target = Elided(name.text, name.line, name.column)
            else:
                cursor.expect(":", f"after the member name {name.text}")
                target = cursor.shape_ref(f"the target of member {name.text}")
            items = doc_trait(start) + traits.items
            if cursor.at_punct("="):
                equals = cursor.advance()
                self.require_2(equals, "default values ('= value')")
                items.append(
                    (
                        Ref("smithy.api#default", equals.line, equals.column),
                        parse_node(cursor, shape_ids=False),
                    )
                )
            members[name.text] = {"target": target, "traits": TraitList(items)}
        if fixed is None:
            node["members"] = members
            return
        for fixed_name in fixed:
            if fixed_name in members:
                node[fixed_name] = members[fixed_name]

    def entity_body(self, keyword: str, name: str, node: dict[str, Any]) -> None:
        cursor = self.cursor
        fields = _ENTITY_FIELDS[keyword]
        while not cursor.accept("}"):
            key = cursor.identifier(f"a {keyword} property")
            if key.text not in fields:
                cursor.fail(
                    f"unknown {keyword} property {key.text!r} (expected one of "
                    f"{', '.join(fields)})",
                    key,
                )
            if key.text in node:
                cursor.fail(f"{keyword} property {key.text!r} is given twice", key)
            if keyword == "operation" and cursor.at_punct(":="):
                node[key.text] = self.inline_structure(key, name)
                continue
            cursor.expect(":", f"after the {keyword} property {key.text!r}")
            node[key.text] = self.entity_value(fields[key.text], key.text)
        if keyword == "operation":
            node.setdefault("input", {"target": _UNIT})
            node.setdefault("output", {"target": _UNIT})

    def entity_value(self, form: str, key: str) -> Any:
        cursor = self.cursor
        if form == _REF:
            return {"target": cursor.shape_ref(f"the {key} shape")}
        if form == _REFS:
            cursor.expect("[", f"to open the {key} list")
            refs = []
            while not cursor.accept("]"):
                refs.append({"target": cursor.shape_ref(f"an entry of {key}")})
            return refs
        if form == _REF_MAP:
            cursor.expect("{", f"to open the {key} object")
            mapping: dict[str, Any] = {}
            while not cursor.accept("}"):
                entry = cursor.identifier(f"a name in {key}")
                cursor.expect(":", f"after {entry.text} in {key}")
                mapping[entry.text] = {"target": cursor.shape_ref(f"the target of {entry.text}")}
            return mapping
        start = cursor.token
        value = parse_node(cursor, shape_ids=False)
        if form == "string" and not isinstance(value, str):
            cursor.fail(f"{key} must be a string", start)
        if form == "rename" and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            cursor.fail("rename must be an object of shape id to name strings", start)
        return value

    def inline_structure(self, key: Token, operation: str) -> dict[str, Any]:
        """``input := [traits] [with [..]] { members }``: a structure named after the
        operation and the suffix control statement, carrying @input / @output."""
        cursor = self.cursor
        if key.text == "errors":
            cursor.fail("errors cannot be defined inline (':='); list shape ids instead", key)
        cursor.advance()  # :=
        self.require_2(key, "inline input/output (':=')")
        start = cursor.token
        traits = parse_traits(cursor)
        suffix = self.parsed.input_suffix if key.text == "input" else self.parsed.output_suffix
        synthetic = Token(Kind.IDENT, operation + suffix, None, start.offset, start.lines)
        shape_id = self.define(synthetic, "structure")
        marker: tuple[Ref, Any] = (Ref(f"smithy.api#{key.text}", key.line, key.column), {})
        node: dict[str, Any] = {"type": "structure"}
        node["traits"] = TraitList([*doc_trait(start), marker, *traits.items])
        if cursor.at_word("for"):
            self.require_2(cursor.advance(), "'for' resource bindings")
            self.parsed.resources_for[shape_id] = cursor.shape_ref("a resource after 'for'")
        node["mixins"] = self.mixins()
        self.parsed.shapes[shape_id] = node
        cursor.expect("{", f"to open the inline {key.text} structure")
        self.members("structure", shape_id, node)
        return {"target": shape_id}

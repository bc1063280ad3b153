"""The Smithy prelude (``smithy.api``), built in so models can target it without a file.

It holds the simple shapes (``smithy.api#String``...), ``Unit``, the 1.0-era
``Primitive*`` shapes (with their zero defaults) and the prelude trait shapes. Trait
shapes carry their type and the ``@trait`` marker only: the model layer needs to know
they exist (so a reference to one is not an unknown target), not their full definition.
"""

from __future__ import annotations

from qsmith.codegen.model.ast import ShapeKind
from qsmith.codegen.model.shapes import PRELUDE_SOURCE, Member, Shape

__all__ = ["BOXED_PRELUDE", "PRELUDE_TRAITS", "prelude_shapes"]

NS = "smithy.api#"

_SIMPLE: dict[str, ShapeKind] = {
    "String": ShapeKind.STRING,
    "Blob": ShapeKind.BLOB,
    "BigInteger": ShapeKind.BIG_INTEGER,
    "BigDecimal": ShapeKind.BIG_DECIMAL,
    "Timestamp": ShapeKind.TIMESTAMP,
    "Document": ShapeKind.DOCUMENT,
    "Boolean": ShapeKind.BOOLEAN,
    "Byte": ShapeKind.BYTE,
    "Short": ShapeKind.SHORT,
    "Integer": ShapeKind.INTEGER,
    "Long": ShapeKind.LONG,
    "Float": ShapeKind.FLOAT,
    "Double": ShapeKind.DOUBLE,
}

# Smithy 1.0 called these boxed (nullable); the Primitive* twins were not.
BOXED_PRELUDE = frozenset(
    NS + name for name in ("Boolean", "Byte", "Short", "Integer", "Long", "Float", "Double")
)

_PRIMITIVE: dict[str, tuple[ShapeKind, bool | int]] = {
    "PrimitiveBoolean": (ShapeKind.BOOLEAN, False),
    "PrimitiveByte": (ShapeKind.BYTE, 0),
    "PrimitiveShort": (ShapeKind.SHORT, 0),
    "PrimitiveInteger": (ShapeKind.INTEGER, 0),
    "PrimitiveLong": (ShapeKind.LONG, 0),
    "PrimitiveFloat": (ShapeKind.FLOAT, 0),
    "PrimitiveDouble": (ShapeKind.DOUBLE, 0),
}

_S, _L, _D, _ST = ShapeKind.STRING, ShapeKind.LIST, ShapeKind.DOCUMENT, ShapeKind.STRUCTURE

# Prelude trait shapes by name -> the type of their value.
PRELUDE_TRAITS: dict[str, ShapeKind] = {
    "addedDefault": _ST,
    "auth": _L,
    "authDefinition": _ST,
    "box": _ST,
    "clientOptional": _ST,
    "cors": _ST,
    "default": _D,
    "deprecated": _ST,
    "documentation": _S,
    "endpoint": _ST,
    "enum": _L,
    "enumValue": _D,
    "error": _S,
    "eventHeader": _ST,
    "eventPayload": _ST,
    "examples": _L,
    "externalDocumentation": ShapeKind.MAP,
    "hostLabel": _ST,
    "http": _ST,
    "httpApiKeyAuth": _ST,
    "httpBasicAuth": _ST,
    "httpBearerAuth": _ST,
    "httpChecksumRequired": _ST,
    "httpDigestAuth": _ST,
    "httpError": ShapeKind.INTEGER,
    "httpHeader": _S,
    "httpLabel": _ST,
    "httpPayload": _ST,
    "httpPrefixHeaders": _S,
    "httpQuery": _S,
    "httpQueryParams": _ST,
    "httpResponseCode": _ST,
    "idRef": _ST,
    "idempotencyToken": _ST,
    "idempotent": _ST,
    "input": _ST,
    "internal": _ST,
    "jsonName": _S,
    "length": _ST,
    "mediaType": _S,
    "mixin": _ST,
    "nestedProperties": _ST,
    "noReplace": _ST,
    "notProperty": _ST,
    "optionalAuth": _ST,
    "output": _ST,
    "paginated": _ST,
    "pattern": _S,
    "private": _ST,
    "property": _ST,
    "protocolDefinition": _ST,
    "range": _ST,
    "readonly": _ST,
    "recommended": _ST,
    "references": _L,
    "requestCompression": _ST,
    "required": _ST,
    "requiresLength": _ST,
    "resourceIdentifier": _S,
    "retryable": _ST,
    "sensitive": _ST,
    "since": _S,
    "sparse": _ST,
    "streaming": _ST,
    "suppress": _L,
    "tags": _L,
    "timestampFormat": _S,
    "title": _S,
    "trait": _ST,
    "traitValidators": ShapeKind.MAP,
    "uniqueItems": _ST,
    "unitType": _ST,
    "unstable": _ST,
    "xmlAttribute": _ST,
    "xmlFlattened": _ST,
    "xmlName": _S,
    "xmlNamespace": _ST,
}


def prelude_shapes() -> dict[str, Shape]:
    """Fresh prelude shapes keyed by id (fresh because loaded shapes are mutable)."""
    shapes: dict[str, Shape] = {}

    def add(name: str, kind: ShapeKind, traits: dict[str, object] | None = None) -> None:
        shape = Shape(NS + name, kind, PRELUDE_SOURCE, traits=dict(traits or {}))
        # Collection-valued trait shapes get loose members: their values are not checked here.
        if kind is ShapeKind.LIST:
            shape.members["member"] = Member(shape.id, "member", NS + "Document")
        elif kind is ShapeKind.MAP:
            shape.members["key"] = Member(shape.id, "key", NS + "String")
            shape.members["value"] = Member(shape.id, "value", NS + "Document")
        shapes[shape.id] = shape

    for name, kind in _SIMPLE.items():
        add(name, kind)
    for name, (kind, zero) in _PRIMITIVE.items():
        add(name, kind, {NS + "default": zero})
    add("Unit", ShapeKind.STRUCTURE, {NS + "unitType": {}})
    for name, kind in PRELUDE_TRAITS.items():
        add(name, kind, {NS + "trait": {}})
    return shapes

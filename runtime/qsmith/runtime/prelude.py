"""Schemas of the Smithy prelude's simple shapes, shared by every generated client."""

from __future__ import annotations

from qsmith.runtime.schema import Schema, ShapeType

BLOB = Schema(id="smithy.api#Blob", type=ShapeType.BLOB)
BOOLEAN = Schema(id="smithy.api#Boolean", type=ShapeType.BOOLEAN)
STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
BYTE = Schema(id="smithy.api#Byte", type=ShapeType.BYTE)
SHORT = Schema(id="smithy.api#Short", type=ShapeType.SHORT)
INTEGER = Schema(id="smithy.api#Integer", type=ShapeType.INTEGER)
LONG = Schema(id="smithy.api#Long", type=ShapeType.LONG)
FLOAT = Schema(id="smithy.api#Float", type=ShapeType.FLOAT)
DOUBLE = Schema(id="smithy.api#Double", type=ShapeType.DOUBLE)
BIG_INTEGER = Schema(id="smithy.api#BigInteger", type=ShapeType.BIG_INTEGER)
BIG_DECIMAL = Schema(id="smithy.api#BigDecimal", type=ShapeType.BIG_DECIMAL)
TIMESTAMP = Schema(id="smithy.api#Timestamp", type=ShapeType.TIMESTAMP)
DOCUMENT = Schema(id="smithy.api#Document", type=ShapeType.DOCUMENT)
# The empty structure operations use when they take or return nothing.
UNIT = Schema(id="smithy.api#Unit", type=ShapeType.STRUCTURE)

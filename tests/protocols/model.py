"""Test support: runtime schemas built from a Smithy JSON AST, with classes made on the fly.

This stands in for the generator in the protocol tests: every structure becomes a
keyword-only slotted dataclass, every union member a ``UnionVariant`` subclass, every
error a ``ModeledServiceError`` subclass, following ``qsmith.runtime.values``.
"""

from __future__ import annotations

import dataclasses
import keyword
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from qsmith.runtime.schema import (
    Constraints,
    HttpBinding,
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
    TimestampFormat,
)
from qsmith.runtime.values import ModeledServiceError, UnionVariant, UnknownUnionMember

PRELUDE = {
    "String": "string",
    "Blob": "blob",
    "Boolean": "boolean",
    "PrimitiveBoolean": "boolean",
    "Byte": "byte",
    "PrimitiveByte": "byte",
    "Short": "short",
    "PrimitiveShort": "short",
    "Integer": "integer",
    "PrimitiveInteger": "integer",
    "Long": "long",
    "PrimitiveLong": "long",
    "Float": "float",
    "PrimitiveFloat": "float",
    "Double": "double",
    "PrimitiveDouble": "double",
    "BigInteger": "bigInteger",
    "BigDecimal": "bigDecimal",
    "Timestamp": "timestamp",
    "Document": "document",
    "Unit": "structure",
}

_BINDINGS = {
    "smithy.api#httpLabel": HttpBinding.LABEL,
    "smithy.api#httpQuery": HttpBinding.QUERY,
    "smithy.api#httpQueryParams": HttpBinding.QUERY_PARAMS,
    "smithy.api#httpHeader": HttpBinding.HEADER,
    "smithy.api#httpPrefixHeaders": HttpBinding.PREFIX_HEADERS,
    "smithy.api#httpPayload": HttpBinding.PAYLOAD,
    "smithy.api#httpResponseCode": HttpBinding.RESPONSE_CODE,
}


def snake_case(name: str) -> str:
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()
    return text + "_" if keyword.iskeyword(text) else text


def python_names(names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate = snake_case(name)
        while candidate in used or candidate in ("member_names",):
            candidate += "_"
        used.add(candidate)
        out[name] = candidate
    return out


class ModelSchemas:
    """Lazily converts shapes of one JSON AST into runtime schemas (memoized by id)."""

    def __init__(self, shapes: Mapping[str, Any]) -> None:
        self.shapes = shapes
        self.schemas: dict[str, Schema] = {}
        self.operations: dict[str, OperationSchema] = {}

    def shape(self, shape_id: str) -> Mapping[str, Any]:
        if shape_id.startswith("smithy.api#"):
            return {"type": PRELUDE[shape_id.split("#")[1]]}
        return self.shapes[shape_id]

    def schema(self, shape_id: str) -> Schema:
        found = self.schemas.get(shape_id)
        if found is None:
            found = self._build(shape_id)
            self.schemas[shape_id] = found
        return found

    def _build(self, shape_id: str) -> Schema:
        shape = self.shape(shape_id)
        traits: Mapping[str, Any] = shape.get("traits", {})
        kind = ShapeType(shape["type"])
        names = python_names(list(shape.get("members", {})))
        members = {
            name: self._member(
                name,
                names[name],
                body,
                _variant(shape_id, name, names[name]) if kind is ShapeType.UNION else None,
            )
            for name, body in shape.get("members", {}).items()
        }
        if kind in (ShapeType.LIST, ShapeType.MAP):
            for part in ("member", "key", "value"):
                if part in shape:
                    members[part] = self._member(part, part, shape[part])
        enum_values: dict[str, str | int] = {}
        if kind in (ShapeType.ENUM, ShapeType.INT_ENUM):
            for name, body in shape.get("members", {}).items():
                enum_values[name] = body.get("traits", {}).get("smithy.api#enumValue", name)
            members = {}
        schema = Schema(
            id=shape_id,
            type=kind,
            members=members,
            sensitive="smithy.api#sensitive" in traits,
            streaming="smithy.api#streaming" in traits,
            sparse="smithy.api#sparse" in traits,
            timestamp_format=_timestamp_format(traits),
            media_type=traits.get("smithy.api#mediaType"),
            enum_values=enum_values,
            error=traits.get("smithy.api#error"),
            http_error=traits.get("smithy.api#httpError"),
            retryable="smithy.api#retryable" in traits,
            constraints=_constraints(traits),
            traits=dict(traits),
        )
        python_type = _python_type(schema)
        if python_type is not None:
            schema = dataclasses.replace(schema, python_type=python_type)
        return schema

    def _member(
        self,
        name: str,
        python_name: str,
        body: Mapping[str, Any],
        variant_type: type | None = None,
    ) -> MemberSchema:
        traits: Mapping[str, Any] = body.get("traits", {})
        target_id = body["target"]
        binding = next((b for key, b in _BINDINGS.items() if key in traits), None)
        http_name = None
        if binding is HttpBinding.QUERY:
            http_name = traits["smithy.api#httpQuery"]
        elif binding is HttpBinding.HEADER:
            http_name = traits["smithy.api#httpHeader"]
        elif binding is HttpBinding.PREFIX_HEADERS:
            http_name = traits["smithy.api#httpPrefixHeaders"]
        return MemberSchema(
            name=name,
            python_name=python_name,
            target_ref=lambda: self.schema(target_id),
            json_name=traits.get("smithy.api#jsonName"),
            http_binding=binding,
            http_name=http_name,
            timestamp_format=_timestamp_format(traits),
            media_type=traits.get("smithy.api#mediaType"),
            required="smithy.api#required" in traits,
            client_optional="smithy.api#clientOptional" in traits,
            default=traits.get("smithy.api#default", _NO),
            sensitive="smithy.api#sensitive" in traits,
            event_header="smithy.api#eventHeader" in traits,
            event_payload="smithy.api#eventPayload" in traits,
            idempotency_token="smithy.api#idempotencyToken" in traits,
            host_label="smithy.api#hostLabel" in traits,
            constraints=_constraints(traits),
            variant_type=variant_type,
            traits=dict(traits),
        )

    def operation(self, shape_id: str) -> OperationSchema:
        found = self.operations.get(shape_id)
        if found is not None:
            return found
        shape = self.shapes[shape_id]
        traits: Mapping[str, Any] = shape.get("traits", {})
        http = traits.get("smithy.api#http")
        endpoint = traits.get("smithy.api#endpoint")
        compression = traits.get("smithy.api#requestCompression", {})
        found = OperationSchema(
            id=shape_id,
            input=self.schema(shape.get("input", {}).get("target", "smithy.api#Unit")),
            output=self.schema(shape.get("output", {}).get("target", "smithy.api#Unit")),
            errors=tuple(self.schema(e["target"]) for e in shape.get("errors", [])),
            http=(
                None
                if http is None
                else HttpTrait(method=http["method"], uri=http["uri"], code=http.get("code", 200))
            ),
            host_prefix=None if endpoint is None else endpoint["hostPrefix"],
            request_compression=tuple(compression.get("encodings", ())),
            checksum_required="smithy.api#httpChecksumRequired" in traits,
            traits=dict(traits),
        )
        self.operations[shape_id] = found
        return found

    def service(self, shape_id: str) -> ServiceSchema:
        shape = self.shapes[shape_id]
        traits: Mapping[str, Any] = shape.get("traits", {})
        operations = [self.operation(ref["target"]) for ref in shape.get("operations", [])]
        return ServiceSchema(
            id=shape_id,
            version=shape.get("version", ""),
            protocols=tuple(t for t in traits if t.startswith("aws.protocols#aws")),
            operations={op.name: op for op in operations},
            errors=tuple(self.schema(e["target"]) for e in shape.get("errors", [])),
            traits=dict(traits),
        )


_NO = MemberSchema.__dataclass_fields__["default"].default


def _timestamp_format(traits: Mapping[str, Any]) -> TimestampFormat | None:
    raw = traits.get("smithy.api#timestampFormat")
    return None if raw is None else TimestampFormat(raw)


def _constraints(traits: Mapping[str, Any]) -> Constraints | None:
    length = traits.get("smithy.api#length", {})
    bounds = traits.get("smithy.api#range", {})
    pattern = traits.get("smithy.api#pattern")
    if not (length or bounds or pattern):
        return None
    return Constraints(
        min_length=length.get("min"),
        max_length=length.get("max"),
        min_value=bounds.get("min"),
        max_value=bounds.get("max"),
        pattern=pattern,
    )


def _python_type(schema: Schema) -> type | None:
    class_name = schema.name
    if schema.type is ShapeType.STRUCTURE and schema.error is not None:
        sensitive = frozenset(m.python_name for m in schema.members.values() if m.is_sensitive)
        return type(class_name, (ModeledServiceError,), {"sensitive_members": sensitive})
    if schema.type is ShapeType.STRUCTURE:
        fields = [
            (m.python_name, Any, dataclasses.field(default=None)) for m in schema.members.values()
        ]
        return dataclasses.make_dataclass(class_name, fields, kw_only=True, slots=True)
    if schema.type is ShapeType.UNION:
        return type(f"{class_name}Unknown", (UnknownUnionMember,), {"__slots__": ()})
    return None


def _variant(shape_id: str, member_name: str, python_name: str) -> type:
    """The class holding one union member's value, as the generator would emit it."""
    union_name = shape_id.rpartition("#")[2]
    attrs: dict[str, Any] = {
        "__slots__": (),
        "member_name": member_name,
        "__annotations__": {"member_name": ClassVar[str]},
    }
    return type(f"{union_name}_{python_name}", (UnionVariant,), attrs)

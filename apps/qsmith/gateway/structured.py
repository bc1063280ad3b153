"""Structured answers (OpenAI ``response_format``): asked for, checked, repaired once.

The service has no JSON mode. So a ``json_object`` or ``json_schema`` request adds an
instruction to the system prompt, the answer is gathered whole and checked (valid JSON;
an object; for ``json_schema``, the schema's types, ``required``, ``properties``,
``additionalProperties: false``, ``items`` and ``enum``), and one failure is answered by a
second turn that shows the model its answer and the fault. A second failure is an
upstream error (502): the client never gets unchecked text labelled as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from qsmith.gateway.errors import BadRequestError

__all__ = ["JsonFormat", "parse_response_format", "repair_prompt", "violation"]

INSTRUCTION = (
    "Answer with one JSON object only: no prose, no code fences, nothing before or after it."
)
SCHEMA_INSTRUCTION = INSTRUCTION + " It must conform to this JSON schema:\n{schema}"
REPAIR = "Your answer was not accepted: {fault}. Answer again with the JSON object only."
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@dataclass(frozen=True, slots=True)
class JsonFormat:
    """A requested JSON answer; ``schema`` is None for ``json_object``."""

    schema: dict[str, Any] | None = None

    def instruction(self) -> str:
        if self.schema is None:
            return INSTRUCTION
        return SCHEMA_INSTRUCTION.format(schema=json.dumps(self.schema))


def parse_response_format(raw: object) -> JsonFormat | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequestError("response_format: expected an object", param="response_format")
    kind = raw.get("type")
    if kind == "text":
        return None
    if kind == "json_object":
        return JsonFormat()
    if kind == "json_schema":
        spec = raw.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise BadRequestError(
                "response_format.json_schema.schema: expected an object",
                param="response_format.json_schema.schema",
            )
        return JsonFormat(schema)
    raise BadRequestError(
        f"response_format.type: expected text, json_object or json_schema, got {kind!r}",
        param="response_format.type",
    )


def violation(text: str, fmt: JsonFormat) -> str | None:
    """What is wrong with ``text`` as an answer in ``fmt``, or None when it is fine."""
    try:
        value = json.loads(text)
    except ValueError as error:
        return f"it is not valid JSON ({error})"
    if not isinstance(value, dict):
        return "it is not a JSON object"
    return _schema_violation(value, fmt.schema, "$") if fmt.schema is not None else None


def _schema_violation(value: object, schema: dict[str, Any], where: str) -> str | None:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if kinds and not any(_is(value, k) for k in kinds):
        return f"{where} should be {' or '.join(kinds)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where} should be one of {schema['enum']}"
    if isinstance(value, dict):
        return _object_violation(value, schema, where)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            fault = _schema_violation(item, schema["items"], f"{where}[{index}]")
            if fault:
                return fault
    return None


def _object_violation(value: dict[str, Any], schema: dict[str, Any], where: str) -> str | None:
    properties = schema.get("properties") or {}
    for key in schema.get("required") or []:
        if key not in value:
            return f"{where}.{key} is required"
    if schema.get("additionalProperties") is False:
        extra = sorted(set(value) - set(properties))
        if extra:
            return f"{where} has properties the schema does not allow: {extra}"
    for key, item in value.items():
        sub = properties.get(key)
        if isinstance(sub, dict):
            fault = _schema_violation(item, sub, f"{where}.{key}")
            if fault:
                return fault
    return None


def _is(value: object, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, _TYPES.get(kind, (object,)))


def repair_prompt(fault: str) -> str:
    return REPAIR.format(fault=fault)

"""Python names for Smithy names: snake_case attributes, PascalCase classes, CONSTANTS.

Every generated identifier comes from here so that a name is spelled one way in the
models, the schema constants and the client methods.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Container, Iterable
from enum import IntEnum, StrEnum

__all__ = [
    "ANNOTATION_NAMES",
    "ERROR_ATTRIBUTES",
    "IMPORTED_CLASS_NAMES",
    "RESERVED_PARAMETERS",
    "constant_name",
    "enum_member_names",
    "isort_key",
    "member_python_names",
    "module_name",
    "pascal_case",
    "python_identifier",
    "reserved_member_names",
    "snake_case",
    "unique_name",
]

# The names generated class bodies read (annotations, and defaults such as
# ``field(default_factory=list)``): a field or method named like one would shadow it for
# the lines after it in the class body.
ANNOTATION_NAMES = frozenset(
    {
        *("bool", "bytes", "dict", "float", "int", "list", "str"),
        *("datetime", "timezone", "Decimal", "Document", "field"),
    }
)
# Keyword arguments every generated client method takes besides the input members.
RESERVED_PARAMETERS = frozenset({"self", "timeout", "extra_headers"})

# Capitalised names the generated modules import (codegen/render.py's tables, the typing
# names the templates use): a shape class of the same name would shadow them.
IMPORTED_CLASS_NAMES = frozenset(
    {
        "Any",
        "AsyncClient",
        "AsyncClientBase",
        "AsyncEventStreamResponse",
        "AsyncIterable",
        "AsyncIterator",
        "Client",
        "ClientBase",
        "ClientConfig",
        "Constraints",
        "Decimal",
        "Document",
        "EventStreamResponse",
        "HttpBinding",
        "HttpTrait",
        "IntEnum",
        "Iterable",
        "Iterator",
        "Mapping",
        "MemberSchema",
        "ModeledServiceError",
        "OperationSchema",
        "Schema",
        "ServiceSchema",
        "ShapeType",
        "StrEnum",
        "TYPE_CHECKING",
        "TimestampFormat",
        "TypeAlias",
        "UnionVariant",
        "UnknownUnionMember",
    }
)

# Attributes and keyword arguments of ModeledServiceError that an error's members must not
# shadow (``message`` is the one member the base class expects).
ERROR_ATTRIBUTES = (
    RESERVED_PARAMETERS
    | ANNOTATION_NAMES
    | frozenset({"code", "http_status", "request_id", "fault", "retryable", "member_names", "args"})
)


def reserved_member_names(*, is_error: bool, member_count: int) -> frozenset[str]:
    """Names a structure's members may not take as attributes (they get a ``_`` suffix).

    A field named like a type shadows it for the annotations after it in the class body,
    so only a lone field may keep such a name; an error's ``__init__`` always uses them.
    """
    if is_error:
        return ERROR_ATTRIBUTES
    return RESERVED_PARAMETERS | ANNOTATION_NAMES if member_count > 1 else RESERVED_PARAMETERS


def member_python_names(names: Iterable[str], reserved: frozenset[str]) -> dict[str, str]:
    """Smithy member name -> attribute name, for all members of one shape, in order.

    Two members whose snake_case meet (``fooBar`` and ``foo_bar``) both keep a name:
    the later one takes ``_`` suffixes until it is free.
    """
    python_names: dict[str, str] = {}
    for name in names:
        base = python_identifier(snake_case(name), reserved)
        python_names[name] = unique_name(base, python_names.values())
    return python_names


# Attributes an enum member may not take: the value type's methods (``count``, ``replace``
# on str; ``real``, ``to_bytes`` on int), the enum's own (``name``, ``value``) and the one
# name the enum machinery refuses (``mro``).
_ENUM_RESERVED = {
    "StrEnum": frozenset(dir(StrEnum)) | {"name", "value", "mro"},
    "IntEnum": frozenset(dir(IntEnum)) | {"name", "value", "mro"},
}


def enum_member_names(names: Iterable[str], base: str) -> list[str]:
    """Attribute names for an enum's members, in order, each legal and distinct.

    A name the enum machinery would treat specially (``_sunder_``, ``__dunder__`` or
    ``__private``) loses its leading underscores; a name that shadows a method of the
    value type or of the enum gets ``_`` suffixes until it is free.
    """
    reserved = _ENUM_RESERVED[base]
    taken: list[str] = []
    for name in names:
        if name.startswith("__") or _is_sunder(name):
            name = name.lstrip("_") or "member"
        candidate = python_identifier(name, reserved)
        while candidate in reserved or candidate in taken or _is_sunder(candidate):
            candidate += "_"
        taken.append(candidate)
    return taken


def _is_sunder(name: str) -> bool:
    return len(name) > 2 and name[0] == name[-1] == "_" and name[1] != "_" and name[-2] != "_"


def unique_name(name: str, taken: Container[str]) -> str:
    """``name``, or the first of ``name_``, ``name__``, ... that is not taken.

    Every generated namespace (classes, constants, methods, fields, locals) resolves a
    clash this way, so a given model always yields the same names.
    """
    while name in taken:
        name += "_"
    return name


_WORD_BOUNDARIES = (
    re.compile(r"([A-Z]+)([A-Z][a-z])"),  # "HTMLParser" -> "HTML_Parser"
    re.compile(r"([a-z0-9])([A-Z])"),  # "fooBar" -> "foo_Bar"
)
_NOT_IDENTIFIER = re.compile(r"[^0-9a-zA-Z_]+")


def snake_case(name: str) -> str:
    """``profileArn`` -> ``profile_arn``; ``SSEKMSKeyId`` -> ``ssekms_key_id``."""
    text = _NOT_IDENTIFIER.sub("_", name)
    for pattern in _WORD_BOUNDARIES:
        text = pattern.sub(r"\1_\2", text)
    return re.sub("_+", "_", text).strip("_").lower() or "_"


def pascal_case(name: str) -> str:
    """``userInputMessage`` -> ``UserInputMessage``; ``MCP_stream`` -> ``MCPStream``."""
    parts = [p for p in _NOT_IDENTIFIER.sub("_", name).split("_") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "_"


def constant_name(name: str) -> str:
    """``ConversationState`` -> ``CONVERSATION_STATE``."""
    return python_identifier(snake_case(name).upper())


def python_identifier(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """``name`` made a legal identifier that shadows no keyword and no reserved name."""
    if name[:1].isdigit():
        name = "_" + name
    # Soft keywords (match, case, type) are legal names and differ across versions.
    if keyword.iskeyword(name) or name in reserved:
        name += "_"
    return name


def module_name(name: str) -> str:
    """A package name for a service: ``codewhisperer-streaming`` -> ``codewhisperer_streaming``."""
    return python_identifier(snake_case(name))


def isort_key(name: str) -> tuple[int, list[int | str]]:
    """Where isort (ruff) puts a name in an import: CONSTANTS, then Classes, then the
    rest, each in natural, case-insensitive order."""
    natural: list[int | str] = [
        int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)
    ]
    if name.isupper() and len(name) > 1:
        return 0, natural
    return (1, natural) if name[:1].isupper() else (2, natural)

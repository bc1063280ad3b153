"""Runtime side of the value conventions the generated classes follow.

- A structure is a keyword-only slotted dataclass; its attributes are the members'
  ``python_name``; an unset optional member is ``None``; ``Schema.python_type`` is the
  class and values are built as ``cls(**kwargs)``.
- A union value is an instance of one member's ``variant_type``: a ``UnionVariant``
  subclass holding ``.value`` whose ``member_name`` class variable names the member. A
  member the client does not know arrives as an ``UnknownUnionMember`` (the union
  Schema's ``python_type`` when it is such a subclass) holding the tag and the raw JSON.
- A modeled error is a ``ModeledServiceError`` subclass, built with its members as
  keyword arguments beside the wire facts (code, status, request id).
- Enums are plain ``str``/``int``; timestamps aware ``datetime``; blobs ``bytes``;
  documents plain JSON values; bigInteger ``int``; bigDecimal ``decimal.Decimal``.
- ``None`` means "not set" for a member, so a document that *is* JSON null is written
  ``DOCUMENT_NULL``. Inside a document (list elements, object values) ``None`` and
  ``DOCUMENT_NULL`` both mean null; a null read from the wire is ``None``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Generic, TypeAlias, TypeVar

from qsmith.runtime.errors import ServiceError

__all__ = [
    "DOCUMENT_NULL",
    "REDACTED",
    "Document",
    "JsonNull",
    "ModeledServiceError",
    "UnionVariant",
    "UnknownUnionMember",
    "redacted_repr",
]


class JsonNull:
    """The type of ``DOCUMENT_NULL``, the explicit JSON null (there is one instance)."""

    __slots__ = ()
    _instance: ClassVar[JsonNull | None] = None

    def __new__(cls) -> JsonNull:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "DOCUMENT_NULL"

    def __reduce__(self) -> str:
        return "DOCUMENT_NULL"  # pickles by name: unpickling yields the same instance

    def __copy__(self) -> JsonNull:
        return self

    def __deepcopy__(self, memo: object) -> JsonNull:
        return self


# Send a document member as JSON null (``None`` leaves the member out):
# ``client.invoke_mcp(id=DOCUMENT_NULL, ...)`` writes ``"id": null``.
DOCUMENT_NULL: Final = JsonNull()

# A Smithy document: any JSON value, typed recursively so mypy checks what users build.
Document: TypeAlias = (
    bool | int | float | str | JsonNull | list["Document"] | dict[str, "Document"] | None
)

T = TypeVar("T")

# What a @sensitive value looks like in a repr.
REDACTED = "*** Sensitive Data Redacted ***"


def redacted_repr(value: object, sensitive: tuple[str, ...]) -> str:
    """A dataclass-style repr of a generated structure with sensitive members masked."""
    fields = ", ".join(
        f"{name}={REDACTED if name in sensitive else repr(getattr(value, name))}"
        for name in getattr(value, "__dataclass_fields__", {})
    )
    return f"{type(value).__name__}({fields})"


class UnionVariant(Generic[T]):
    """One member of a union, holding its value; subclasses set ``member_name``.

    Generated variants are ``class ChatMessageUserInputMessage(UnionVariant[UserInputMessage])``,
    so ``match`` patterns (``case ChatMessageUserInputMessage(value=v)``) type ``v``.
    """

    __slots__ = ("value",)
    __match_args__ = ("value",)
    member_name: ClassVar[str] = ""
    # True when the member or its target is @sensitive: the value never shows in repr.
    sensitive: ClassVar[bool] = False

    def __init__(self, value: T) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash((type(self), repr(self.value)))

    def __repr__(self) -> str:
        shown = REDACTED if self.sensitive else repr(self.value)
        return f"{type(self).__name__}({shown})"


class UnknownUnionMember:
    """A union member this client does not know: its tag and raw JSON, never dropped.

    It cannot be sent back: the client does not know how to serialize it.
    """

    __slots__ = ("raw", "tag")

    def __init__(self, tag: str, raw: Any) -> None:
        self.tag = tag
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UnknownUnionMember):
            return NotImplemented
        return (self.tag, self.raw) == (other.tag, other.raw)

    def __hash__(self) -> int:
        return hash((self.tag, repr(self.raw)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tag={self.tag!r})"


class ModeledServiceError(ServiceError):
    """Base of generated error classes: the members become attributes.

    ``message`` (the usual member) also feeds ``ServiceError.message`` and ``str()``,
    unless the generated class lists it in ``sensitive_members``. Other members never
    reach ``str()`` or ``repr()``.
    """

    sensitive_members: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        fault: str | None = None,
        retryable: bool | None = None,
        **members: Any,
    ) -> None:
        message = members.get("message")
        if "message" in self.sensitive_members and message is not None:
            message = "<redacted>"
        super().__init__(
            message if isinstance(message, str) else None,
            code=code,
            http_status=http_status,
            request_id=request_id,
            fault=fault,
            retryable=retryable,
        )
        # After the base class: a member named ``message`` keeps its real value here.
        for name, value in members.items():
            setattr(self, name, value)
        self.member_names = tuple(members)

"""The runtime schema: what serde, event streams, auth and redaction know about shapes.

The generator emits one constant per shape it needs (``Schema``), each member as a
``MemberSchema`` and each operation as an ``OperationSchema``. The runtime's protocol
code walks these constants instead of generated per-shape serializers, so the wire
mapping lives in one place and the generated classes stay plain.

Only the traits that behaviour depends on are typed fields. Any other trait a caller
wants to carry rides in ``traits``, keyed by its absolute shape id, as plain JSON values.

Recursive shapes: a member's target may be given as a zero-argument function returning
the schema, resolved on first use; ``MemberSchema.target`` always returns a ``Schema``.

Generated classes: a schema names its class either directly or as a ``TypeRef`` (module
and name), imported on first use, so that importing and constructing a client does not
load its models module; ``Schema.python_type`` and ``MemberSchema.variant_type`` always
return the class itself.
"""

from __future__ import annotations

import builtins
import enum
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "NO_DEFAULT",
    "Constraints",
    "HttpBinding",
    "HttpTrait",
    "MemberSchema",
    "NoDefault",
    "OperationSchema",
    "Schema",
    "ServiceSchema",
    "ShapeType",
    "TimestampFormat",
    "TypeRef",
    "type_refs",
]


class ShapeType(enum.Enum):
    """Smithy shape types, named as the JSON AST spells them."""

    BLOB = "blob"
    BOOLEAN = "boolean"
    STRING = "string"
    BYTE = "byte"
    SHORT = "short"
    INTEGER = "integer"
    LONG = "long"
    FLOAT = "float"
    DOUBLE = "double"
    BIG_INTEGER = "bigInteger"
    BIG_DECIMAL = "bigDecimal"
    TIMESTAMP = "timestamp"
    DOCUMENT = "document"
    ENUM = "enum"
    INT_ENUM = "intEnum"
    LIST = "list"
    MAP = "map"
    STRUCTURE = "structure"
    UNION = "union"


class TimestampFormat(enum.Enum):
    DATE_TIME = "date-time"
    HTTP_DATE = "http-date"
    EPOCH_SECONDS = "epoch-seconds"


class HttpBinding(enum.Enum):
    """Where a restJson1 member travels; members without a binding go in the body."""

    LABEL = "httpLabel"
    QUERY = "httpQuery"
    QUERY_PARAMS = "httpQueryParams"
    HEADER = "httpHeader"
    PREFIX_HEADERS = "httpPrefixHeaders"
    PAYLOAD = "httpPayload"
    RESPONSE_CODE = "httpResponseCode"


class NoDefault(enum.Enum):
    """Sentinel type for "this member has no default value"."""

    TOKEN = 0


NO_DEFAULT: Final = NoDefault.TOKEN


class TypeRef:
    """A generated class named by its module and name, imported when first asked for."""

    __slots__ = ("_type", "module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._type: builtins.type | None = None

    def resolve(self) -> builtins.type:
        found = self._type
        if found is None:
            found = getattr(importlib.import_module(self.module), self.name)
            if not isinstance(found, builtins.type):
                raise TypeError(f"{self.module}.{self.name} is not a class")
            self._type = found
        return found

    def __repr__(self) -> str:
        return f"TypeRef({self.module!r}, {self.name!r})"


def type_refs(module: str) -> Callable[[str], TypeRef]:
    """``type_refs(module)(name)`` is ``TypeRef(module, name)``: one module's classes."""
    return lambda name: TypeRef(module, name)


TypeSource = builtins.type | TypeRef


def _resolved(source: TypeSource | None) -> builtins.type | None:
    return source.resolve() if isinstance(source, TypeRef) else source


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    """`length`, `range` and `pattern`; checked only when a client asks (validate=True)."""

    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """A shape: its id, type, members (structures, unions, lists, maps) and serde traits.

    ``members`` keeps model order. Lists have one member named ``member``; maps have
    ``key`` and ``value``. ``python_type`` is the generated class for structures,
    unions, enums and errors, so that deserializers can build values (given as
    ``python_type_ref``: the class or a ``TypeRef`` to it).
    """

    id: str
    type: ShapeType
    members: Mapping[str, MemberSchema] = field(default_factory=dict)
    python_type_ref: TypeSource | None = None
    sensitive: bool = False
    streaming: bool = False
    sparse: bool = False
    timestamp_format: TimestampFormat | None = None
    media_type: str | None = None
    enum_values: Mapping[str, str | int] = field(default_factory=dict)
    error: Literal["client", "server"] | None = None
    http_error: int | None = None
    retryable: bool = False
    throttling: bool = False
    documentation: str | None = None
    constraints: Constraints | None = None
    traits: Mapping[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The shape name without its namespace (what error codes and `__type` carry)."""
        return self.id.rpartition("#")[2]

    @property
    def python_type(self) -> builtins.type | None:
        return _resolved(self.python_type_ref)

    @property
    def is_event_stream(self) -> bool:
        """A union marked `@streaming`: the members are the events of a stream."""
        return self.type is ShapeType.UNION and self.streaming

    def member(self, name: str) -> MemberSchema:
        try:
            return self.members[name]
        except KeyError:
            raise KeyError(f"{self.id} has no member {name!r}") from None


SchemaRef = Schema | Callable[[], Schema]


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberSchema:
    """A member of a structure, union, list or map, with the traits that bind it."""

    name: str
    python_name: str
    target_ref: SchemaRef
    json_name: str | None = None
    http_binding: HttpBinding | None = None
    # The header name, query key or header prefix for HEADER / QUERY / PREFIX_HEADERS.
    http_name: str | None = None
    timestamp_format: TimestampFormat | None = None
    media_type: str | None = None
    required: bool = False
    client_optional: bool = False
    default: object = NO_DEFAULT
    sensitive: bool = False
    event_header: bool = False
    event_payload: bool = False
    idempotency_token: bool = False
    host_label: bool = False
    constraints: Constraints | None = None
    documentation: str | None = None
    # For a union member: the generated class that wraps this member's value (`.value`).
    variant_type_ref: TypeSource | None = None
    traits: Mapping[str, object] = field(default_factory=dict)

    @property
    def target(self) -> Schema:
        ref = self.target_ref
        return ref if isinstance(ref, Schema) else ref()

    @property
    def variant_type(self) -> builtins.type | None:
        return _resolved(self.variant_type_ref)

    @property
    def wire_name(self) -> str:
        """The JSON key under restJson1 (awsJson ignores `jsonName` and uses ``name``)."""
        return self.json_name or self.name

    @property
    def is_sensitive(self) -> bool:
        return self.sensitive or self.target.sensitive

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT

    @property
    def is_required_to_send(self) -> bool:
        """Required and not relaxed: an unset value is a client-side error.

        A required member with a default may be left unset (the default applies), and
        `@clientOptional` tells clients not to enforce `@required`.
        """
        return self.required and not self.client_optional and not self.has_default


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpTrait:
    method: str
    uri: str
    code: int = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationSchema:
    """An operation: its name, input/output/errors and the traits the pipeline reads."""

    id: str
    input: Schema
    output: Schema
    errors: tuple[Schema, ...] = ()
    http: HttpTrait | None = None
    auth: tuple[str, ...] | None = None  # `smithy.api#auth` on the operation, if any
    optional_auth: bool = False
    paginated: Mapping[str, str] | None = None  # inputToken/outputToken/items/pageSize
    host_prefix: str | None = None  # `@endpoint(hostPrefix=...)`
    request_compression: tuple[str, ...] = ()
    checksum_required: bool = False
    documentation: str | None = None
    traits: Mapping[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.id.rpartition("#")[2]

    def streaming_member(self, which: Literal["input", "output"]) -> MemberSchema | None:
        """The member of the input or output bound to an event stream or streaming blob."""
        shape = self.input if which == "input" else self.output
        # Asked several times per call: remembered per shape (held, so its id stays its own).
        known = _STREAMING_MEMBERS.get(id(shape))
        if known is not None and known[0] is shape:
            return known[1]
        found = next((m for m in shape.members.values() if m.target.streaming), None)
        if len(_STREAMING_MEMBERS) >= 4096:  # schemas built on the fly are not kept forever
            _STREAMING_MEMBERS.clear()
        _STREAMING_MEMBERS[id(shape)] = (shape, found)
        return found


_STREAMING_MEMBERS: dict[int, tuple[Schema, MemberSchema | None]] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSchema:
    """A service: its wire name, protocols, auth schemes and operations.

    ``name`` is the service shape's name, which awsJson's ``X-Amz-Target`` carries.
    ``protocols`` lists protocol trait ids in the model's order; ``auth`` lists auth
    scheme trait ids in resolution order (`smithy.api#auth` when present).
    """

    id: str
    version: str
    sdk_id: str | None = None
    protocols: tuple[str, ...] = ()
    auth: tuple[str, ...] = ()
    sigv4_signing_name: str | None = None
    endpoint_rule_set: Mapping[str, object] | None = None
    operations: Mapping[str, OperationSchema] = field(default_factory=dict)
    errors: tuple[Schema, ...] = ()
    # The service's base error class: unmodeled error codes are raised as this type.
    error_type: builtins.type | None = None
    traits: Mapping[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.id.rpartition("#")[2]

"""Typed views of the traits the generator reads, and the checks of their values.

Each trait the generator depends on has a :class:`TraitSpec`: its id, the Python type
of its value, and a phrase saying what a valid value looks like. The validator parses
every such trait in the model, so a wrong kind of value (``"code": "200"``) is a
``ModelProblem`` at load time, never a crash in the generator. Traits not listed here
are open: any id and any JSON value is accepted and kept raw in ``traits``.

Usage::

    from qsmith.codegen.model import traits as t
    http = t.HTTP.get(operation)          # HttpTrait | None
    if t.REQUIRED.has(member): ...
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from qsmith.codegen.model.shape_id import is_shape_id
from qsmith.codegen.model.shapes import Member, Shape

__all__ = [
    "REGISTRY",
    "AwsServiceTrait",
    "EndpointTrait",
    "EnumDefinition",
    "HttpTrait",
    "LengthTrait",
    "PaginatedTrait",
    "ProtocolTrait",
    "RangeTrait",
    "RequestCompressionTrait",
    "RetryableTrait",
    "SigV4Trait",
    "TraitSpec",
    "describe_error",
]

T = TypeVar("T")


class _TraitValue(BaseModel):
    # Unknown keys are tolerated: newer Smithy versions add optional members to traits.
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore", populate_by_name=True)


class HttpTrait(_TraitValue):
    """``smithy.api#http``: method, URI pattern and success status code."""

    method: str
    uri: str
    code: int = 200


class RetryableTrait(_TraitValue):
    throttling: bool = False


class PaginatedTrait(_TraitValue):
    """``smithy.api#paginated``; see ``ModelIndex.paginated`` for service defaults merged."""

    input_token: str | None = Field(default=None, alias="inputToken")
    output_token: str | None = Field(default=None, alias="outputToken")
    items: str | None = None
    page_size: str | None = Field(default=None, alias="pageSize")


class LengthTrait(_TraitValue):
    min: int | None = None
    max: int | None = None


class RangeTrait(_TraitValue):
    min: int | float | None = None
    max: int | float | None = None


class EndpointTrait(_TraitValue):
    host_prefix: str = Field(alias="hostPrefix")


class RequestCompressionTrait(_TraitValue):
    encodings: list[str]


class AwsServiceTrait(_TraitValue):
    """``aws.api#service``: the SDK identity of an AWS service."""

    sdk_id: str = Field(alias="sdkId")
    arn_namespace: str | None = Field(default=None, alias="arnNamespace")
    cloud_formation_name: str | None = Field(default=None, alias="cloudFormationName")
    cloud_trail_event_source: str | None = Field(default=None, alias="cloudTrailEventSource")
    endpoint_prefix: str | None = Field(default=None, alias="endpointPrefix")
    doc_id: str | None = Field(default=None, alias="docId")


class SigV4Trait(_TraitValue):
    """``aws.auth#sigv4``: the signing name."""

    name: str


class ProtocolTrait(_TraitValue):
    """``aws.protocols#restJson1`` / ``awsJson1_0`` / ``awsJson1_1``."""

    http: list[str] = Field(default_factory=list)
    event_stream_http: list[str] = Field(default_factory=list, alias="eventStreamHttp")


class EnumDefinition(_TraitValue):
    """One entry of the Smithy 1.0 ``smithy.api#enum`` trait on a string."""

    value: str
    name: str | None = None
    documentation: str | None = None


def _check_shape_ids(value: list[str]) -> list[str]:
    bad = [v for v in value if not is_shape_id(v)]
    if bad:
        raise ValueError(f"not shape ids: {', '.join(map(repr, bad))}")
    return value


ShapeIdList = Annotated[list[str], AfterValidator(_check_shape_ids)]
Annotation = dict[str, Any]


class TraitSpec(Generic[T]):
    """One trait the generator reads: its id, value type and a description of valid values."""

    __slots__ = ("_adapter", "expected", "id")

    def __init__(self, trait_id: str, value_type: Any, expected: str) -> None:
        self.id = trait_id
        self.expected = expected
        self._adapter: TypeAdapter[T] = TypeAdapter(value_type)

    def parse(self, raw: Any) -> T:
        """The typed value; raises ``pydantic.ValidationError`` when ``raw`` is the wrong kind."""
        return self._adapter.validate_python(raw, strict=True)

    def has(self, holder: Shape | Member) -> bool:
        return self.id in holder.traits

    def get(self, holder: Shape | Member) -> T | None:
        """The typed value on a shape or member, or None when the trait is absent."""
        if self.id not in holder.traits:
            return None
        cache = holder.typed_cache
        if self.id not in cache:
            cache[self.id] = self.parse(holder.traits[self.id])
        value: T = cache[self.id]
        return value

    def __repr__(self) -> str:
        return f"TraitSpec({self.id!r})"


def describe_error(spec: TraitSpec[Any], error: ValidationError) -> str:
    """A one-line message for a trait value of the wrong kind."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    detail = f"{where}: {first['msg']}" if where else first["msg"]
    return f"trait {spec.id} must be {spec.expected} ({detail})"


_OBJECT = "an object"
_STRING = "a string"

# smithy.api
AUTH: TraitSpec[list[str]] = TraitSpec("smithy.api#auth", ShapeIdList, "a list of shape ids")
OPTIONAL_AUTH: TraitSpec[Annotation] = TraitSpec("smithy.api#optionalAuth", Annotation, _OBJECT)
HTTP_BEARER_AUTH: TraitSpec[Annotation] = TraitSpec(
    "smithy.api#httpBearerAuth", Annotation, _OBJECT
)
HTTP: TraitSpec[HttpTrait] = TraitSpec(
    "smithy.api#http", HttpTrait, "an object {method: string, uri: string, code?: integer}"
)
HTTP_LABEL: TraitSpec[Annotation] = TraitSpec("smithy.api#httpLabel", Annotation, _OBJECT)
HTTP_QUERY: TraitSpec[str] = TraitSpec("smithy.api#httpQuery", str, _STRING)
HTTP_QUERY_PARAMS: TraitSpec[Annotation] = TraitSpec(
    "smithy.api#httpQueryParams", Annotation, _OBJECT
)
HTTP_HEADER: TraitSpec[str] = TraitSpec("smithy.api#httpHeader", str, _STRING)
HTTP_PREFIX_HEADERS: TraitSpec[str] = TraitSpec("smithy.api#httpPrefixHeaders", str, _STRING)
HTTP_PAYLOAD: TraitSpec[Annotation] = TraitSpec("smithy.api#httpPayload", Annotation, _OBJECT)
HTTP_RESPONSE_CODE: TraitSpec[Annotation] = TraitSpec(
    "smithy.api#httpResponseCode", Annotation, _OBJECT
)
JSON_NAME: TraitSpec[str] = TraitSpec("smithy.api#jsonName", str, _STRING)
TIMESTAMP_FORMAT: TraitSpec[Literal["date-time", "http-date", "epoch-seconds"]] = TraitSpec(
    "smithy.api#timestampFormat",
    Literal["date-time", "http-date", "epoch-seconds"],
    'one of "date-time", "http-date", "epoch-seconds"',
)
REQUIRED: TraitSpec[Annotation] = TraitSpec("smithy.api#required", Annotation, _OBJECT)
DEFAULT: TraitSpec[Any] = TraitSpec("smithy.api#default", Any, "a JSON value")
CLIENT_OPTIONAL: TraitSpec[Annotation] = TraitSpec("smithy.api#clientOptional", Annotation, _OBJECT)
SENSITIVE: TraitSpec[Annotation] = TraitSpec("smithy.api#sensitive", Annotation, _OBJECT)
STREAMING: TraitSpec[Annotation] = TraitSpec("smithy.api#streaming", Annotation, _OBJECT)
EVENT_HEADER: TraitSpec[Annotation] = TraitSpec("smithy.api#eventHeader", Annotation, _OBJECT)
EVENT_PAYLOAD: TraitSpec[Annotation] = TraitSpec("smithy.api#eventPayload", Annotation, _OBJECT)
ERROR: TraitSpec[Literal["client", "server"]] = TraitSpec(
    "smithy.api#error", Literal["client", "server"], '"client" or "server"'
)
# The prelude leaves httpError an unconstrained integer and Smithy only warns when a
# client error is not 4xx (license-manager's RedirectException is 308): any HTTP status
# code is accepted.
HTTP_ERROR: TraitSpec[int] = TraitSpec(
    "smithy.api#httpError",
    Annotated[int, Field(ge=100, le=599)],
    "an HTTP status code from 100 to 599",
)
RETRYABLE: TraitSpec[RetryableTrait] = TraitSpec(
    "smithy.api#retryable", RetryableTrait, "an object {throttling?: boolean}"
)
PAGINATED: TraitSpec[PaginatedTrait] = TraitSpec(
    "smithy.api#paginated",
    PaginatedTrait,
    "an object {inputToken?, outputToken?, items?, pageSize?: string}",
)
IDEMPOTENCY_TOKEN: TraitSpec[Annotation] = TraitSpec(
    "smithy.api#idempotencyToken", Annotation, _OBJECT
)
ENUM_VALUE: TraitSpec[str | int] = TraitSpec(
    "smithy.api#enumValue", str | int, "a string (enum) or an integer (intEnum)"
)
ENUM: TraitSpec[list[EnumDefinition]] = TraitSpec(
    "smithy.api#enum", list[EnumDefinition], "a list of objects {value: string, name?: string}"
)
DOCUMENTATION: TraitSpec[str] = TraitSpec("smithy.api#documentation", str, _STRING)
LENGTH: TraitSpec[LengthTrait] = TraitSpec(
    "smithy.api#length", LengthTrait, "an object {min?: integer, max?: integer}"
)
RANGE: TraitSpec[RangeTrait] = TraitSpec(
    "smithy.api#range", RangeTrait, "an object {min?: number, max?: number}"
)
PATTERN: TraitSpec[str] = TraitSpec("smithy.api#pattern", str, _STRING)
SPARSE: TraitSpec[Annotation] = TraitSpec("smithy.api#sparse", Annotation, _OBJECT)
ENDPOINT: TraitSpec[EndpointTrait] = TraitSpec(
    "smithy.api#endpoint", EndpointTrait, "an object {hostPrefix: string}"
)
HOST_LABEL: TraitSpec[Annotation] = TraitSpec("smithy.api#hostLabel", Annotation, _OBJECT)
REQUEST_COMPRESSION: TraitSpec[RequestCompressionTrait] = TraitSpec(
    "smithy.api#requestCompression",
    RequestCompressionTrait,
    "an object {encodings: [string]}",
)
HTTP_CHECKSUM_REQUIRED: TraitSpec[Annotation] = TraitSpec(
    "smithy.api#httpChecksumRequired", Annotation, _OBJECT
)
MEDIA_TYPE: TraitSpec[str] = TraitSpec("smithy.api#mediaType", str, _STRING)
UNIQUE_ITEMS: TraitSpec[Annotation] = TraitSpec("smithy.api#uniqueItems", Annotation, _OBJECT)
BOX: TraitSpec[Annotation] = TraitSpec("smithy.api#box", Annotation, _OBJECT)
MIXIN: TraitSpec[Annotation] = TraitSpec("smithy.api#mixin", Annotation, _OBJECT)
# aws.*
AWS_SERVICE: TraitSpec[AwsServiceTrait] = TraitSpec(
    "aws.api#service", AwsServiceTrait, "an object {sdkId: string, ...}"
)
SIGV4: TraitSpec[SigV4Trait] = TraitSpec("aws.auth#sigv4", SigV4Trait, "an object {name: string}")
_PROTOCOL_SHAPE = "an object {http?: [string], eventStreamHttp?: [string]}"
REST_JSON1: TraitSpec[ProtocolTrait] = TraitSpec(
    "aws.protocols#restJson1", ProtocolTrait, _PROTOCOL_SHAPE
)
AWS_JSON1_0: TraitSpec[ProtocolTrait] = TraitSpec(
    "aws.protocols#awsJson1_0", ProtocolTrait, _PROTOCOL_SHAPE
)
AWS_JSON1_1: TraitSpec[ProtocolTrait] = TraitSpec(
    "aws.protocols#awsJson1_1", ProtocolTrait, _PROTOCOL_SHAPE
)
ENDPOINT_RULE_SET: TraitSpec[dict[str, Any]] = TraitSpec(
    "smithy.rules#endpointRuleSet", dict[str, Any], _OBJECT
)

# Every trait whose value the validator checks, by id.
REGISTRY: dict[str, TraitSpec[Any]] = {
    spec.id: spec
    for spec in (
        AUTH,
        OPTIONAL_AUTH,
        HTTP_BEARER_AUTH,
        HTTP,
        HTTP_LABEL,
        HTTP_QUERY,
        HTTP_QUERY_PARAMS,
        HTTP_HEADER,
        HTTP_PREFIX_HEADERS,
        HTTP_PAYLOAD,
        HTTP_RESPONSE_CODE,
        JSON_NAME,
        TIMESTAMP_FORMAT,
        REQUIRED,
        DEFAULT,
        CLIENT_OPTIONAL,
        SENSITIVE,
        STREAMING,
        EVENT_HEADER,
        EVENT_PAYLOAD,
        ERROR,
        HTTP_ERROR,
        RETRYABLE,
        PAGINATED,
        IDEMPOTENCY_TOKEN,
        ENUM_VALUE,
        ENUM,
        DOCUMENTATION,
        LENGTH,
        RANGE,
        PATTERN,
        SPARSE,
        ENDPOINT,
        HOST_LABEL,
        REQUEST_COMPRESSION,
        HTTP_CHECKSUM_REQUIRED,
        MEDIA_TYPE,
        UNIQUE_ITEMS,
        BOX,
        MIXIN,
        AWS_SERVICE,
        SIGV4,
        REST_JSON1,
        AWS_JSON1_0,
        AWS_JSON1_1,
        ENDPOINT_RULE_SET,
    )
}

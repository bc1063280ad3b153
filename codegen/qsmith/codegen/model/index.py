"""Questions the generator asks of a model about one service.

:class:`ModelIndex` answers them: the closure of a service (every shape it reaches), its
operations and resources, the name a shape gets in the service (``rename``), the
service's protocols and auth schemes, the effective auth of an operation, pagination
with the service's defaults merged, and the HTTP binding of a member.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from qsmith.codegen.model import traits as t
from qsmith.codegen.model.ast import SIMPLE_KINDS, ShapeKind
from qsmith.codegen.model.shapes import Member, Model, Shape
from qsmith.runtime.schema import HttpBinding

__all__ = ["KNOWN_AUTH_SCHEMES", "KNOWN_PROTOCOLS", "NO_AUTH", "ModelIndex"]

# Protocol and auth traits known without their definitions being in the model.
KNOWN_PROTOCOLS = frozenset(
    {
        "aws.protocols#restJson1",
        "aws.protocols#awsJson1_0",
        "aws.protocols#awsJson1_1",
        "aws.protocols#restXml",
        "aws.protocols#awsQuery",
        "aws.protocols#ec2Query",
        "smithy.protocols#rpcv2Cbor",
    }
)
KNOWN_AUTH_SCHEMES = frozenset(
    {
        "aws.auth#sigv4",
        "aws.auth#sigv4a",
        "aws.auth#cognitoUserPools",
        "smithy.api#httpBearerAuth",
        "smithy.api#httpBasicAuth",
        "smithy.api#httpDigestAuth",
        "smithy.api#httpApiKeyAuth",
    }
)
NO_AUTH = "smithy.api#noAuth"

_BINDINGS: tuple[tuple[t.TraitSpec[Any], HttpBinding], ...] = (
    (t.HTTP_LABEL, HttpBinding.LABEL),
    (t.HTTP_QUERY, HttpBinding.QUERY),
    (t.HTTP_QUERY_PARAMS, HttpBinding.QUERY_PARAMS),
    (t.HTTP_HEADER, HttpBinding.HEADER),
    (t.HTTP_PREFIX_HEADERS, HttpBinding.PREFIX_HEADERS),
    (t.HTTP_PAYLOAD, HttpBinding.PAYLOAD),
    (t.HTTP_RESPONSE_CODE, HttpBinding.RESPONSE_CODE),
)


class ModelIndex:
    """Service-level views of a loaded :class:`Model` (results are computed on demand)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._closures: dict[str, frozenset[str]] = {}

    # -- what a service reaches ------------------------------------------------------------

    def closure(self, service_id: str) -> list[str]:
        """Every shape id the service reaches, the service included, sorted.

        Operations (directly and through resources), their input, output and errors, the
        service's errors, resource identifiers and properties, and every member target,
        transitively. Prelude shapes that are reached (``smithy.api#String``) are included.
        """
        return sorted(self._closure(service_id))

    def _closure(self, service_id: str) -> frozenset[str]:
        if service_id not in self._closures:
            self._service(service_id)
            seen: set[str] = set()
            stack = [service_id]
            while stack:
                shape_id = stack.pop()
                if shape_id in seen or shape_id not in self.model:
                    continue
                seen.add(shape_id)
                stack.extend(_references(self.model[shape_id]))
            self._closures[service_id] = frozenset(seen)
        return self._closures[service_id]

    def operations(self, service_id: str) -> list[Shape]:
        """Every operation of the service, including those bound through resources, by id."""
        return self._closure_of_kind(service_id, ShapeKind.OPERATION)

    def resources(self, service_id: str) -> list[Shape]:
        return self._closure_of_kind(service_id, ShapeKind.RESOURCE)

    def _closure_of_kind(self, service_id: str, kind: ShapeKind) -> list[Shape]:
        shapes = (self.model[i] for i in self.closure(service_id))
        return [s for s in shapes if s.kind is kind]

    def operation_errors(self, service_id: str, operation_id: str) -> list[Shape]:
        """The operation's errors, then the service's (which every operation can return)."""
        ids = dict.fromkeys(
            (*self.model.shape(operation_id).errors, *self._service(service_id).errors)
        )
        return [self.model[i] for i in ids]

    def input(self, operation_id: str) -> Shape:
        """The operation's input structure (``smithy.api#Unit`` when it has none)."""
        return self.model.shape(self.model.shape(operation_id).input or "smithy.api#Unit")

    def output(self, operation_id: str) -> Shape:
        return self.model.shape(self.model.shape(operation_id).output or "smithy.api#Unit")

    # -- names -----------------------------------------------------------------------------

    def name(self, service_id: str, shape_id: str) -> str:
        """The name a shape has in the service: its ``rename`` if any, else its own name."""
        service = self._service(service_id)
        return service.rename.get(shape_id) or self.model.shape(shape_id).name

    def name_conflicts(self, service_id: str) -> dict[str, list[str]]:
        """Names (case-insensitive, after renames) that more than one non-prelude shape of
        the closure gets in the service, with the clashing ids. As in Smithy, simple shapes
        of one type with equal traits may share a name (they generate the same thing)."""
        by_name: dict[str, list[Shape]] = {}
        for shape_id in self.closure(service_id):
            shape = self.model[shape_id]
            if not shape.is_prelude:
                by_name.setdefault(self.name(service_id, shape_id).lower(), []).append(shape)
        return {
            name: [s.id for s in shapes]
            for name, shapes in sorted(by_name.items())
            if len(shapes) > 1 and not _interchangeable(shapes)
        }

    # -- protocols and auth ------------------------------------------------------------------

    @cached_property
    def protocol_traits(self) -> frozenset[str]:
        """Ids of protocol traits: the known AWS ones and any with @protocolDefinition."""
        return KNOWN_PROTOCOLS | self._defined_with("smithy.api#protocolDefinition")

    @cached_property
    def auth_traits(self) -> frozenset[str]:
        """Ids of auth scheme traits: the known ones and any with @authDefinition."""
        return KNOWN_AUTH_SCHEMES | self._defined_with("smithy.api#authDefinition")

    def _defined_with(self, marker: str) -> frozenset[str]:
        return frozenset(s.id for s in self.model.values() if s.has_trait(marker))

    def protocols(self, service_id: str) -> list[str]:
        """The protocol traits on the service, sorted by id."""
        service = self._service(service_id)
        return sorted(i for i in service.traits if i in self.protocol_traits)

    def auth_schemes(self, service_id: str) -> list[str]:
        """The auth scheme traits on the service, sorted by id."""
        service = self._service(service_id)
        return sorted(i for i in service.traits if i in self.auth_traits)

    def effective_auth(
        self, service_id: str, operation_id: str | None = None, *, include_no_auth: bool = False
    ) -> list[str]:
        """Auth schemes in priority order: the operation's ``@auth``, else the service's
        ``@auth``, else the service's auth traits sorted by id; only schemes the service
        has. With ``include_no_auth``, ``smithy.api#noAuth`` is appended when the
        operation has ``@optionalAuth`` or no scheme applies."""
        service = self._service(service_id)
        supported = self.auth_schemes(service_id)
        operation = self.model.shape(operation_id) if operation_id else None
        chosen: list[str] | None = t.AUTH.get(operation) if operation else None
        if chosen is None:
            chosen = t.AUTH.get(service)
        schemes = supported if chosen is None else [s for s in chosen if s in supported]
        if include_no_auth and (not schemes or (operation and t.OPTIONAL_AUTH.has(operation))):
            schemes = [*schemes, NO_AUTH]
        return schemes

    # -- operations ----------------------------------------------------------------------------

    def paginated(self, operation_id: str, service_id: str) -> t.PaginatedTrait | None:
        """The operation's pagination, each missing field taken from the service's
        ``@paginated``; None when the operation is not paginated."""
        own = t.PAGINATED.get(self.model.shape(operation_id))
        if own is None:
            return None
        defaults = t.PAGINATED.get(self._service(service_id))
        if defaults is None:
            return own
        return t.PaginatedTrait(
            inputToken=own.input_token or defaults.input_token,
            outputToken=own.output_token or defaults.output_token,
            items=own.items or defaults.items,
            pageSize=own.page_size or defaults.page_size,
        )

    # -- members -------------------------------------------------------------------------------

    def http_binding(self, member: Member) -> tuple[HttpBinding, str | None] | None:
        """Where a member travels in restJson1 (None: the body), with its header/query name."""
        for spec, binding in _BINDINGS:
            if spec.has(member):
                value = spec.get(member)
                return binding, value if isinstance(value, str) else None
        return None

    def timestamp_format(self, member: Member) -> str | None:
        """The member's @timestampFormat, else its target's."""
        return t.TIMESTAMP_FORMAT.get(member) or t.TIMESTAMP_FORMAT.get(self.model.target(member))

    def is_nullable(self, member: Member, *, client: bool = True) -> bool:
        """Whether a structure member may be absent, as Smithy 2.0 reads it.

        ``@default(null)`` or no ``@required``/``@default`` make it nullable. A client
        (``client=True``) also treats ``@clientOptional`` members and every member of an
        ``@input`` structure as nullable, so servers may relax them later. Union members
        are never null: exactly one is set."""
        container = self.model.shape(member.container)
        if container.kind is ShapeKind.UNION:
            return False
        if t.DEFAULT.has(member) and t.DEFAULT.get(member) is None:
            return True
        if client and (t.CLIENT_OPTIONAL.has(member) or container.has_trait("smithy.api#input")):
            return True
        return not (t.REQUIRED.has(member) or t.DEFAULT.has(member))

    def is_sensitive(self, member: Member) -> bool:
        """@sensitive on the member or on the shape it targets."""
        return t.SENSITIVE.has(member) or t.SENSITIVE.has(self.model.target(member))

    def enum_values(self, shape_id: str) -> dict[str, str | int]:
        """Member name -> wire value of an enum or intEnum (``@enumValue``, else the name),
        or of a 1.0 string with ``@enum`` (entry name, else its value); {} otherwise."""
        shape = self.model.shape(shape_id)
        if shape.kind in (ShapeKind.ENUM, ShapeKind.INT_ENUM):
            values: dict[str, str | int] = {}
            for name, member in shape.members.items():
                value = t.ENUM_VALUE.get(member)
                values[name] = name if value is None else value
            return values
        return {entry.name or entry.value: entry.value for entry in t.ENUM.get(shape) or ()}

    def streaming_member(self, structure_id: str) -> Member | None:
        """The member of a structure that targets a @streaming blob or union, if any."""
        for member in self.model.shape(structure_id).members.values():
            if t.STREAMING.has(self.model.target(member)):
                return member
        return None

    def _service(self, service_id: str) -> Shape:
        service = self.model.shape(service_id)
        if service.kind is not ShapeKind.SERVICE:
            raise KeyError(f"{service_id} is {service.kind.with_article}, not a service")
        return service


def _interchangeable(shapes: list[Shape]) -> bool:
    first = shapes[0]
    return first.kind in SIMPLE_KINDS and all(
        s.kind is first.kind and s.traits == first.traits for s in shapes[1:]
    )


def _references(shape: Shape) -> Iterator[str]:
    """Every shape id a shape refers to (mixins are already flattened into it)."""
    for member in shape.members.values():
        yield member.target
    yield from shape.operations
    yield from shape.resources
    yield from shape.errors
    yield from shape.collection_operations
    yield from shape.identifiers.values()
    yield from shape.properties.values()
    yield from shape.lifecycle.values()
    if shape.input:
        yield shape.input
    if shape.output:
        yield shape.output

"""The Smithy model layer of the generator: load, validate and index JSON AST models.

Public API (everything below is importable from ``qsmith.codegen.model``)::

    model = load_model(["models/a.json", "models/b.json"])   # or a dict, or (name, dict)
    # -> Model; raises qsmith.runtime.errors.ModelError with every ModelProblem
    #    (file, shape id, message) when anything is wrong. Never a traceback.

    model.shape("ns#Foo")         # Shape (KeyError naming the id if absent)
    model.member("ns#Foo$bar")    # Member
    model.target(member)          # the Shape a member targets
    model.services()              # [Shape] of kind SERVICE, sorted by id
    model.of_kind(ShapeKind.ENUM) # [Shape] of one kind;  model.user_shapes(): non-prelude
    model.metadata                # merged metadata;  model.sources: input names
    "ns#Foo" in model; len(model); iter(model)   # Model is a Mapping[str, Shape]

    Shape: id, name, namespace, kind (ShapeKind), source (file), traits (raw JSON by
        trait id), members (name -> Member, ordered; lists have "member", maps
        "key"/"value"), is_mixin, is_prelude, mixins (as declared, already applied),
        service/resource/operation fields (version, operations, resources, errors,
        rename, identifiers, properties, lifecycle, collection_operations, input,
        output), to_ast() (the shape as JSON AST).
    Member: id ("ns#Foo$bar"), container, name, target, traits, to_ast().

    index = ModelIndex(model)
    index.closure(service_id)          # every shape id the service reaches, sorted
    index.operations(service_id)       # operations incl. via resources;  .resources(...)
    index.operation_errors(svc, op)    # op errors then service errors
    index.input(op) / index.output(op) # structure (smithy.api#Unit when absent)
    index.name(service_id, shape_id)   # name in that service (its `rename`, if any)
    index.name_conflicts(service_id)   # clashing names in the closure (case-insensitive)
    index.protocols(service_id)        # protocol trait ids on the service, sorted
    index.auth_schemes(service_id)     # auth trait ids on the service, sorted
    index.effective_auth(svc, op=None, include_no_auth=False)  # @auth order, else sorted
    index.paginated(op, service_id)    # PaginatedTrait with service defaults merged
    index.http_binding(member)         # (HttpBinding, name | None) or None (body)
    index.timestamp_format(member), index.is_sensitive(member), index.streaming_member(id)
    index.is_nullable(member, client=True)   # Smithy 2.0 optionality (clientOptional, @input)
    index.enum_values(shape_id)        # name -> wire value (enum, intEnum, 1.0 @enum string)

    from qsmith.codegen.model import traits as t     # typed trait accessors
    t.HTTP.get(op) -> HttpTrait | None;  t.REQUIRED.has(member) -> bool
    (AUTH, OPTIONAL_AUTH, HTTP_BEARER_AUTH, HTTP, HTTP_LABEL, HTTP_QUERY,
     HTTP_QUERY_PARAMS, HTTP_HEADER, HTTP_PREFIX_HEADERS, HTTP_PAYLOAD,
     HTTP_RESPONSE_CODE, JSON_NAME, TIMESTAMP_FORMAT, REQUIRED, DEFAULT, CLIENT_OPTIONAL,
     SENSITIVE, STREAMING, EVENT_HEADER, EVENT_PAYLOAD, ERROR, HTTP_ERROR, RETRYABLE,
     PAGINATED, IDEMPOTENCY_TOKEN, ENUM_VALUE, ENUM, DOCUMENTATION, LENGTH, RANGE, PATTERN,
     SPARSE, ENDPOINT, HOST_LABEL, REQUEST_COMPRESSION, HTTP_CHECKSUM_REQUIRED,
     MEDIA_TYPE, UNIQUE_ITEMS, BOX, MIXIN, AWS_SERVICE, SIGV4, REST_JSON1, AWS_JSON1_0,
     AWS_JSON1_1, ENDPOINT_RULE_SET; t.REGISTRY maps id -> spec)

What loading does: files merged (identical duplicates fine, conflicts are problems;
metadata lists concatenate, other metadata values must agree), the prelude built in,
``apply`` applied, mixins flattened (members and traits inherited, ``@mixin`` and its
``localTraits`` not, local traits win), Smithy 1.0 mapped to 2.0 (``set`` -> list with
``@uniqueItems``; non-boxed numbers/booleans get ``@default`` zero, ``@box`` keeps a
member nullable). Trait ids are open: unknown traits are kept raw; the values of the
traits in ``traits.REGISTRY`` are checked.
"""

from __future__ import annotations

from qsmith.codegen.model import traits
from qsmith.codegen.model.ast import ShapeKind
from qsmith.codegen.model.index import KNOWN_AUTH_SCHEMES, KNOWN_PROTOCOLS, NO_AUTH, ModelIndex
from qsmith.codegen.model.loader import ModelSource, load_model
from qsmith.codegen.model.shape_id import ShapeId, is_shape_id, shape_name
from qsmith.codegen.model.shapes import Member, Model, Shape
from qsmith.runtime.errors import ModelError, ModelProblem

__all__ = [
    "KNOWN_AUTH_SCHEMES",
    "KNOWN_PROTOCOLS",
    "NO_AUTH",
    "Member",
    "Model",
    "ModelError",
    "ModelIndex",
    "ModelProblem",
    "ModelSource",
    "Shape",
    "ShapeId",
    "ShapeKind",
    "is_shape_id",
    "load_model",
    "shape_name",
    "traits",
]

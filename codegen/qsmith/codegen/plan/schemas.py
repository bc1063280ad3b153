"""Python source for the runtime schema constants of a service (``_schema.py``).

Constants are emitted so that a shape's targets come before it; a member that closes
a cycle refers to its target through a ``lambda`` resolved on first use. Only
non-default fields are written, to keep the generated module small.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from qsmith.codegen.model import Member, Model, ModelIndex, Shape, ShapeKind
from qsmith.codegen.model import traits as t
from qsmith.codegen.naming import (
    IMPORTED_CLASS_NAMES,
    constant_name,
    member_python_names,
    reserved_member_names,
    unique_name,
)
from qsmith.codegen.plan.aws_customizations import (
    customization_traits,
    member_customization_traits,
    uri_without_endpoint_labels,
)
from qsmith.codegen.plan.ir import SchemaConstPlan, unknown_key, variant_key
from qsmith.codegen.plan.source import (
    Call,
    DictSource,
    TupleSource,
    py_literal,
    py_repr,
    render,
)
from qsmith.codegen.plan.types import default_source

_PRELUDE_CONSTANTS = {
    "smithy.api#Blob": "BLOB",
    "smithy.api#Boolean": "BOOLEAN",
    "smithy.api#String": "STRING",
    "smithy.api#Byte": "BYTE",
    "smithy.api#Short": "SHORT",
    "smithy.api#Integer": "INTEGER",
    "smithy.api#Long": "LONG",
    "smithy.api#Float": "FLOAT",
    "smithy.api#Double": "DOUBLE",
    "smithy.api#BigInteger": "BIG_INTEGER",
    "smithy.api#BigDecimal": "BIG_DECIMAL",
    "smithy.api#Timestamp": "TIMESTAMP",
    "smithy.api#Document": "DOCUMENT",
    "smithy.api#Unit": "UNIT",
    "smithy.api#PrimitiveBoolean": "BOOLEAN",
    "smithy.api#PrimitiveByte": "BYTE",
    "smithy.api#PrimitiveShort": "SHORT",
    "smithy.api#PrimitiveInteger": "INTEGER",
    "smithy.api#PrimitiveLong": "LONG",
    "smithy.api#PrimitiveFloat": "FLOAT",
    "smithy.api#PrimitiveDouble": "DOUBLE",
}

_SHAPE_TYPES = {
    ShapeKind.BIG_INTEGER: "BIG_INTEGER",
    ShapeKind.BIG_DECIMAL: "BIG_DECIMAL",
    ShapeKind.INT_ENUM: "INT_ENUM",
    ShapeKind.SET: "LIST",
}

_BINDINGS = (
    (t.HTTP_LABEL, "LABEL"),
    (t.HTTP_QUERY, "QUERY"),
    (t.HTTP_QUERY_PARAMS, "QUERY_PARAMS"),
    (t.HTTP_HEADER, "HEADER"),
    (t.HTTP_PREFIX_HEADERS, "PREFIX_HEADERS"),
    (t.HTTP_PAYLOAD, "PAYLOAD"),
    (t.HTTP_RESPONSE_CODE, "RESPONSE_CODE"),
)

_TIMESTAMP_FORMATS = {
    "date-time": "TimestampFormat.DATE_TIME",
    "http-date": "TimestampFormat.HTTP_DATE",
    "epoch-seconds": "TimestampFormat.EPOCH_SECONDS",
}


def _call(name: str, fields: Iterable[tuple[str, object]]) -> Call:
    return Call(name, [(key, value) for key, value in fields if value is not None])


class SchemaEmitter:
    """Names and source for every schema constant of one service."""

    def __init__(
        self,
        model: Model,
        index: ModelIndex,
        service_id: str,
        class_names: dict[str, str],
        base_error: str,
    ) -> None:
        self._model = model
        self._index = index
        self._service_id = service_id
        self._class_names = class_names
        self._base_error = base_error
        aws = t.AWS_SERVICE.get(model.shape(service_id))
        self._aws_sdk_id = aws.sdk_id if aws else None
        self._names: dict[str, str] = {}
        self._member_names: dict[str, dict[str, str]] = {}
        # Operation constants are named first, so that a shape named ``XOperation`` (whose
        # constant would be X_OPERATION too) is the one that yields.
        self._operation_names: dict[str, str] = {}
        # Every name _schema.py defines or imports: constants may shadow none of them (a
        # shape named S3 or CSV has an all-capitals class name too).
        self._taken = {*class_names.values(), *IMPORTED_CLASS_NAMES, "SERVICE"}
        for operation in index.operations(service_id):
            base = f"{constant_name(index.name(service_id, operation.id))}_OPERATION"
            self._operation_names[operation.id] = self._take(base)
        # Constants named in a lambda before their definition: mypy cannot infer their
        # type through the cycle, so they are declared ``: Schema``.
        self._forward_refs: set[str] = set()

    # -- names ---------------------------------------------------------------------------------

    def const_name(self, shape_id: str) -> str:
        if shape_id in _PRELUDE_CONSTANTS:
            return f"prelude.{_PRELUDE_CONSTANTS[shape_id]}"
        if shape_id not in self._names:
            name = constant_name(self._index.name(self._service_id, shape_id))
            self._names[shape_id] = self._take(name)
        return self._names[shape_id]

    def _take(self, name: str) -> str:
        name = unique_name(name, self._taken)
        self._taken.add(name)
        return name

    def operation_const_name(self, operation: Shape) -> str:
        return self._operation_names[operation.id]

    # -- shapes --------------------------------------------------------------------------------

    def shape_constants(self, closure: list[Shape]) -> list[SchemaConstPlan]:
        """Constants for every value shape, targets first (depth-first post-order)."""
        done: set[str] = set()
        started: set[str] = set()
        plans: list[SchemaConstPlan] = []

        def visit(shape: Shape) -> None:
            started.add(shape.id)
            for member in shape.members.values():
                target = self._model.target(member)
                if target.id not in started and _needs_constant(target):
                    visit(target)
            name = self.const_name(shape.id)
            # Not yet in `done`: a shape that refers to itself must do so through a lambda.
            source = render(self._shape_source(shape, done), 0, len(name) + 3)
            done.add(shape.id)
            plans.append(SchemaConstPlan(name, source, annotated=name in self._forward_refs))

        for shape in closure:
            if shape.id not in started and _needs_constant(shape):
                visit(shape)
        return plans

    def _shape_source(self, shape: Shape, defined: set[str]) -> Call:
        members = DictSource(
            []
            if shape.kind in (ShapeKind.ENUM, ShapeKind.INT_ENUM)
            else [
                (py_repr(member.name), self._member_source(shape, member, defined))
                for member in shape.members.values()
            ]
        )
        error = t.ERROR.get(shape)
        retryable = t.RETRYABLE.get(shape)
        python_type = None
        if shape.kind is ShapeKind.STRUCTURE and error:
            python_type = f"errors.{self._class_names[shape.id]}"
        elif shape.kind is ShapeKind.STRUCTURE:
            python_type = _model_ref(self._class_names[shape.id])
        elif shape.kind is ShapeKind.UNION:
            python_type = _model_ref(self._class_names[unknown_key(shape.id)])
        kind = _SHAPE_TYPES.get(shape.kind, shape.kind.name)
        return _call(
            "Schema",
            [
                ("id", py_repr(shape.id)),
                ("type", f"ShapeType.{kind}"),
                ("members", members if members.entries else None),
                ("python_type_ref", python_type),
                ("sensitive", "True" if t.SENSITIVE.has(shape) else None),
                ("streaming", "True" if t.STREAMING.has(shape) else None),
                ("sparse", "True" if t.SPARSE.has(shape) else None),
                ("timestamp_format", _TIMESTAMP_FORMATS.get(t.TIMESTAMP_FORMAT.get(shape) or "")),
                ("media_type", _repr_or_none(t.MEDIA_TYPE.get(shape))),
                ("enum_values", self._enum_values(shape)),
                ("error", _repr_or_none(error)),
                ("http_error", _repr_or_none(t.HTTP_ERROR.get(shape))),
                ("retryable", "True" if retryable is not None else None),
                ("throttling", "True" if retryable is not None and retryable.throttling else None),
                ("constraints", _constraints_source(shape)),
                ("traits", _runtime_traits(shape)),
            ],
        )

    def _enum_values(self, shape: Shape) -> DictSource | None:
        if shape.kind not in (ShapeKind.ENUM, ShapeKind.INT_ENUM):
            return None
        pairs = []
        for member in shape.members.values():
            value = t.ENUM_VALUE.get(member)
            pairs.append((py_repr(member.name), py_repr(member.name if value is None else value)))
        return DictSource(pairs)

    def _member_source(self, container: Shape, member: Member, defined: set[str]) -> Call:
        target = self._model.target(member)
        target_const = self.const_name(target.id)
        if target.id in _PRELUDE_CONSTANTS or target.id in defined or not _needs_constant(target):
            target_ref = target_const
        else:
            target_ref = f"lambda: {target_const}"
            self._forward_refs.add(target_const)
        binding = next(((spec, name) for spec, name in _BINDINGS if spec.has(member)), None)
        http_name = None
        if binding is not None and isinstance(binding[0].get(member), str):
            http_name = py_repr(binding[0].get(member))
        variant = None
        if container.kind is ShapeKind.UNION and not t.ERROR.has(target):
            variant = _model_ref(self._class_names[variant_key(container.id, member.name)])
        if container.kind in (ShapeKind.LIST, ShapeKind.SET, ShapeKind.MAP):
            python_name = member.name
        else:
            python_name = self._python_names(container)[member.name]
        return _call(
            "MemberSchema",
            [
                ("name", py_repr(member.name)),
                ("python_name", py_repr(python_name)),
                ("target_ref", target_ref),
                ("json_name", _repr_or_none(t.JSON_NAME.get(member))),
                ("http_binding", f"HttpBinding.{binding[1]}" if binding else None),
                ("http_name", http_name),
                ("timestamp_format", _TIMESTAMP_FORMATS.get(t.TIMESTAMP_FORMAT.get(member) or "")),
                ("media_type", _repr_or_none(t.MEDIA_TYPE.get(member))),
                ("required", "True" if t.REQUIRED.has(member) else None),
                ("client_optional", "True" if t.CLIENT_OPTIONAL.has(member) else None),
                ("default", self._default(member)),
                ("sensitive", "True" if t.SENSITIVE.has(member) else None),
                ("event_header", "True" if t.EVENT_HEADER.has(member) else None),
                ("event_payload", "True" if t.EVENT_PAYLOAD.has(member) else None),
                ("idempotency_token", "True" if t.IDEMPOTENCY_TOKEN.has(member) else None),
                ("host_label", "True" if t.HOST_LABEL.has(member) else None),
                ("constraints", _constraints_source(member)),
                ("variant_type_ref", variant),
                ("traits", self._member_traits(member)),
            ],
        )

    def _member_traits(self, member: Member) -> object:
        """The member's runtime traits and the customizations AWS SDKs give it."""
        carried = {key: member.traits[key] for key in RUNTIME_TRAITS if key in member.traits}
        header = t.HTTP_HEADER.get(member)
        sdk_id = self._aws_sdk_id
        carried.update(
            member_customization_traits(sdk_id, header if isinstance(header, str) else None)
        )
        return py_literal(carried) if carried else None

    def _python_names(self, container: Shape) -> dict[str, str]:
        names = self._member_names.get(container.id)
        if names is None:
            reserved = reserved_member_names(
                is_error=t.ERROR.has(container), member_count=len(container.members)
            )
            names = self._member_names[container.id] = member_python_names(
                container.members, reserved
            )
        return names

    def _default(self, member: Member) -> str | None:
        if not t.DEFAULT.has(member):
            return None
        source = default_source(self._model, member)
        # Schema defaults are values, not dataclass field factories.
        return {"field(default_factory=list)": "[]", "field(default_factory=dict)": "{}"}.get(
            source, source
        )

    # -- operations and the service ------------------------------------------------------------

    def operation_constant(self, operation: Shape) -> SchemaConstPlan:
        http = t.HTTP.get(operation)
        auth = t.AUTH.get(operation)
        paginated = self._index.paginated(operation.id, self._service_id)
        endpoint = t.ENDPOINT.get(operation)
        compression = t.REQUEST_COMPRESSION.get(operation)
        errors = [
            self.const_name(e.id)
            for e in self._index.operation_errors(self._service_id, operation.id)
        ]
        source = _call(
            "OperationSchema",
            [
                ("id", py_repr(operation.id)),
                ("input", self.const_name(self._index.input(operation.id).id)),
                ("output", self.const_name(self._index.output(operation.id).id)),
                ("errors", _tuple(errors) if errors else None),
                (
                    "http",
                    (
                        _call(
                            "HttpTrait",
                            [
                                ("method", py_repr(http.method)),
                                ("uri", py_repr(self._uri(http.uri))),
                                ("code", py_repr(http.code) if http.code != 200 else None),
                            ],
                        )
                        if http
                        else None
                    ),
                ),
                ("auth", _tuple([py_repr(a) for a in auth]) if auth is not None else None),
                ("optional_auth", "True" if t.OPTIONAL_AUTH.has(operation) else None),
                ("paginated", _paginated_source(paginated)),
                ("host_prefix", py_repr(endpoint.host_prefix) if endpoint else None),
                (
                    "request_compression",
                    _tuple([py_repr(e) for e in compression.encodings]) if compression else None,
                ),
                ("checksum_required", "True" if t.HTTP_CHECKSUM_REQUIRED.has(operation) else None),
                ("traits", _runtime_traits(operation)),
            ],
        )
        name = self.operation_const_name(operation)
        return SchemaConstPlan(name, render(source, 0, len(name) + 3))

    def _uri(self, uri: str) -> str:
        """The operation's URI pattern as the client fills it (aws_customizations.py)."""
        rules = t.ENDPOINT_RULE_SET.get(self._model.shape(self._service_id))
        return uri_without_endpoint_labels(self._aws_sdk_id, uri, rules)

    def service_source(self, operations: list[Shape]) -> str:
        service = self._model.shape(self._service_id)
        aws = t.AWS_SERVICE.get(service)
        sigv4 = t.SIGV4.get(service)
        rules: Any = t.ENDPOINT_RULE_SET.get(service)
        ops = DictSource([(py_repr(op.name), self.operation_const_name(op)) for op in operations])
        source = _call(
            "ServiceSchema",
            [
                ("id", py_repr(service.id)),
                ("version", py_repr(service.version or "")),
                ("sdk_id", py_repr(aws.sdk_id) if aws else None),
                (
                    "protocols",
                    _tuple([py_repr(p) for p in self._index.protocols(self._service_id)]),
                ),
                (
                    "auth",
                    _tuple([py_repr(a) for a in self._index.effective_auth(self._service_id)]),
                ),
                ("sigv4_signing_name", py_repr(sigv4.name) if sigv4 else None),
                ("endpoint_rule_set", _rule_set_source(rules)),
                ("operations", ops),
                (
                    "errors",
                    (
                        _tuple([self.const_name(e) for e in service.errors])
                        if service.errors
                        else None
                    ),
                ),
                ("error_type", f"errors.{self._base_error}"),
                ("traits", _service_traits(service, aws.sdk_id if aws else None)),
            ],
        )
        return render(source, 0, len("SERVICE = "))


# Traits the runtime reads from the ``traits`` of Schema, MemberSchema and ServiceSchema,
# carried verbatim: the query and XML protocols' naming and layout facts, the endpoint
# context parameter bindings (client/endpoint.py binds them per call), and qsmith's own
# service customization traits (models/README.md; runtime/qsmith/runtime/client/
# customizations.py acts on them).
RUNTIME_TRAITS = (
    "qsmith.customizations#contentOptOutHeader",
    "qsmith.customizations#retryRules",
    "qsmith.customizations#sendHeaderMembers",
    "aws.protocols#awsQueryCompatible",
    "aws.protocols#httpChecksum",
    "aws.protocols#awsQueryError",
    "aws.customizations#s3UnwrappedXmlOutput",
    "aws.protocols#ec2QueryName",
    "smithy.api#xmlAttribute",
    "smithy.api#xmlFlattened",
    "smithy.api#xmlName",
    "smithy.api#xmlNamespace",
    "smithy.rules#contextParam",
    "smithy.rules#operationContextParams",
    "smithy.rules#staticContextParams",
)


def _runtime_traits(shape: Shape | Member) -> object:
    carried = {key: shape.traits[key] for key in RUNTIME_TRAITS if key in shape.traits}
    return py_literal(carried) if carried else None


def _service_traits(service: Shape, sdk_id: str | None) -> object:
    """The service's runtime traits and the customizations AWS SDKs give it."""
    carried = {key: service.traits[key] for key in RUNTIME_TRAITS if key in service.traits}
    carried.update(customization_traits(sdk_id))
    return py_literal(carried) if carried else None


def _needs_constant(shape: Shape) -> bool:
    return shape.id not in _PRELUDE_CONSTANTS and shape.kind not in (
        ShapeKind.SERVICE,
        ShapeKind.OPERATION,
        ShapeKind.RESOURCE,
    )


# Model classes are named, not imported: `_model` is the generated module's
# `type_refs(<package>.models)`, so the models module loads on the first call that needs it.
MODEL_REF_FACTORY = "_model"


def _model_ref(class_name: str) -> str:
    return f"{MODEL_REF_FACTORY}({py_repr(class_name)})"


def _repr_or_none(value: object) -> str | None:
    return None if value is None else py_repr(value)


def _tuple(items: list[str]) -> TupleSource:
    return TupleSource(items)


def _rule_set_source(rules: Any) -> str | None:
    """The endpoint rule set as compact JSON parsed at import: one line, nothing to lay out."""
    if rules is None:
        return None
    literal = repr(json.dumps(rules, separators=(",", ":")))
    # ServiceSchema(...) is always one argument per line, so this sits at indent 4.
    return f"json.loads(\n        {literal}\n    )"


def _constraints_source(holder: Shape | Member) -> Call | None:
    length = t.LENGTH.get(holder)
    value_range = t.RANGE.get(holder)
    pattern = t.PATTERN.get(holder)
    if length is None and value_range is None and pattern is None:
        return None
    return _call(
        "Constraints",
        [
            ("min_length", _repr_or_none(length.min if length else None)),
            ("max_length", _repr_or_none(length.max if length else None)),
            (
                "min_value",
                _repr_or_none(
                    float(value_range.min) if value_range and value_range.min is not None else None
                ),
            ),
            (
                "max_value",
                _repr_or_none(
                    float(value_range.max) if value_range and value_range.max is not None else None
                ),
            ),
            ("pattern", _repr_or_none(pattern)),
        ],
    )


def _paginated_source(paginated: Any) -> DictSource | None:
    if paginated is None:
        return None
    pairs = [
        ("inputToken", paginated.input_token),
        ("outputToken", paginated.output_token),
        ("items", paginated.items),
        ("pageSize", paginated.page_size),
    ]
    return DictSource([(py_repr(k), py_repr(v)) for k, v in pairs if v is not None])

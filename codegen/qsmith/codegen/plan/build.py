"""A loaded model and a service id in, the ``ServicePlan`` the templates render out."""

from __future__ import annotations

from dataclasses import replace

from qsmith.codegen.model import Member, Model, ModelIndex, Shape, ShapeKind
from qsmith.codegen.model import traits as t
from qsmith.codegen.naming import (
    ANNOTATION_NAMES,
    IMPORTED_CLASS_NAMES,
    RESERVED_PARAMETERS,
    enum_member_names,
    member_python_names,
    pascal_case,
    python_identifier,
    reserved_member_names,
    snake_case,
    unique_name,
)
from qsmith.codegen.plan.docs import clean_doc, doc_section, first_sentence
from qsmith.codegen.plan.ir import (
    EnumPlan,
    EnumValuePlan,
    ErrorPlan,
    FieldPlan,
    OperationPlan,
    ServicePlan,
    StructurePlan,
    UnionPlan,
    VariantPlan,
    unknown_key,
    variant_key,
)
from qsmith.codegen.plan.schemas import SchemaEmitter
from qsmith.codegen.plan.types import Annotations, default_source
from qsmith.codegen.plan.waiters import waiter_plans
from qsmith.runtime.client import AsyncClientBase, ClientBase
from qsmith.runtime.errors import CodegenError

UNIT = "smithy.api#Unit"


def build_service_plan(
    model: Model, service_id: str, package: str, *, module: str = ""
) -> ServicePlan:
    """Everything the templates need to render the client package of one service.

    ``module`` is the dotted name the package is imported as (default
    ``qsmith.clients.<package>``); generated modules import their siblings through it.
    """
    index = ModelIndex(model)
    service = model.shape(service_id)
    closure = [model.shape(i) for i in index.closure(service_id)]
    user_shapes = [s for s in closure if not s.is_prelude]
    class_names = _class_names(index, service_id, user_shapes)
    annotations = Annotations(model, class_names)
    aws = t.AWS_SERVICE.get(service)
    title = pascal_case(aws.sdk_id if aws and aws.sdk_id else service.name)
    plan = ServicePlan(
        package=package,
        module=module,
        service_id=service_id,
        service_name=service.name,
        title=title,
        doc=clean_doc(t.DOCUMENTATION.get(service)),
        base_error=_base_error_name(title, class_names),
        protocols=tuple(index.protocols(service_id)),
    )
    fields = _FieldBuilder(model, annotations)
    # Inputs keep their event stream member (the caller's events); outputs hand theirs over
    # to the EventStreamResponse instead.
    inputs = {index.input(op.id).id for op in index.operations(service_id)}
    for shape in user_shapes:
        if shape.kind in (ShapeKind.ENUM, ShapeKind.INT_ENUM):
            plan.enums.append(_enum_plan(shape, class_names[shape.id]))
        elif shape.kind is ShapeKind.STRUCTURE and t.ERROR.has(shape):
            plan.errors.append(_error_plan(shape, class_names[shape.id], fields))
        elif shape.kind is ShapeKind.STRUCTURE:
            plan.structures.append(
                StructurePlan(
                    class_name=class_names[shape.id],
                    shape_id=shape.id,
                    doc=clean_doc(t.DOCUMENTATION.get(shape)),
                    fields=fields.of_structure(shape, skip_event_streams=shape.id not in inputs),
                )
            )
        elif shape.kind is ShapeKind.UNION:
            plan.unions.append(_union_plan(model, shape, class_names, annotations))
    emitter = SchemaEmitter(model, index, service_id, class_names, plan.base_error)
    plan.schemas = emitter.shape_constants(closure)
    operations = index.operations(service_id)
    plan.schemas += [emitter.operation_constant(op) for op in operations]
    plan.service_schema_source = emitter.service_source(operations)
    methods = _method_names(operations)
    plan.operations = [
        _operation_plan(
            model, index, service_id, op, methods, class_names, fields, emitter, plan.base_error
        )
        for op in operations
    ]
    return plan


def _method_names(operations: list[Shape]) -> dict[str, str]:
    """Operation id -> client method name, and ``<id>$paginate`` -> its paginator's.

    Operations are named first, then paginators; a name the client base class defines
    (``close``), a parameter name, a type name or an earlier method takes ``_`` suffixes.
    """
    taken = set(CLIENT_ATTRIBUTES | RESERVED_PARAMETERS | ANNOTATION_NAMES)
    names: dict[str, str] = {}
    for operation in operations:
        base = python_identifier(snake_case(operation.name))
        names[operation.id] = _take(unique_name(base, taken), taken)
    for operation in operations:
        base = f"paginate_{names[operation.id]}"
        names[f"{operation.id}$paginate"] = _take(unique_name(base, taken), taken)
    return names


# Attributes of the generated clients' base classes: an operation named ``Close`` must not
# replace ``close()``.
CLIENT_ATTRIBUTES = frozenset(dir(ClientBase)) | frozenset(dir(AsyncClientBase))


def _class_names(index: ModelIndex, service_id: str, shapes: list[Shape]) -> dict[str, str]:
    """Class names of the shapes, union variants and unknown-member classes.

    One namespace for all (models.py, errors.py and the imports of client.py share it),
    filled in closure order: a name already taken, or imported by a generated module,
    gets ``_`` suffixes (a variant first tries ``<Union><Member>Variant``).
    """
    names: dict[str, str] = {}
    taken: set[str] = set(IMPORTED_CLASS_NAMES)
    for shape in shapes:
        if shape.kind in _CLASS_KINDS:
            base = python_identifier(pascal_case(index.name(service_id, shape.id)))
            names[shape.id] = _take(unique_name(base, taken), taken)
    for shape in shapes:
        if shape.kind is ShapeKind.UNION:
            alias = names[shape.id]
            for member in shape.members.values():
                name = f"{alias}{pascal_case(member.name)}"
                if name in taken:
                    name += "Variant"
                names[variant_key(shape.id, member.name)] = _take(unique_name(name, taken), taken)
            names[unknown_key(shape.id)] = _take(unique_name(f"{alias}Unknown", taken), taken)
    return names


def _take(name: str, taken: set[str]) -> str:
    taken.add(name)
    return name


def _base_error_name(title: str, class_names: dict[str, str]) -> str:
    """``<Title>Error``; ``<Title>ServiceError`` when a shape already has that class name
    (athena's AthenaError, storage-gateway's StorageGatewayError)."""
    taken = {*class_names.values(), *IMPORTED_CLASS_NAMES}
    name = f"{title}Error"
    return name if name not in taken else unique_name(f"{title}ServiceError", taken)


_CLASS_KINDS = frozenset({ShapeKind.STRUCTURE, ShapeKind.UNION, ShapeKind.ENUM, ShapeKind.INT_ENUM})


class _FieldBuilder:
    def __init__(self, model: Model, annotations: Annotations) -> None:
        self._model = model
        self._annotations = annotations

    def of_structure(
        self, shape: Shape, *, skip_event_streams: bool, skip: frozenset[str] = frozenset()
    ) -> tuple[FieldPlan, ...]:
        reserved = reserved_member_names(
            is_error=t.ERROR.has(shape), member_count=len(shape.members)
        )
        # Named over every member, skipped ones too: _schema.py names them all alike.
        python_names = member_python_names(shape.members, reserved)
        plans: list[FieldPlan] = []
        for member in shape.members.values():
            if member.name in skip:
                continue
            target = self._model.target(member)
            if skip_event_streams and target.kind is ShapeKind.UNION and t.STREAMING.has(target):
                continue
            plans.append(self.of_member(member, python_names[member.name]))
        return tuple(plans)

    def of_member(self, member: Member, python_name: str) -> FieldPlan:
        annotation = self._annotations.of_member(member)
        default: str | None
        if t.DEFAULT.has(member):
            default = default_source(self._model, member)
            if default == "None":
                annotation += " | None"
        elif t.REQUIRED.has(member) and not t.CLIENT_OPTIONAL.has(member):
            default = None
        else:
            annotation += " | None"
            default = "None"
        target = self._model.target(member)
        raw_doc = t.DOCUMENTATION.get(member) or t.DOCUMENTATION.get(target)
        return FieldPlan(
            member_name=member.name,
            python_name=python_name,
            annotation=annotation,
            default=default,
            doc=clean_doc(raw_doc),
            sensitive=t.SENSITIVE.has(member) or t.SENSITIVE.has(target),
            raw_doc=raw_doc,
        )


def _enum_plan(shape: Shape, class_name: str) -> EnumPlan:
    base = "StrEnum" if shape.kind is ShapeKind.ENUM else "IntEnum"
    names = enum_member_names(shape.members, base)
    values = []
    for member, name in zip(shape.members.values(), names, strict=True):
        value = t.ENUM_VALUE.get(member)
        values.append(
            EnumValuePlan(
                name=name,
                value=member.name if value is None else value,
                doc=clean_doc(t.DOCUMENTATION.get(member)),
            )
        )
    return EnumPlan(
        class_name=class_name,
        shape_id=shape.id,
        doc=clean_doc(t.DOCUMENTATION.get(shape)),
        base=base,
        values=tuple(values),
    )


def _variant_annotation(model: Model, target: Shape, annotations: Annotations) -> str:
    """The type argument of a variant's ``UnionVariant[...]`` base, which Python evaluates
    when the class is defined: union aliases come after every variant class in models.py,
    so an argument naming one is quoted (a forward reference mypy resolves)."""
    annotation = annotations.of_shape(target)
    return f'"{annotation}"' if _reaches_union(model, target, set()) else annotation


def _reaches_union(model: Model, shape: Shape, seen: set[str]) -> bool:
    """Whether the annotation of ``shape`` names a union alias (directly or in a collection)."""
    if shape.kind is ShapeKind.UNION:
        return True
    if shape.kind not in (ShapeKind.LIST, ShapeKind.SET, ShapeKind.MAP) or shape.id in seen:
        return False
    seen.add(shape.id)
    return any(_reaches_union(model, model.target(m), seen) for m in shape.members.values())


def _union_plan(
    model: Model, shape: Shape, class_names: dict[str, str], annotations: Annotations
) -> UnionPlan:
    alias = class_names[shape.id]
    variants = []
    for member in shape.members.values():
        target = model.target(member)
        if t.ERROR.has(target):
            continue  # an event stream's error members are raised, never yielded
        variants.append(
            VariantPlan(
                class_name=class_names[variant_key(shape.id, member.name)],
                member_name=member.name,
                annotation=_variant_annotation(model, target, annotations),
                doc=clean_doc(t.DOCUMENTATION.get(member) or t.DOCUMENTATION.get(target)),
                sensitive=t.SENSITIVE.has(member) or t.SENSITIVE.has(target),
            )
        )
    return UnionPlan(
        alias_name=alias,
        shape_id=shape.id,
        doc=clean_doc(t.DOCUMENTATION.get(shape)),
        variants=tuple(variants),
        unknown_class=class_names[unknown_key(shape.id)],
    )


def _error_plan(shape: Shape, class_name: str, fields: _FieldBuilder) -> ErrorPlan:
    message = next((m for m in shape.members if m.lower() == "message"), None)
    retryable = t.RETRYABLE.get(shape)
    members = fields.of_structure(shape, skip_event_streams=True)
    return ErrorPlan(
        class_name=class_name,
        shape_id=shape.id,
        code=shape.name,
        doc=clean_doc(t.DOCUMENTATION.get(shape)),
        fault=t.ERROR.get(shape) or "client",
        retryable=retryable is not None,
        http_status=t.HTTP_ERROR.get(shape),
        fields=tuple(_optional(f) for f in members if f.member_name != message),
        has_message=message is not None,
        sensitive_members=tuple(f.python_name for f in members if f.sensitive),
    )


def _optional(plan: FieldPlan) -> FieldPlan:
    """Error members are all optional: a service may leave any of them out."""
    if plan.default is not None and not plan.default.startswith("field("):
        return plan
    return replace(plan, annotation=f"{plan.annotation} | None", default="None")


def _operation_plan(
    model: Model,
    index: ModelIndex,
    service_id: str,
    operation: Shape,
    methods: dict[str, str],
    class_names: dict[str, str],
    fields: _FieldBuilder,
    emitter: SchemaEmitter,
    base_error: str,
) -> OperationPlan:
    input_shape = index.input(operation.id)
    output_shape = index.output(operation.id)
    stream_member = index.streaming_member(output_shape.id) if output_shape.id != UNIT else None
    stream_target = model.target(stream_member) if stream_member else None
    event_stream = (
        class_names[stream_target.id]
        if stream_target is not None and stream_target.kind is ShapeKind.UNION
        else None
    )
    params = (
        () if input_shape.id == UNIT else fields.of_structure(input_shape, skip_event_streams=False)
    )
    page_input, page_output = _page_tokens(model, index, service_id, operation, output_shape)
    errors = [
        (class_names[e.id], first_sentence(t.DOCUMENTATION.get(e)))
        for e in index.operation_errors(service_id, operation.id)
    ]
    doc = _method_doc(t.DOCUMENTATION.get(operation), params, errors, base_error)
    paginator_doc = ""
    if page_input is not None:
        summary = f"Every page of `{methods[operation.id]}`, following `{page_output}`."
        pages = tuple(p for p in params if p.python_name != page_input)
        paginator_doc = _method_doc(summary, pages, errors, base_error)
    return OperationPlan(
        method_name=methods[operation.id],
        paginator_name=methods[f"{operation.id}$paginate"],
        schema_const=emitter.operation_const_name(operation),
        input_class="None" if input_shape.id == UNIT else class_names[input_shape.id],
        params=params,
        output_class="None" if output_shape.id == UNIT else class_names[output_shape.id],
        doc=doc,
        event_stream=event_stream,
        page_input_token=page_input,
        page_output_token=page_output,
        paginator_doc=paginator_doc,
        waiters=waiter_plans(operation, methods[operation.id], (p.python_name for p in params)),
    )


# What the keyword arguments every client method takes do (client.py.jinja writes them).
_CALL_OPTION_DOCS = (
    ("timeout", "Seconds the whole call may take, retries included; overrides the client's."),
    ("extra_headers", "Headers added to this request, over the configured ones."),
)


def _method_doc(
    raw: str | None,
    params: tuple[FieldPlan, ...],
    errors: list[tuple[str, str | None]],
    base_error: str,
) -> str:
    """A client method's docstring: the documentation (none invented when the model has
    none), ``Args:`` for the documented members and the call options, and ``Raises:``."""
    parts = [text] if (text := clean_doc(raw)) else []
    args = [(p.python_name, p.raw_doc) for p in params if p.raw_doc]
    parts.append(doc_section("Args", [*args, *_CALL_OPTION_DOCS]))
    anything = f"Any {'other ' if errors else ''}error the service answers with."
    raises = [*errors, (base_error, anything)]
    parts.append(doc_section("Raises", raises))
    return "\n\n".join(parts)


def _page_tokens(
    model: Model, index: ModelIndex, service_id: str, operation: Shape, output: Shape
) -> tuple[str | None, str | None]:
    """Python names of a paginated operation's input token and output token path."""
    paginated = index.paginated(operation.id, service_id)
    if paginated is None or not paginated.input_token or not paginated.output_token:
        return None, None
    path = []
    shape = output
    for part in paginated.output_token.split("."):
        member = shape.members.get(part)
        if member is None:
            raise CodegenError(
                f"{operation.source}: {operation.id}: @paginated outputToken {part!r} is not a "
                f"member of {shape.id}"
            )
        path.append(python_identifier(snake_case(part), RESERVED_PARAMETERS))
        shape = model.target(member)
    return python_identifier(snake_case(paginated.input_token), RESERVED_PARAMETERS), ".".join(path)

"""A loaded model and a service id in, the ``ServicePlan`` the templates render out."""

from __future__ import annotations

from qsmith.codegen.model import Member, Model, ModelIndex, Shape, ShapeKind
from qsmith.codegen.model import traits as t
from qsmith.codegen.naming import (
    ANNOTATION_NAMES,
    RESERVED_PARAMETERS,
    pascal_case,
    python_identifier,
    reserved_member_names,
    snake_case,
)
from qsmith.codegen.plan.docs import clean_doc
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
    variant_key,
)
from qsmith.codegen.plan.schemas import SchemaEmitter
from qsmith.codegen.plan.types import Annotations, default_source
from qsmith.codegen.plan.waiters import waiter_plans
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
        base_error=f"{title}Error",
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
    plan.operations = [
        _operation_plan(model, index, service_id, op, class_names, fields, emitter)
        for op in operations
    ]
    return plan


def _class_names(index: ModelIndex, service_id: str, shapes: list[Shape]) -> dict[str, str]:
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    for shape in shapes:
        if shape.kind not in _CLASS_KINDS:
            continue
        name = python_identifier(pascal_case(index.name(service_id, shape.id)))
        while name in IMPORTED_CLASS_NAMES:
            name += "_"
        if name in seen:
            raise CodegenError(
                f"{shape.source}: {shape.id}: its class name {name} clashes with {seen[name]}; "
                "add a `rename` on the service"
            )
        seen[name] = shape.id
        names[shape.id] = name
    for shape in shapes:
        if shape.kind is ShapeKind.UNION:
            for member in shape.members.values():
                names[variant_key(shape.id, member.name)] = _variant_name(
                    names[shape.id], member.name, seen
                )
    return names


def _variant_name(alias: str, member_name: str, taken: dict[str, str]) -> str:
    """``<Union><Member>``, unless a shape's class (or an import) already has that name."""
    name = f"{alias}{pascal_case(member_name)}"
    if name in taken or name in IMPORTED_CLASS_NAMES:
        name += "Variant"
    while name in taken or name in IMPORTED_CLASS_NAMES:
        name += "_"
    taken[name] = alias
    return name


# Capitalised names the generated modules import (render.py's tables, the typing names the
# templates use): a shape class of the same name would shadow them.
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


_CLASS_KINDS = frozenset({ShapeKind.STRUCTURE, ShapeKind.UNION, ShapeKind.ENUM, ShapeKind.INT_ENUM})


class _FieldBuilder:
    def __init__(self, model: Model, annotations: Annotations) -> None:
        self._model = model
        self._annotations = annotations

    def of_structure(
        self, shape: Shape, *, skip_event_streams: bool, skip: frozenset[str] = frozenset()
    ) -> tuple[FieldPlan, ...]:
        plans: list[FieldPlan] = []
        seen: dict[str, str] = {}
        reserved = reserved_member_names(
            is_error=t.ERROR.has(shape), member_count=len(shape.members)
        )
        for member in shape.members.values():
            if member.name in skip:
                continue
            target = self._model.target(member)
            if skip_event_streams and target.kind is ShapeKind.UNION and t.STREAMING.has(target):
                continue
            plan = self.of_member(member, reserved)
            if plan.python_name in seen:
                raise CodegenError(
                    f"{shape.source}: {member.id}: its Python name {plan.python_name} clashes "
                    f"with member {seen[plan.python_name]}"
                )
            seen[plan.python_name] = member.name
            plans.append(plan)
        return tuple(plans)

    def of_member(
        self, member: Member, reserved: frozenset[str] = RESERVED_PARAMETERS
    ) -> FieldPlan:
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
        return FieldPlan(
            member_name=member.name,
            python_name=python_identifier(snake_case(member.name), reserved),
            annotation=annotation,
            default=default,
            doc=clean_doc(t.DOCUMENTATION.get(member) or t.DOCUMENTATION.get(target)),
            sensitive=t.SENSITIVE.has(member) or t.SENSITIVE.has(target),
        )


def _enum_plan(shape: Shape, class_name: str) -> EnumPlan:
    values = []
    for member in shape.members.values():
        value = t.ENUM_VALUE.get(member)
        if value is None:
            value = member.name
        values.append(
            EnumValuePlan(
                name=python_identifier(member.name),
                value=value,
                doc=clean_doc(t.DOCUMENTATION.get(member)),
            )
        )
    return EnumPlan(
        class_name=class_name,
        shape_id=shape.id,
        doc=clean_doc(t.DOCUMENTATION.get(shape)),
        base="StrEnum" if shape.kind is ShapeKind.ENUM else "IntEnum",
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
        unknown_class=f"{alias}Unknown",
    )


def _error_plan(shape: Shape, class_name: str, fields: _FieldBuilder) -> ErrorPlan:
    message = next((m for m in shape.members if m.lower() == "message"), None)
    retryable = t.RETRYABLE.get(shape)
    return ErrorPlan(
        class_name=class_name,
        shape_id=shape.id,
        code=shape.name,
        doc=clean_doc(t.DOCUMENTATION.get(shape)),
        fault=t.ERROR.get(shape) or "client",
        retryable=retryable is not None,
        http_status=t.HTTP_ERROR.get(shape),
        fields=tuple(
            _optional(f)
            for f in fields.of_structure(
                shape,
                skip_event_streams=True,
                skip=frozenset({message}) if message else frozenset(),
            )
        ),
        has_message=message is not None,
    )


def _optional(plan: FieldPlan) -> FieldPlan:
    """Error members are all optional: a service may leave any of them out."""
    if plan.default is not None and not plan.default.startswith("field("):
        return plan
    return FieldPlan(
        member_name=plan.member_name,
        python_name=plan.python_name,
        annotation=f"{plan.annotation} | None",
        default="None",
        doc=plan.doc,
        sensitive=plan.sensitive,
    )


def _operation_plan(
    model: Model,
    index: ModelIndex,
    service_id: str,
    operation: Shape,
    class_names: dict[str, str],
    fields: _FieldBuilder,
    emitter: SchemaEmitter,
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
    method_name = python_identifier(
        snake_case(operation.name), RESERVED_PARAMETERS | ANNOTATION_NAMES
    )
    return OperationPlan(
        method_name=method_name,
        schema_const=emitter.operation_const_name(operation),
        input_class="None" if input_shape.id == UNIT else class_names[input_shape.id],
        params=params,
        output_class="None" if output_shape.id == UNIT else class_names[output_shape.id],
        doc=clean_doc(t.DOCUMENTATION.get(operation)),
        event_stream=event_stream,
        page_input_token=page_input,
        page_output_token=page_output,
        waiters=waiter_plans(operation, method_name, (p.python_name for p in params)),
    )


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

"""What the templates render: a service reduced to names, annotations and source snippets.

Every decision (names, types, defaults, order) is taken while building these objects, so
the templates only lay them out. All lists are in a deterministic order.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from qsmith.codegen.naming import isort_key, unique_name
from qsmith.codegen.plan.source import LINE_LENGTH, Call, TupleSource, py_repr, render
from qsmith.codegen.plan.waiters import WaiterPlan


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """A member of a generated class (or a keyword argument of a client method)."""

    member_name: str
    python_name: str
    annotation: str
    # Python source of the default ("None", "0", "field(default_factory=list)"), or None
    # when the argument is required.
    default: str | None
    doc: str | None
    sensitive: bool
    # The documentation as the model gives it (for a client method's Args: section).
    raw_doc: str | None = None


@dataclass(frozen=True, slots=True)
class StructurePlan:
    class_name: str
    shape_id: str
    doc: str | None
    fields: tuple[FieldPlan, ...]

    @property
    def sensitive_names(self) -> tuple[str, ...]:
        return tuple(f.python_name for f in self.fields if f.sensitive)

    @property
    def repr_source(self) -> str:
        """``redacted_repr(self, (...))`` laid out for ``return`` at indent 8."""
        names = TupleSource([py_repr(n) for n in self.sensitive_names])
        return render(Call("redacted_repr", [("", "self"), ("", names)]), 8, len("return "))


def variant_key(union_id: str, member_name: str) -> str:
    """The key of a union member's variant class in the class-name table (plan.build)."""
    return f"{union_id}${member_name}"


def unknown_key(union_id: str) -> str:
    """The key of a union's unknown-member class in the class-name table."""
    return f"{union_id}$"


@dataclass(frozen=True, slots=True)
class VariantPlan:
    class_name: str
    member_name: str
    annotation: str
    doc: str | None
    sensitive: bool

    @property
    def header(self) -> str:
        """The ``class ...:`` line, split the way black splits it."""
        base = f"UnionVariant[{self.annotation}]"
        line = f"class {self.class_name}({base}):"
        return line if len(line) <= LINE_LENGTH else f"class {self.class_name}(\n    {base}\n):"


@dataclass(frozen=True, slots=True)
class UnionPlan:
    alias_name: str
    shape_id: str
    doc: str | None
    variants: tuple[VariantPlan, ...]
    unknown_class: str

    @property
    def alias_source(self) -> str:
        """``Alias: TypeAlias = A | B | Unknown``, split the way black splits it."""
        names = [v.class_name for v in self.variants] + [self.unknown_class]
        head = f"{self.alias_name}: TypeAlias = "
        flat = " | ".join(names)
        if len(head) + len(flat) <= LINE_LENGTH:
            return head + flat
        if 4 + len(flat) <= LINE_LENGTH:
            return f"{head}(\n    {flat}\n)"
        return f"{head}(\n    " + "\n    | ".join(names) + "\n)"


@dataclass(frozen=True, slots=True)
class EnumValuePlan:
    name: str
    value: str | int
    doc: str | None


@dataclass(frozen=True, slots=True)
class EnumPlan:
    class_name: str
    shape_id: str
    doc: str | None
    base: str  # "StrEnum" or "IntEnum"
    values: tuple[EnumValuePlan, ...]


@dataclass(frozen=True, slots=True)
class ErrorPlan:
    class_name: str
    shape_id: str
    code: str
    doc: str | None
    fault: str
    retryable: bool
    http_status: int | None
    # Members other than ``message``, which ServiceError already carries.
    fields: tuple[FieldPlan, ...]
    has_message: bool
    # Python names of the @sensitive members (``message`` included), kept out of str().
    sensitive_members: tuple[str, ...] = ()

    @property
    def sensitive_members_source(self) -> str:
        return "{" + ", ".join(py_repr(n) for n in self.sensitive_members) + "}"


@dataclass(frozen=True, slots=True)
class SchemaConstPlan:
    name: str
    source: str  # Python expression building the Schema
    annotated: bool = False  # declared `: Schema` (needed when referred to before definition)


@dataclass(frozen=True, slots=True)
class OperationPlan:
    method_name: str
    paginator_name: str
    schema_const: str
    input_class: str
    params: tuple[FieldPlan, ...]
    output_class: str
    # The method's docstring: the model's documentation, then Args: and Raises: sections.
    doc: str
    # The event stream union alias when the output streams events, else None.
    event_stream: str | None
    # For @paginated operations: the input member that takes the token, and the dotted
    # path (Python names) of the output member that carries the next one.
    page_input_token: str | None = None
    page_output_token: str | None = None
    # The paginator's docstring (with its own Args: section), for paginated operations.
    paginator_doc: str = ""
    # The ``smithy.waiters#waitable`` waiters polling this operation (plan/waiters.py).
    waiters: tuple[WaiterPlan, ...] = ()

    def local(self, name: str) -> str:
        """A local variable of the generated method, renamed off any parameter's name
        (an input member named ``request`` keeps its name; the local yields)."""
        return unique_name(name, {p.python_name for p in self.params})

    def returns(self, stream_class: str) -> str:
        """The return annotation, split the way black splits ``    ) -> ...:``."""
        if self.event_stream is None:
            return self.output_class
        args = f"{self.output_class}, {self.event_stream}"
        if len(f"    ) -> {stream_class}[{args}]:") <= LINE_LENGTH:
            return f"{stream_class}[{args}]"
        return f"{stream_class}[\n        {args}\n    ]"


@dataclass
class ServicePlan:
    package: str
    service_id: str
    service_name: str
    title: str
    doc: str | None
    base_error: str
    protocols: tuple[str, ...]
    # The full dotted name the package is imported as; "" means qsmith.clients.<package>.
    module: str = ""
    enums: list[EnumPlan] = field(default_factory=list)
    structures: list[StructurePlan] = field(default_factory=list)
    unions: list[UnionPlan] = field(default_factory=list)
    errors: list[ErrorPlan] = field(default_factory=list)
    schemas: list[SchemaConstPlan] = field(default_factory=list)
    service_schema_source: str = ""
    operations: list[OperationPlan] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.module:
            self.module = f"qsmith.clients.{self.package}"

    def client_doc(self, mode: str) -> str:
        """The docstring of ``Client`` (mode "sync") or ``AsyncClient`` ("async")."""
        kind = "Blocking" if mode == "sync" else "Asyncio"
        names = [p.rpartition("#")[2] for p in self.protocols]
        spoken = (
            f"It speaks {names[0]}."
            if len(names) == 1
            else f"It speaks {', '.join(names)}: {names[0]} unless `protocol=` picks another."
        )
        parts = [self.doc] if self.doc else []
        parts.append(f"{kind} client of {self.service_id}.")
        parts.append(
            textwrap.fill(
                "Configuration comes from the arguments, then the environment and the shared "
                f"AWS config, as the AWS SDKs do. {spoken}",
                width=88,
            )
        )
        return "\n\n".join(parts)

    @property
    def model_names(self) -> list[str]:
        """Every public name models.py defines, sorted."""
        names = [e.class_name for e in self.enums]
        names += [s.class_name for s in self.structures]
        for union in self.unions:
            names += [union.alias_name, union.unknown_class]
            names += [v.class_name for v in union.variants]
        return sorted(names)

    @property
    def error_names(self) -> list[str]:
        return sorted([self.base_error, *(e.class_name for e in self.errors)])

    @property
    def error_import_names(self) -> list[str]:
        """The error names as isort orders them in an import."""
        return sorted(self.error_names, key=isort_key)

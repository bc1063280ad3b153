"""Telemetry definitions in, one Python module of typed metric builders out.

The module holds one open enum per type with allowed values (a parameter typed by it also
takes any ``str``/``int``, so a value newer than the definitions still goes through), one
``MetricSpec`` constant and one keyword-only builder function per metric (required fields
without a default, optional ones defaulting to ``None``), and ``METRICS``, every spec by
metric name. It is rendered from ``templates/metrics.py.jinja`` and formatted with the pinned
black, so the same definitions always give the same bytes.
"""

from __future__ import annotations

import json
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import black
import jinja2
from black.parsing import InvalidInput

from qsmith.codegen.telemetry.definitions import Definitions, MetricDef, TypeDef
from qsmith.codegen.telemetry.names import class_name, member_name, snake_name
from qsmith.runtime.errors import CodegenError

__all__ = ["GeneratedModule", "generate_module", "render_module"]

_TEMPLATES = Path(__file__).parent / "templates"
_PY_TYPES = {"string": "str", "int": "int", "double": "float", "boolean": "bool"}
# Names the builders themselves take, and names the module defines: no field may reuse them.
_BUILDER_PARAMETERS = frozenset({"value", "epoch_timestamp"})
_MODULE_NAMES = frozenset(
    {
        "METRICS",
        "MetricDatum",
        "MetricSpec",
        "MetricUnit",
        "FieldKind",
        "FieldSpec",
        "StrEnum",
        "IntEnum",
        "Mapping",
        "annotations",
    }
)


def _docstring(paragraphs: Sequence[str | Sequence[tuple[str, str]]]) -> str:
    """A docstring indented for a body: text paragraphs wrapped, entry lists as hanging items."""
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        if isinstance(paragraph, str):
            lines.extend(textwrap.wrap(paragraph, 92) or [""])
            continue
        for head, text in paragraph:
            wrapped = textwrap.wrap(f"{head} {text}".strip(), 88, subsequent_indent="    ")
            lines.extend("    " + line for line in wrapped)
    lines[0] = '"""' + lines[0]
    if len(lines) == 1 and not lines[0].endswith('"'):
        return f'    {lines[0]}"""'
    body = "\n".join(f"    {line}" if line else "" for line in lines)
    return body + '\n    """'


@dataclass(frozen=True, slots=True)
class EnumView:
    type_name: str
    class_name: str
    base: str
    description: str
    members: tuple[tuple[str, str], ...]  # (member name, Python literal)

    @property
    def docstring(self) -> str:
        return _docstring([self.description or f"Allowed values of ``{self.type_name}``."])


@dataclass(frozen=True, slots=True)
class FieldView:
    key: str
    param: str
    annotation: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class MetricView:
    name: str
    function: str
    constant: str
    description: str
    unit: str
    passive: bool
    fields: tuple[FieldView, ...]

    @property
    def required_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def optional_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if not f.required)

    @property
    def docstring(self) -> str:
        facts = f"Metric ``{self.name}``, unit {self.unit.title()}"
        paragraphs: list[str | Sequence[tuple[str, str]]] = [
            *([self.description] if self.description else []),
            facts + (", passive (emitted without a user action)." if self.passive else "."),
        ]
        if self.fields:
            paragraphs.append("Fields (parameter: wire key, required or optional):")
            paragraphs.append(
                [
                    (
                        f"{f.param}: ``{f.key}``, {'required' if f.required else 'optional'}.",
                        f.description,
                    )
                    for f in self.fields
                ]
            )
        return _docstring(paragraphs)


@dataclass(frozen=True, slots=True)
class GeneratedModule:
    source: str
    metrics: int
    enums: int


def _string_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _docstring_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring: one line, no closing quotes, backslashes
    doubled, control characters as ``\\xNN`` escapes (a raw NUL is not valid source)."""
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    visible = "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" and not ch.isspace() else ch
        for ch in escaped
    )
    return " ".join(visible.split())


def _enum_view(type_def: TypeDef, descriptions: bool) -> EnumView:
    assert type_def.allowed_values is not None
    members: list[tuple[str, str]] = []
    taken: set[str] = set()
    for value in type_def.allowed_values:
        name = member_name(value)
        suffix = 2
        base_name = name
        while name in taken:  # two values that spell the same name: keep both, numbered
            name, suffix = f"{base_name}_{suffix}", suffix + 1
        taken.add(name)
        members.append((name, _string_literal(value) if isinstance(value, str) else repr(value)))
    return EnumView(
        type_name=type_def.name,
        class_name=class_name(type_def.name),
        base="StrEnum" if type_def.type == "string" else "IntEnum",
        description=_docstring_text(type_def.description) if descriptions else "",
        members=tuple(members),
    )


def _has_enum(type_def: TypeDef) -> bool:
    # A double's allowed values cannot make an IntEnum: such a field stays a plain float.
    return bool(type_def.allowed_values) and type_def.type in ("string", "int")


def _field_view(
    ref_type: str,
    required: bool,
    definitions: Definitions,
    descriptions: bool,
    enums: dict[str, EnumView],
) -> FieldView:
    type_def = definitions.types[ref_type]
    annotation = _PY_TYPES[type_def.type]
    if ref_type in enums:
        annotation = f"{enums[ref_type].class_name} | {annotation}"
    return FieldView(
        key=ref_type,
        param=snake_name(ref_type),
        annotation=annotation,
        kind=type_def.type.upper(),
        required=required,
        description=_docstring_text(type_def.description) if descriptions else "",
    )


def _metric_view(
    metric: MetricDef, definitions: Definitions, descriptions: bool, enums: dict[str, EnumView]
) -> MetricView:
    fields = tuple(
        _field_view(ref.type, ref.required, definitions, descriptions, enums)
        for ref in metric.metadata
    )
    params: dict[str, str] = {}
    for view in fields:
        if view.param in _BUILDER_PARAMETERS or view.param in params:
            other = view.param if view.param in _BUILDER_PARAMETERS else params[view.param]
            raise CodegenError(
                f"{metric.source}: metric {metric.name}: field {view.key} becomes parameter "
                f"{view.param}, which {other!r} already uses"
            )
        params[view.param] = view.key
    function = snake_name(metric.name)
    return MetricView(
        name=metric.name,
        function=function,
        constant="_" + function.upper(),
        description=_docstring_text(metric.description) if descriptions else "",
        unit=metric.unit.upper(),
        passive=metric.passive,
        fields=fields,
    )


def _check_module_names(
    enums: Sequence[EnumView], metrics: Sequence[MetricView], definitions: Definitions
) -> None:
    owners: dict[str, str] = {name: "the module itself" for name in _MODULE_NAMES}
    entries = [(e.class_name, f"type {e.type_name}") for e in enums] + [
        (m.function, f"metric {m.name}") for m in metrics
    ]
    for python_name, owner in entries:
        if python_name in owners:
            raise CodegenError(
                f"{', '.join(definitions.sources)}: {owner} and {owners[python_name]} "
                f"both become the Python name {python_name}"
            )
        owners[python_name] = owner


def render_module(definitions: Definitions, *, descriptions: bool = True) -> GeneratedModule:
    """The builders module for ``definitions`` as formatted source text.

    ``descriptions=False`` leaves the definitions' prose out of docstrings (the snapshot tests
    of third-party definition files use it, so their prose is never committed here).
    """
    used_types = {ref.type for m in definitions.metrics.values() for ref in m.metadata}
    enums = {
        name: _enum_view(t, descriptions)
        for name, t in definitions.types.items()
        if name in used_types and _has_enum(t)
    }
    metrics = [
        _metric_view(m, definitions, descriptions, enums) for m in definitions.metrics.values()
    ]
    _check_module_names(list(enums.values()), metrics, definitions)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pyrepr"] = _string_literal
    text = environment.get_template("metrics.py.jinja").render(
        sources=[Path(s).name for s in definitions.sources],
        enums=list(enums.values()),
        metrics=metrics,
        enum_bases=sorted({e.base for e in enums.values()}),
    )
    try:
        source = black.format_str(text, mode=black.Mode(line_length=100))
    except InvalidInput as exc:  # a template bug, never the user's input
        raise CodegenError(f"generated telemetry module is not valid Python: {exc}") from exc
    return GeneratedModule(source=source, metrics=len(metrics), enums=len(enums))


def generate_module(
    definitions: Definitions, out: Path, *, descriptions: bool = True
) -> GeneratedModule:
    """Render and write the module to ``out`` (written only when its bytes change)."""
    module = render_module(definitions, descriptions=descriptions)
    data = module.source.encode("utf-8")
    if not out.exists() or out.read_bytes() != data:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
    return module

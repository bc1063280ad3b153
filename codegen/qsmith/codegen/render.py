"""Render a ``ServicePlan`` to the files of a client package, formatted by black.

Each artifact has one template named after the file it renders. A template leaves an
``{{ imports }}`` slot; the imports are computed from the names the rendered body
actually uses, so every generated module imports exactly what it needs.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import black
import jinja2

from qsmith.codegen.naming import isort_key
from qsmith.codegen.plan.docs import docstring_body
from qsmith.codegen.plan.ir import ServicePlan
from qsmith.codegen.plan.source import LINE_LENGTH, py_repr

ARTIFACTS = ("__init__.py", "models.py", "errors.py", "_schema.py", "client.py")
BLACK_MODE = black.Mode(
    line_length=100, target_versions={black.TargetVersion.PY311}  # type: ignore[attr-defined]
)

_PLAIN_IMPORTS = ("json",)
_STDLIB_IMPORTS: dict[str, tuple[str, ...]] = {
    "collections.abc": ("AsyncIterable", "AsyncIterator", "Iterable", "Iterator", "Mapping"),
    "dataclasses": ("dataclass", "field"),
    "datetime": ("datetime", "timezone"),
    "decimal": ("Decimal",),
    "enum": ("IntEnum", "StrEnum"),
    "typing": ("TYPE_CHECKING", "TypeAlias"),
}
_RUNTIME_IMPORTS: dict[str, tuple[str, ...]] = {
    "qsmith.runtime.client.paginators": ("aiter_pages", "iter_pages"),
    "qsmith.runtime.client": (
        "AsyncClientBase",
        "AsyncEventStreamResponse",
        "ClientBase",
        "ClientConfig",
        "EventStreamResponse",
    ),
    "qsmith.runtime.schema": (
        "Constraints",
        "HttpBinding",
        "HttpTrait",
        "MemberSchema",
        "OperationSchema",
        "Schema",
        "ServiceSchema",
        "ShapeType",
        "TimestampFormat",
        "type_refs",
    ),
    "qsmith.runtime.values": (
        "Document",
        "ModeledServiceError",
        "UnionVariant",
        "UnknownUnionMember",
        "redacted_repr",
    ),
}


@functools.cache
def _environment() -> jinja2.Environment:
    """One environment per process: templates compile once, not once per service."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("qsmith.codegen", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["pyrepr"] = py_repr
    env.filters["docstring_body"] = docstring_body
    return env


def render_unformatted(plan: ServicePlan) -> dict[str, str]:
    """File name -> source as the templates write it, before black."""
    env = _environment()
    # The sibling modules each artifact imports. The models module is imported by none at
    # run time (the schema names its classes with TypeRef): the modules a client needs to be
    # imported and constructed stay small, and the models load on the first call.
    local_modules = {
        "models.py": (),
        "errors.py": (),
        "_schema.py": ("errors",),
        "client.py": ("_schema",),
        "__init__.py": (),
    }
    types_from_models = {"errors.py", "client.py"}
    files: dict[str, str] = {}
    for artifact in ARTIFACTS:
        template = env.get_template(f"{artifact}.jinja")
        body = template.render(plan=plan, imports="")
        imports = _imports_for(
            body, plan, local_modules[artifact], models_for_types=artifact in types_from_models
        )
        files[artifact] = template.render(plan=plan, imports=imports)
    files["py.typed"] = ""
    return files


def format_source(source: str) -> str:
    return black.format_str(source, mode=BLACK_MODE)


def _names_used(body: str) -> set[str]:
    """Every name the module reads (not the attributes it defines)."""
    tree = ast.parse(body)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _imports_for(
    body: str, plan: ServicePlan, local: tuple[str, ...], *, models_for_types: bool
) -> str:
    """The import block, sorted as isort (ruff) sorts it: stdlib, then qsmith, then the
    model classes the module names only in annotations, under ``TYPE_CHECKING``."""
    used = _names_used(body)
    package = plan.module
    type_only = (
        _from_imports({f"{package}.models": tuple(plan.model_names)}, used)
        if models_for_types
        else []
    )
    if type_only:
        used.add("TYPE_CHECKING")
    stdlib = [f"import {module}" for module in _PLAIN_IMPORTS if module in used]
    stdlib += _from_imports(_STDLIB_IMPORTS, used)
    first_party = dict(_RUNTIME_IMPORTS)
    first_party["qsmith.runtime"] = ("prelude", "waiters")
    first_party[package] = tuple(n for n in ("_schema", "errors") if n in local)
    blocks = [stdlib, _from_imports(first_party, used)]
    if type_only:
        blocks.append(["if TYPE_CHECKING:", *_indented(type_only)])
    return "\n\n".join("\n".join(block) for block in blocks if block)


def _indented(lines: list[str]) -> list[str]:
    return ["\n".join(f"    {part}" for part in line.split("\n")) for line in lines]


def _from_imports(modules: dict[str, tuple[str, ...]], used: set[str]) -> list[str]:
    lines = []
    for module in sorted(modules):
        wanted = sorted((n for n in modules[module] if n in used), key=isort_key)
        if wanted:
            lines.append(_from_import(module, wanted))
    return lines


def _from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def write_package(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write the files (only those whose content changed); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        path = out_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written

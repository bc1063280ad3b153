"""One C2J document (and its paginators) in, one Smithy JSON AST 2.0 model out."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qsmith.codegen.c2j.context import NAMESPACE, Context, JsonObject, as_object
from qsmith.codegen.c2j.diagnostics import ConversionWarning, Diagnostics
from qsmith.codegen.c2j.names import shape_renames
from qsmith.codegen.c2j.operations import apply_paginators, convert_operations
from qsmith.codegen.c2j.service import (
    convert_service,
    default_namespace,
    uses_http_bindings,
    uses_xml,
)
from qsmith.codegen.c2j.shapes import convert_shapes
from qsmith.codegen.c2j.typemap import PRIMITIVE_ZERO, SIMPLE_TYPES
from qsmith.runtime.errors import ModelError, ModelProblem

_KNOWN_TOP_LEVEL = frozenset({"version", "metadata", "operations", "shapes", "documentation"})


@dataclass(frozen=True)
class C2JConversion:
    """The converted model and every warning about what it does not carry."""

    model: JsonObject
    warnings: tuple[ConversionWarning, ...]

    def to_json(self) -> str:
        return render_json(self.model)


def convert_c2j(
    c2j: Mapping[str, Any],
    *,
    paginators: Mapping[str, Any] | None = None,
    namespace: str | None = None,
    source: str = "<c2j>",
    paginators_source: str = "<paginators>",
) -> C2JConversion:
    """Convert a parsed C2J document; raises ModelError listing every malformed place."""
    diag = Diagnostics(source)
    document = as_object(c2j, diag, "(document)")
    diag.unknown_keys("(document)", document, _KNOWN_TOP_LEVEL)
    metadata = as_object(document.get("metadata", {}), diag, "metadata")
    shapes = as_object(document.get("shapes", {}), diag, "shapes")
    operations = as_object(document.get("operations", {}), diag, "operations")
    diag.raise_if_problems()
    namespace = namespace if namespace is not None else default_namespace(metadata)
    if not NAMESPACE.match(namespace):
        raise ModelError([ModelProblem(f"invalid namespace {namespace!r}", file=source)])
    ctx = Context(diag, namespace, shapes, uses_http_bindings(metadata), _uses_box(shapes))
    ctx.xml = uses_xml(metadata)
    ctx.renames = shape_renames(shapes, operations)
    for old, new in sorted(ctx.renames.items()):
        diag.warn(
            f"shapes.{old}", f"renamed {new}: its name clashes with another (case-insensitive)"
        )
    if not ctx.uses_box and any(_is_primitive(shape) for shape in shapes.values()):
        diag.warn("shapes", "no shape says 'box': numbers and booleans are converted as nullable")
    out = convert_shapes(ctx)
    converted_operations = convert_operations(ctx, operations)
    if paginators is not None:
        pag_diag = Diagnostics(paginators_source)
        pagination = as_object(paginators, pag_diag, "(document)")
        pag_diag.unknown_keys("(document)", pagination, frozenset({"pagination"}))
        pages = as_object(pagination.get("pagination", {}), pag_diag, "pagination")
        apply_paginators(ctx, pag_diag, pages, converted_operations)
        diag.absorb(pag_diag)
    out.update(converted_operations)
    name, service = convert_service(
        diag, metadata, list(converted_operations), document.get("documentation")
    )
    if ctx.shape_id(name) in out:
        diag.problem("metadata", f"service name {name!r} is also a shape or operation name")
    out[ctx.shape_id(name)] = service
    diag.raise_if_problems()
    return C2JConversion({"smithy": "2.0", "shapes": out}, tuple(diag.warnings))


def _is_primitive(shape: object) -> bool:
    return isinstance(shape, dict) and SIMPLE_TYPES.get(str(shape.get("type"))) in PRIMITIVE_ZERO


def _uses_box(shapes: JsonObject) -> bool:
    for shape in shapes.values():
        if not isinstance(shape, dict):
            continue
        members = shape.get("members")
        refs = list(members.values()) if isinstance(members, dict) else []
        if any(isinstance(r, dict) and "box" in r for r in [shape, *refs]):
            return True
    return False


def load_c2j(
    path: Path, *, paginators: Path | None = None, namespace: str | None = None
) -> C2JConversion:
    """Read and convert a C2J file (and a paginators file beside it)."""
    document = _read_json(path)
    pages = _read_json(paginators) if paginators is not None else None
    return convert_c2j(
        document,
        paginators=pages,
        namespace=namespace,
        source=str(path),
        paginators_source=str(paginators),
    )


def _read_json(path: Path) -> Any:
    """A JSON file, gzip-compressed when its name ends in ``.gz`` (botocore ships
    ``service-2.json.gz``)."""
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return json.loads(data.decode("utf-8"))
    except OSError as exc:
        # gzip.BadGzipFile is an OSError without strerror.
        reason = exc.strerror or f"not a gzip file ({exc})"
        raise ModelError([ModelProblem(f"cannot read: {reason}", file=str(path))]) from exc
    except (EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = "truncated gzip data" if isinstance(exc, EOFError) else f"not valid JSON: {exc}"
        raise ModelError([ModelProblem(reason, file=str(path))]) from exc


def render_json(model: JsonObject) -> str:
    """Deterministic text: keys sorted, 4-space indent, final newline.

    Member maps keep their C2J order: it is the order a structure's fields, an enum's values
    and an event stream's events are declared in, which generated code reproduces.
    """
    return json.dumps(_ordered(model), indent=4, ensure_ascii=False) + "\n"


def _ordered(value: Any, *, keep_order: bool = False) -> Any:
    if isinstance(value, dict):
        keys = list(value) if keep_order else sorted(value)
        # Inside a member map the keys are member names, not AST keys: their bodies are sorted.
        return {
            key: _ordered(value[key], keep_order=not keep_order and key == "members")
            for key in keys
        }
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return value

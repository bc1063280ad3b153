"""Load Smithy JSON AST files (or dicts) into one validated :class:`Model`.

Steps, in order: read each source (file or dict) and check its top level; parse every
shape on its own; merge the files (identical duplicate definitions are fine, differing
ones are a problem; metadata lists concatenate, other metadata must agree); add the
prelude; apply ``apply`` shapes and flatten mixins; map Smithy 1.0 semantics to 2.0;
validate. Every problem found on the way is collected, and if there is any the whole
load raises one :class:`~qsmith.runtime.errors.ModelError` holding them all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import ValidationError

from qsmith.codegen.model.ast import AstFile, AstMember, AstShape, ShapeKind, misplaced_fields
from qsmith.codegen.model.mixins import apply_traits, flatten_mixins
from qsmith.codegen.model.numbers import read_float
from qsmith.codegen.model.prelude import BOXED_PRELUDE, prelude_shapes
from qsmith.codegen.model.shape_id import is_shape_id
from qsmith.codegen.model.shapes import LIFECYCLE_OPERATIONS, Member, Model, Shape
from qsmith.codegen.model.validate import check_service_names, validate_model
from qsmith.runtime.errors import ModelError, ModelProblem

__all__ = ["ModelSource", "load_model"]

# A file path, a dict holding a JSON AST, or a (name, dict) pair naming that dict.
ModelSource = str | os.PathLike[str] | Mapping[str, Any] | tuple[str, Mapping[str, Any]]

_VERSIONS = {"1": "1.0", "1.0": "1.0", "2": "2.0", "2.0": "2.0"}
_KNOWN_KINDS = {kind.value for kind in ShapeKind}
_DEFAULT = "smithy.api#default"
_PRIMITIVE_ZERO: dict[ShapeKind, bool | int] = {
    ShapeKind.BOOLEAN: False,
    ShapeKind.BYTE: 0,
    ShapeKind.SHORT: 0,
    ShapeKind.INTEGER: 0,
    ShapeKind.LONG: 0,
    ShapeKind.FLOAT: 0,
    ShapeKind.DOUBLE: 0,
}


def load_model(sources: ModelSource | Iterable[ModelSource]) -> Model:
    """Load one or several JSON AST sources as one model; raises ModelError listing problems.

    A source is a path, a dict, or a ``(name, dict)`` pair (the name is used in problems;
    a bare dict is called ``<dict N>``). A path ending in ``.smithy`` is read as Smithy IDL.
    """
    loader = _Loader()
    items = _as_list(sources)
    if any(_is_idl_path(source) for source in items):
        # Smithy IDL files become JSON AST documents first, all together (names
        # resolve across files). A file that cannot be parsed stops the load: the
        # missing shapes would only add misleading problems.
        from qsmith.codegen.idl import idl_documents

        paths = [source for source in items if _is_idl_path(source)]
        documents = dict(idl_documents(paths, check_targets=len(paths) == len(items)))
        items = [(str(s), documents[str(s)]) if _is_idl_path(s) else s for s in items]
    for index, source in enumerate(items, start=1):
        loader.read(source, index)
    return loader.build()


def _is_idl_path(source: object) -> TypeGuard[str | os.PathLike[str]]:
    return isinstance(source, str | os.PathLike) and str(source).endswith(".smithy")


def _as_list(sources: ModelSource | Iterable[ModelSource]) -> list[ModelSource]:
    if isinstance(sources, str | os.PathLike | Mapping) or _is_named_document(sources):
        return [sources]
    return list(sources)


def _is_named_document(source: object) -> TypeGuard[tuple[str, Any]]:
    # (name, document); a pair of paths is two sources instead.
    return (
        isinstance(source, tuple)
        and len(source) == 2
        and isinstance(source[0], str)
        and not isinstance(source[1], str | os.PathLike)
    )


@dataclass
class _Definition:
    file: str
    version: str
    raw: dict[str, Any]
    ast: AstShape


@dataclass
class _Apply:
    file: str
    target: str
    traits: dict[str, Any]


class _Loader:
    def __init__(self) -> None:
        self.problems: list[ModelProblem] = []
        self.definitions: dict[str, _Definition] = {}
        self.applies: list[_Apply] = []
        self.metadata: dict[str, Any] = {}
        self.metadata_origin: dict[str, str] = {}
        self.sources: list[str] = []

    def problem(self, file: str | None, shape_id: str | None, message: str) -> None:
        self.problems.append(ModelProblem(message, file=file, shape_id=shape_id))

    # -- reading -------------------------------------------------------------------------

    def read(self, source: ModelSource, index: int) -> None:
        if _is_named_document(source):
            name, document = source
            self.read_document(name, document)
        elif isinstance(source, Mapping):
            self.read_document(f"<dict {index}>", source)
        elif isinstance(source, str | os.PathLike):
            self.read_file(Path(source))
        else:
            name = f"<source {index}>"
            self.sources.append(name)
            self.problem(name, None, f"not a model source: {type(source).__name__}")

    def read_file(self, path: Path) -> None:
        name = str(path)
        self.sources.append(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(name, None, "file not found")
            return
        except IsADirectoryError:
            self.problem(name, None, "is a directory, not a JSON AST file")
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(name, None, f"cannot be read: {exc}")
            return
        try:
            document = json.loads(text, parse_float=read_float)
        except json.JSONDecodeError as exc:
            self.problem(
                name, None, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            )
            return
        except RecursionError:
            self.problem(name, None, "JSON nested too deeply to be a model")
            return
        self.read_document(name, document, named=True)

    def read_document(self, name: str, document: Any, *, named: bool = False) -> None:
        if not named:
            self.sources.append(name)
        if not isinstance(document, Mapping):
            self.problem(name, None, "not a Smithy JSON AST: the top level is not a JSON object")
            return
        if "smithy" not in document:
            self.problem(name, None, 'not a Smithy JSON AST: no "smithy" version key')
            return
        try:
            parsed = AstFile.model_validate(dict(document))
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(name, None, _pydantic_message(error))
            return
        version = _VERSIONS.get(parsed.smithy)
        if version is None:
            self.problem(name, None, f"unsupported Smithy version {parsed.smithy!r}")
            return
        self.merge_metadata(name, parsed.metadata)
        for shape_id, raw in parsed.shapes.items():
            self.read_shape(name, version, shape_id, raw)

    def merge_metadata(self, file: str, metadata: dict[str, Any]) -> None:
        for key, value in metadata.items():
            if key not in self.metadata:
                self.metadata[key] = value
                self.metadata_origin[key] = file
                continue
            current = self.metadata[key]
            if isinstance(current, list) and isinstance(value, list):
                self.metadata[key] = current + value
            elif current != value:
                self.problem(
                    file,
                    None,
                    f"metadata key {key!r} conflicts with its value in "
                    f"{self.metadata_origin[key]} (only lists may be merged)",
                )

    def read_shape(self, file: str, version: str, shape_id: str, raw: Any) -> None:
        if not isinstance(raw, dict):
            self.problem(file, shape_id, "a shape must be a JSON object")
            return
        kind = raw.get("type")
        if not isinstance(kind, str) or kind not in _KNOWN_KINDS:
            self.problem(file, shape_id, f"unknown shape type {kind!r}")
            return
        is_apply = kind == ShapeKind.APPLY
        if not is_shape_id(shape_id, allow_member=is_apply):
            self.problem(file, shape_id, "invalid shape id (expected namespace#Name)")
            return
        try:
            ast = AstShape.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(file, shape_id, _pydantic_message(error))
            return
        misplaced = misplaced_fields(ast)
        for message in misplaced:
            self.problem(file, shape_id, message)
        if misplaced:
            return
        if is_apply:
            self.applies.append(_Apply(file, shape_id, ast.traits))
            return
        previous = self.definitions.get(shape_id)
        if previous is None:
            self.definitions[shape_id] = _Definition(file, version, raw, ast)
        elif previous.raw != raw:
            self.problem(
                file,
                shape_id,
                f"conflicting definitions: this shape is also defined, differently, in "
                f"{previous.file}",
            )

    # -- building ------------------------------------------------------------------------

    def build(self) -> Model:
        shapes = prelude_shapes()
        versions: dict[str, str] = {}
        for shape_id, definition in self.definitions.items():
            if shape_id in shapes:
                self.problem(definition.file, shape_id, "redefines a shape of the Smithy prelude")
                continue
            shapes[shape_id] = _to_shape(shape_id, definition)
            versions[shape_id] = definition.version
        deferred = self.run_applies(shapes, self.applies, defer_missing_members=True)
        self.problems.extend(flatten_mixins(shapes))
        self.run_applies(shapes, deferred, defer_missing_members=False)
        _upgrade_1_0(shapes, [sid for sid, v in versions.items() if v == "1.0"])
        self.problems.extend(validate_model(shapes))
        model = Model(shapes, self.metadata, self.sources)
        if not self.problems:
            # Only meaningful once every reference resolves.
            self.problems.extend(check_service_names(model))
        if self.problems:
            raise ModelError(_unique(self.problems))
        return model

    def run_applies(
        self, shapes: dict[str, Shape], applies: list[_Apply], *, defer_missing_members: bool
    ) -> list[_Apply]:
        """Apply traits; with ``defer_missing_members``, members not yet present (inherited
        from a mixin, which is flattened later) are returned to try again afterwards."""
        deferred: list[_Apply] = []
        for item in applies:
            container, _, member_name = item.target.partition("$")
            shape = shapes.get(container)
            if shape is None:
                self.problem(item.file, item.target, "apply targets a shape that does not exist")
                continue
            if shape.is_prelude:
                self.problem(item.file, item.target, "apply cannot change the Smithy prelude")
                continue
            holder: Shape | Member | None = shape
            if member_name:
                holder = shape.members.get(member_name)
                if holder is None and defer_missing_members and shape.mixins:
                    deferred.append(item)
                    continue
                if holder is None:
                    self.problem(
                        item.file, item.target, "apply targets a member that does not exist"
                    )
                    continue
            assert holder is not None
            for message in apply_traits(holder.traits, item.traits):
                self.problem(item.file, item.target, message)
        return deferred


def _to_shape(shape_id: str, definition: _Definition) -> Shape:
    ast = definition.ast
    kind = ShapeKind.LIST if ast.type is ShapeKind.SET else ast.type
    shape = Shape(shape_id, kind, definition.file, traits=dict(ast.traits))
    if ast.type is ShapeKind.SET:
        # Smithy 2.0 reads `set` as a list whose items are unique.
        shape.traits.setdefault("smithy.api#uniqueItems", {})
    named: dict[str, AstMember] = dict(ast.members or {})
    for name, member in (("member", ast.member), ("key", ast.key), ("value", ast.value)):
        if member is not None:
            named[name] = member
    shape.members = {
        name: Member(shape_id, name, m.target, dict(m.traits)) for name, m in named.items()
    }
    shape.mixins = tuple(ref.target for ref in ast.mixins)
    shape.version = ast.version
    shape.rename = dict(ast.rename or {})
    shape.operations = tuple(ref.target for ref in ast.operations or ())
    shape.resources = tuple(ref.target for ref in ast.resources or ())
    shape.errors = tuple(ref.target for ref in ast.errors or ())
    shape.collection_operations = tuple(ref.target for ref in ast.collectionOperations or ())
    shape.identifiers = {k: ref.target for k, ref in (ast.identifiers or {}).items()}
    shape.properties = {k: ref.target for k, ref in (ast.properties or {}).items()}
    lifecycle = (ast.create, ast.put, ast.read, ast.update, ast.delete, ast.list_)
    shape.lifecycle = {
        name: ref.target for name, ref in zip(LIFECYCLE_OPERATIONS, lifecycle, strict=True) if ref
    }
    shape.input = ast.input.target if ast.input else None
    shape.output = ast.output.target if ast.output else None
    return shape


def _upgrade_1_0(shapes: dict[str, Shape], ids_from_1_0: list[str]) -> None:
    """Give 1.0's non-boxed numbers and booleans the zero default 2.0 spells out."""
    for shape_id in ids_from_1_0:
        shape = shapes[shape_id]
        zero = _PRIMITIVE_ZERO.get(shape.kind)
        if zero is not None and not shape.has_trait("smithy.api#box"):
            shape.traits.setdefault(_DEFAULT, zero)
        if shape.kind is not ShapeKind.STRUCTURE:
            continue
        for member in shape.members.values():
            if member.has_trait("smithy.api#box"):
                member.traits.pop(_DEFAULT, None)
                continue
            target = shapes.get(member.target)
            if target is None or target.kind not in _PRIMITIVE_ZERO:
                continue
            if target.id in BOXED_PRELUDE or target.has_trait("smithy.api#box"):
                continue
            member.traits.setdefault(_DEFAULT, _PRIMITIVE_ZERO[target.kind])


def _pydantic_message(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return f"at {where}: {message}" if where else message


def _unique(problems: list[ModelProblem]) -> list[ModelProblem]:
    return list(dict.fromkeys(problems))

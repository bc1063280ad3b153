"""Turn parsed IDL files into JSON AST documents: resolve shape ids, fill placeholders.

Relative shape ids resolve as the IDL specifies: a name imported by ``use``, else a
shape of that name in the file's namespace (defined in any of the files read
together), else a prelude shape, else the file's namespace (a reference to a shape
nobody defines is then an error with its place). ``$member`` takes its target from the ``for`` resource
(identifiers, then properties), then from the mixins. ``apply`` to a shape of the same
file is merged into it, since a JSON AST file cannot hold a shape and an apply of one id.
"""

from __future__ import annotations

from typing import Any

from qsmith.codegen.idl.errors import IdlError
from qsmith.codegen.idl.syntax import Annotation, Elided, ParsedFile, Ref, TraitList
from qsmith.codegen.model.ast import ShapeKind
from qsmith.codegen.model.mixins import apply_traits
from qsmith.codegen.model.prelude import PRELUDE_TRAITS, prelude_shapes

__all__ = ["to_documents"]

_PRELUDE = "smithy.api"
_PRELUDE_IDS = frozenset(prelude_shapes())
_PRELUDE_NAMES = frozenset(shape_id.partition("#")[2] for shape_id in _PRELUDE_IDS)
_LIST_KINDS = {ShapeKind.LIST.value, ShapeKind.SET.value}
_MEMBER_KEYS = ("members", "member", "key", "value")
_REFERENCE_LISTS = ("operations", "collectionOperations", "resources", "errors")


def to_documents(
    files: list[ParsedFile], *, check_targets: bool = True
) -> list[tuple[str, dict[str, Any]]]:
    """One ``(file, JSON AST document)`` per parsed file; IdlError on the first problem.

    With ``check_targets`` a reference to a shape (member target, mixin, operation,
    resource, error, ``apply`` target) must resolve to a shape of these files or of the
    prelude; without it (other sources are loaded too) the model loader checks them.
    """
    table = _ShapeTable(files, check_targets=check_targets)
    for parsed in files:
        _Resolver(parsed, table).resolve_shapes()
    for parsed in files:
        for shape_id in parsed.shapes:
            table.fill_elided(shape_id)
    return [(parsed.file, _Resolver(parsed, table).document()) for parsed in files]


class _ShapeTable:
    """Every shape the files define, to resolve names and elided members across files."""

    def __init__(self, files: list[ParsedFile], *, check_targets: bool) -> None:
        self.check_targets = check_targets
        self.owner: dict[str, ParsedFile] = {}
        self.names: dict[str, set[str]] = {}
        for parsed in files:
            for shape_id in parsed.shapes:
                self.owner.setdefault(shape_id, parsed)
                namespace, _, name = shape_id.partition("#")
                self.names.setdefault(namespace, set()).add(name)
        self.filling: set[str] = set()

    def node(self, shape_id: str) -> dict[str, Any] | None:
        parsed = self.owner.get(shape_id)
        return parsed.shapes.get(shape_id) if parsed else None

    def kind(self, shape_id: str) -> str | None:
        node = self.node(shape_id)
        if node is not None:
            return str(node["type"])
        namespace, _, name = shape_id.partition("#")
        if namespace == _PRELUDE and name in PRELUDE_TRAITS:
            return PRELUDE_TRAITS[name].value
        return None

    def member_target(self, shape_id: str, member: str, seen: set[str]) -> str | None:
        """The target of ``member`` in ``shape_id`` or, failing that, in its mixins."""
        node = self.node(shape_id)
        if node is None or shape_id in seen:
            return None
        seen.add(shape_id)
        self.fill_elided(shape_id)
        found = _members_of(node).get(member)
        if found is not None:
            return str(found["target"])
        for mixin in node.get("mixins", ()):
            target = self.member_target(str(mixin["target"]), member, seen)
            if target is not None:
                return target
        return None

    def fill_elided(self, shape_id: str) -> None:
        if shape_id in self.filling:
            return
        self.filling.add(shape_id)
        parsed = self.owner[shape_id]
        node = parsed.shapes[shape_id]
        for member in _members_of(node).values():
            if isinstance(member["target"], Elided):
                member["target"] = self.elided_target(parsed, shape_id, node, member["target"])

    def elided_target(
        self, parsed: ParsedFile, shape_id: str, node: dict[str, Any], elided: Elided
    ) -> str:
        resource_ref = parsed.resources_for.get(shape_id)
        if resource_ref is not None:
            resource_id = _Resolver(parsed, self).shape_id(resource_ref)
            resource = self.node(resource_id)
            if resource is None or resource["type"] != "resource":
                raise IdlError(
                    parsed.file,
                    resource_ref.line,
                    resource_ref.column,
                    f"'for {resource_ref.name}' does not name a resource of these files",
                )
            for field in ("identifiers", "properties"):
                found = resource.get(field, {}).get(elided.name)
                if found is not None:
                    return str(found["target"])
        for mixin in node.get("mixins", ()):
            target = self.member_target(str(mixin["target"]), elided.name, set())
            if target is not None:
                return target
        raise IdlError(
            parsed.file,
            elided.line,
            elided.column,
            f"elided member ${elided.name} is not found in the resource or mixins of "
            f"{shape_id.partition('#')[2]}",
        )


def _members_of(node: dict[str, Any]) -> dict[str, Any]:
    members = dict(node.get("members") or {})
    for key in ("member", "key", "value"):
        if key in node:
            members[key] = node[key]
    return members


class _Resolver:
    def __init__(self, parsed: ParsedFile, table: _ShapeTable) -> None:
        self.parsed = parsed
        self.table = table

    def shape_id(self, ref: Ref) -> str:
        root, dollar, member = ref.name.partition("$")
        suffix = dollar + member
        if "#" in root:
            return ref.name
        if root in self.parsed.uses:
            return self.parsed.uses[root] + suffix
        namespace = self.parsed.namespace
        if namespace is not None and root in self.table.names.get(namespace, ()):
            return f"{namespace}#{root}{suffix}"
        if root in _PRELUDE_NAMES:
            return f"{_PRELUDE}#{root}{suffix}"
        if namespace is None:
            raise IdlError(
                self.parsed.file,
                ref.line,
                ref.column,
                f"cannot resolve {ref.name!r}: the file has no namespace statement",
            )
        return f"{namespace}#{root}{suffix}"

    def value(self, value: Any, *, reference: bool = False) -> Any:
        """``value`` with its placeholders resolved; ``reference``: a Ref outside trait
        values names a shape the model must have."""
        if isinstance(value, Ref):
            return self.target(value) if reference else self.shape_id(value)
        if isinstance(value, TraitList):
            return self.traits(value)
        if isinstance(value, dict):
            return {key: self.value(item, reference=reference) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item, reference=reference) for item in value]
        return value

    def target(self, ref: Ref) -> str:
        shape_id = self.shape_id(ref)
        container = shape_id.partition("$")[0]
        known = container in self.table.owner or container in _PRELUDE_IDS
        if self.table.check_targets and not known:
            raise IdlError(
                self.parsed.file,
                ref.line,
                ref.column,
                f"{ref.name} does not resolve to a shape (not imported by 'use', not defined "
                f"in namespace {self.parsed.namespace}, not in the prelude)",
            )
        return shape_id

    def traits(self, traits: TraitList) -> dict[str, Any]:
        """Resolved ids and values; a trait given twice follows Smithy's merge rule
        (list values concatenate, equal values are fine, anything else conflicts)."""
        result: dict[str, Any] = {}
        for ref, raw in traits.items:
            trait_id = self.shape_id(ref)
            value = self.annotation(trait_id) if isinstance(raw, Annotation) else self.value(raw)
            conflicts = apply_traits(result, {trait_id: value})
            if conflicts:
                raise IdlError(
                    self.parsed.file,
                    ref.line,
                    ref.column,
                    f"trait {trait_id} is applied twice with different values",
                )
        return result

    def annotation(self, trait_id: str) -> Any:
        """A trait given no value: an empty list for list traits, else an empty object."""
        return [] if self.table.kind(trait_id) in _LIST_KINDS else {}

    def resolve_shapes(self) -> None:
        for resource in self.parsed.resources_for.values():
            self.target(resource)
        for shape_id, node in self.parsed.shapes.items():
            self.parsed.shapes[shape_id] = {
                key: self.value(item, reference=True) for key, item in node.items()
            }
            mixins = self.parsed.shapes[shape_id]["mixins"]
            self.parsed.shapes[shape_id]["mixins"] = [{"target": m} for m in mixins]

    def document(self) -> dict[str, Any]:
        shapes = {shape_id: dict(node) for shape_id, node in self.parsed.shapes.items()}
        for item in self.parsed.applies:
            target = self.target(item.target)
            traits = self.traits(item.traits)
            holder = self.local_holder(shapes, item.target)
            if holder is None:
                entry = shapes.setdefault(target, {"type": "apply", "traits": {}})
                holder = entry
            conflicts = apply_traits(holder.setdefault("traits", {}), traits)
            if conflicts:
                ref = item.target
                raise IdlError(self.parsed.file, ref.line, ref.column, "; ".join(conflicts))
        for node in shapes.values():
            _drop_empty(node)
            _sort_references(node)
        document: dict[str, Any] = {"smithy": self.parsed.version}
        if self.parsed.metadata:  # the serializer leaves out an empty metadata object
            document["metadata"] = self.parsed.metadata
        document["shapes"] = shapes
        return document

    def local_holder(self, shapes: dict[str, Any], target: Ref) -> dict[str, Any] | None:
        """The shape or member of this file ``apply`` targets; None when it is elsewhere
        (another file, or a member the shape gets from a mixin)."""
        container, dollar, member = self.target(target).partition("$")
        node: dict[str, Any] | None = shapes.get(container)
        if node is None or node.get("type") == "apply":
            return None
        if not dollar:
            return node
        found: dict[str, Any] | None = _members_of(node).get(member)
        if found is None and not node.get("mixins"):
            raise IdlError(
                self.parsed.file,
                target.line,
                target.column,
                f"apply targets member {member!r}, which {container.partition('#')[2]} "
                "does not have",
            )
        return found


def _sort_references(node: dict[str, Any]) -> None:
    # The Smithy serializer writes these sets of references ordered by shape id
    # (case-insensitively); doing the same makes our documents equal to its output.
    for key in _REFERENCE_LISTS:
        if key in node:
            node[key] = sorted(node[key], key=lambda ref: (ref["target"].lower(), ref["target"]))


def _drop_empty(node: dict[str, Any]) -> None:
    for key in ("traits", "mixins"):
        if key in node and not node[key]:
            del node[key]
    for key in _MEMBER_KEYS:
        members = node.get(key)
        if key == "members" and isinstance(members, dict):
            for member in members.values():
                _drop_empty(member)
        elif isinstance(members, dict) and key != "members":
            _drop_empty(members)

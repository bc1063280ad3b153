"""Does a Smithy model still carry what a C2J model says? Constraints, enum values and errors.

Both sides are Smithy JSON AST (the C2J side converted by ``convert_c2j``) and shapes are matched
by name, whatever their namespace: our models keep the C2J names. Constraints are compared per
member path (``Structure$member``, then ``.member``/``.key``/``.value`` into lists and maps),
each member seeing its target's traits overlaid with its own, so moving a constraint between a
member and its target, or renaming the target shape, changes nothing. A member or structure
missing from our model is reported once, and only when it carries a constraint or an enum.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qsmith.codegen.c2j.context import JsonObject

CONSTRAINT_TRAITS = ("smithy.api#length", "smithy.api#range", "smithy.api#pattern")
_ENUM_VALUE_MISSING = "enum value missing"
_MAX_DEPTH = 4  # list of map of list…: deeper nesting does not occur in the C2J files


@dataclass(frozen=True, order=True)
class Finding:
    """Something the C2J model carries that our model lacks.

    ``shape`` is a structure, enum, operation or error name; ``item`` a member name, an enum
    value, an error name, a trait (``@error``) or ``*`` for the whole shape.
    """

    shape: str
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.shape} / {self.item}: {self.detail}"


@dataclass(frozen=True)
class Exemption:
    """A finding accepted on purpose: the newer source dropped the member or changed the value."""

    shape: str
    item: str
    reason: str


def bare_name(shape_id: str) -> str:
    return shape_id.partition("#")[2] or shape_id


class SmithyIndex:
    """Name-based lookups over one Smithy JSON AST model."""

    def __init__(self, model: JsonObject) -> None:
        self.shapes: dict[str, JsonObject] = model.get("shapes", {})
        self._by_name: dict[str, list[str]] = {}
        for shape_id in sorted(self.shapes):
            self._by_name.setdefault(bare_name(shape_id), []).append(shape_id)

    def find(self, name: str, types: Iterable[str]) -> list[str]:
        wanted = set(types)
        return [i for i in self._by_name.get(name, []) if self.shapes[i].get("type") in wanted]

    def of_type(self, *types: str) -> list[str]:
        return [i for i in sorted(self.shapes) if self.shapes[i].get("type") in types]

    def traits(self, shape_id: str) -> JsonObject:
        traits: JsonObject = self.shapes.get(shape_id, {}).get("traits", {})
        return traits

    def members(self, shape_id: str) -> dict[str, JsonObject]:
        """Own members plus those of mixins (our models may factor members into mixins)."""
        shape = self.shapes.get(shape_id, {})
        members: dict[str, JsonObject] = {}
        for mixin in shape.get("mixins", []):
            members.update(self.members(mixin["target"]))
        members.update(shape.get("members", {}))
        return members

    def enum_values(self, shape_id: str) -> set[str] | None:
        shape = self.shapes.get(shape_id, {})
        if shape.get("type") == "enum":
            return {
                str(m.get("traits", {}).get("smithy.api#enumValue", name))
                for name, m in self.members(shape_id).items()
            }
        legacy = self.traits(shape_id).get("smithy.api#enum")
        if isinstance(legacy, list):
            return {str(entry["value"]) for entry in legacy}
        return None


@dataclass(frozen=True)
class PathFacts:
    constraints: dict[str, object]
    enum_name: str | None
    enum_values: frozenset[str]


def member_facts(index: SmithyIndex, structure_id: str) -> dict[tuple[str, str], PathFacts]:
    """(member, path below it) -> the constraints and enum values found there."""
    facts: dict[tuple[str, str], PathFacts] = {}
    for name, member in index.members(structure_id).items():
        for suffix, path_facts in _walk(index, member, "", 0):
            facts[(name, suffix)] = path_facts
    return facts


def _walk(
    index: SmithyIndex, member: JsonObject, suffix: str, depth: int
) -> Iterator[tuple[str, PathFacts]]:
    target = member["target"]
    merged = {**index.traits(target), **member.get("traits", {})}
    constraints = {t: merged[t] for t in CONSTRAINT_TRAITS if t in merged}
    values = index.enum_values(target)
    yield suffix, PathFacts(
        constraints, bare_name(target) if values is not None else None, frozenset(values or ())
    )
    shape = index.shapes.get(target, {})
    if depth < _MAX_DEPTH and shape.get("type") in ("list", "map"):
        for part in ("member", "key", "value"):
            if part in shape:
                yield from _walk(index, shape[part], f"{suffix}.{part}", depth + 1)


def compare(c2j: JsonObject, ours: JsonObject) -> list[Finding]:
    """Every constraint, enum value and error of ``c2j`` that ``ours`` lacks, sorted."""
    theirs_index, ours_index = SmithyIndex(c2j), SmithyIndex(ours)
    findings: set[Finding] = set()
    for structure_id in theirs_index.of_type("structure", "union"):
        findings.update(_compare_structure(theirs_index, ours_index, structure_id))
    findings.update(_compare_errors(theirs_index, ours_index))
    return sorted(_first_path_only(findings))


def _compare_structure(theirs: SmithyIndex, ours: SmithyIndex, structure_id: str) -> set[Finding]:
    name = bare_name(structure_id)
    their_facts = {
        key: facts
        for key, facts in member_facts(theirs, structure_id).items()
        if facts.constraints or facts.enum_values
    }
    if not their_facts:
        return set()
    candidates = ours.find(name, ("structure", "union"))
    if not candidates:
        return {Finding(name, "*", "structure with constraints or enums is missing")}
    our_members = ours.members(candidates[0])
    our_facts = member_facts(ours, candidates[0])
    findings: set[Finding] = set()
    for (member, suffix), facts in sorted(their_facts.items()):
        if member not in our_members:
            findings.add(Finding(name, member, "member with constraints or enums is missing"))
            continue
        mine = our_facts.get((member, suffix), PathFacts({}, None, frozenset()))
        for trait, value in sorted(facts.constraints.items()):
            if mine.constraints.get(trait) != value:
                got = mine.constraints.get(trait, "nothing")
                short = trait.partition("#")[2]
                detail = f"@{short}{suffix} is {value!r} in the C2J, ours has {got!r}"
                findings.add(Finding(name, member, detail))
        for value in sorted(facts.enum_values - mine.enum_values):
            where = f"{name}${member}{suffix}"
            detail = f"{_ENUM_VALUE_MISSING} (first seen at {where})"
            findings.add(Finding(facts.enum_name or name, value, detail))
    return findings


def _first_path_only(findings: set[Finding]) -> set[Finding]:
    """One finding per (shape, item) and kind of problem, even when several paths reach it.

    A missing enum value is reported where it is first reached; the other paths add nothing.
    """
    kept: dict[tuple[str, str, str], Finding] = {}  # sorted first: the first path wins
    for finding in sorted(findings):
        is_enum = finding.detail.startswith(_ENUM_VALUE_MISSING)
        kept.setdefault((finding.shape, finding.item, "" if is_enum else finding.detail), finding)
    return set(kept.values())


def _compare_errors(theirs: SmithyIndex, ours: SmithyIndex) -> set[Finding]:
    findings: set[Finding] = set()
    for operation_id in theirs.of_type("operation"):
        name = bare_name(operation_id)
        candidates = ours.find(name, ("operation",))
        if not candidates:
            findings.add(Finding(name, "*", "operation is missing"))
            continue
        their_errors = {
            bare_name(e["target"]) for e in theirs.shapes[operation_id].get("errors", [])
        }
        our_errors = {bare_name(e["target"]) for e in ours.shapes[candidates[0]].get("errors", [])}
        for error in sorted(their_errors - our_errors):
            findings.add(Finding(name, error, "error is not among our operation's errors"))
    for error_id in theirs.of_type("structure"):
        their_traits = theirs.traits(error_id)
        if "smithy.api#error" not in their_traits:
            continue
        name = bare_name(error_id)
        candidates = ours.find(name, ("structure",))
        if not candidates:
            findings.add(Finding(name, "*", "error shape is missing"))
            continue
        our_traits = ours.traits(candidates[0])
        for trait in ("smithy.api#error", "smithy.api#retryable", "smithy.api#httpError"):
            if trait in their_traits and our_traits.get(trait) != their_traits[trait]:
                got = our_traits.get(trait, "nothing")
                item = "@" + trait.partition("#")[2]
                findings.add(Finding(name, item, f"C2J has {their_traits[trait]!r}, ours {got!r}"))
    return findings


def apply_exemptions(
    findings: Iterable[Finding], exemptions: Iterable[Exemption]
) -> tuple[list[Finding], list[Exemption]]:
    """(findings no exemption explains, exemptions that explained nothing)."""
    exemptions = list(exemptions)
    keys = {(e.shape, e.item) for e in exemptions}
    findings = list(findings)
    unexplained = [f for f in findings if (f.shape, f.item) not in keys]
    used = {(f.shape, f.item) for f in findings}
    unused = [e for e in exemptions if (e.shape, e.item) not in used]
    return unexplained, unused

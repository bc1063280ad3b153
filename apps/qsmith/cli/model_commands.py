"""The ``qsmith model validate|stats|show`` commands.

A bad model prints every problem (file, shape id, what is wrong) and exits 1; nothing
here lets a traceback through for a model's fault. Output is plain and deterministic
(sorted), so it can be compared and snapshotted.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from pathlib import Path

import click

from qsmith.codegen.model import Model, ModelError, ModelIndex, load_model

_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)


def _fail(error: ModelError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(error.problems)} problem(s) found", err=True)
    raise SystemExit(1)


@click.command()
@_FILES
@click.option(
    "--together", is_flag=True, help="Load the files as one model instead of each on its own."
)
def validate(files: tuple[Path, ...], together: bool) -> None:
    """Check that each FILE is a valid Smithy JSON AST model.

    \b
    Example:
      qsmith model validate models/*.json
    """
    groups = [list(files)] if together else [[f] for f in files]
    problems = []
    for group in groups:
        try:
            model = load_model(group)
        except ModelError as exc:
            problems.extend(exc.problems)
            continue
        names = " + ".join(str(f) for f in group)
        click.echo(
            f"OK {names}: {len(model.user_shapes())} shape(s), {len(model.services())} service(s)"
        )
    if problems:
        _fail(ModelError(problems))


@click.command()
@_FILES
def stats(files: tuple[Path, ...]) -> None:
    """Shape counts by type, operations per service, protocols and auth of each FILE.

    \b
    Example:
      qsmith model stats weather.smithy
    """
    models: list[tuple[Path, Model]] = []
    for path in files:
        try:
            models.append((path, load_model(path)))
        except ModelError as exc:
            _fail(exc)
    for number, (path, model) in enumerate(models):
        if number:
            click.echo("")
        click.echo("\n".join(_stats_lines(path, model)))


def _stats_lines(path: Path, model: Model) -> list[str]:
    shapes = model.user_shapes()
    kinds = Counter(shape.kind.value for shape in shapes)
    lines = [f"== {path}", f"shapes: {len(shapes)} (prelude not counted)"]
    lines += [f"  {kind:<11} {count}" for kind, count in sorted(kinds.items())]
    mixins = sum(1 for shape in shapes if shape.is_mixin)
    if mixins:
        lines.append(f"  (of which mixins: {mixins})")
    index = ModelIndex(model)
    services = model.services()
    lines.append(f"services: {len(services)}")
    for service in services:
        operations = index.operations(service.id)
        direct = sum(1 for op in operations if op.id in service.operations)
        lines += [
            f"  {service.id} (version {service.version or '-'})",
            f"    operations: {len(operations)} ({len(operations) - direct} through resources)",
            f"    resources: {len(index.resources(service.id))}",
            f"    closure: {len(index.closure(service.id))} shape(s)",
            f"    protocols: {', '.join(index.protocols(service.id)) or '-'}",
            f"    auth: {', '.join(index.effective_auth(service.id)) or '-'}",
        ]
    return lines


@click.command()
@click.argument("shape_id")
@click.option(
    "--model",
    "model_files",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A JSON AST file of the model (repeat for a model in several files).",
)
def show(shape_id: str, model_files: tuple[Path, ...]) -> None:
    """Print SHAPE_ID (a shape or ns#Shape$member) as JSON AST, after mixins and apply.

    \b
    Example:
      qsmith model show example.weather#Weather --model weather.smithy
    """
    try:
        model = load_model(list(model_files))
    except ModelError as exc:
        _fail(exc)
        return
    container, _, member = shape_id.partition("$")
    shape = model.get(container)
    if shape is None or (member and member not in shape.members):
        near = _suggestions(shape_id, _all_ids(model))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise click.ClickException(f"no shape {shape_id} in the model{hint}")
    node = shape.members[member].to_ast() if member else shape.to_ast()
    click.echo(json.dumps({shape_id: node}, indent=2, ensure_ascii=False))


def _suggestions(shape_id: str, ids: list[str]) -> list[str]:
    """Full shape ids close to ``shape_id``; a bare name is matched against the names."""
    if "#" in shape_id:
        return difflib.get_close_matches(shape_id, ids, n=3)
    by_name: dict[str, list[str]] = {}
    for full in ids:
        by_name.setdefault(full.partition("#")[2].lower(), []).append(full)
    exact = by_name.get(shape_id.lower(), [])
    if exact:
        return exact[:5]
    near = difflib.get_close_matches(shape_id.lower(), list(by_name), n=3)
    return [full for name in near for full in by_name[name]][:5]


def _all_ids(model: Model) -> list[str]:
    ids = []
    for shape in model.values():
        ids.append(shape.id)
        ids.extend(m.id for m in shape.members.values())
    return ids

"""``qsmith model convert``: Smithy IDL (and JSON AST) files to one JSON AST document.

The files are loaded together first, so an invalid model is reported (file, line,
column for IDL syntax) and nothing is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click

from qsmith.codegen.idl import idl_documents, is_idl_path
from qsmith.codegen.idl.merge import merge_documents
from qsmith.codegen.model import ModelError, ModelProblem, load_model


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON AST here instead of to standard output.",
)
def convert(files: tuple[Path, ...], output: Path | None) -> None:
    """Convert Smithy IDL FILES (.smithy; .json files may be mixed in) to one JSON AST.

    \b
    Example:
      qsmith model convert a.smithy b.smithy -o model.json
    """
    try:
        documents = _documents(list(files))
        model = load_model(documents)
    except ModelError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s) found", err=True)
        raise SystemExit(1) from None
    text = json.dumps(merge_documents(documents, model), indent=4, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    _write(output, text)
    click.echo(f"wrote {output}: {len(model.user_shapes())} shape(s)", err=True)


def _documents(files: list[Path]) -> list[tuple[str, Any]]:
    paths = [f for f in files if is_idl_path(f)]
    idl = dict(idl_documents(paths, check_targets=len(paths) == len(files)))
    documents: list[tuple[str, Any]] = []
    for path in files:
        if is_idl_path(path):
            documents.append((str(path), idl[str(path)]))
        else:
            documents.append((str(path), _read_json(path)))
    return documents


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        message = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot be read: {exc}"
    raise ModelError([ModelProblem(message, file=str(path))])


def _write(path: Path, text: str) -> None:
    # Write beside the target and rename, so a failed run never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=path.name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

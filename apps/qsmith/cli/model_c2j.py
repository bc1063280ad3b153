"""``qsmith model import-c2j``: convert an AWS C2J JSON model into Smithy JSON AST 2.0."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import-c2j")
@click.argument("file", type=_FILE)
@click.option(
    "--paginators", "paginators", type=_FILE, help="The C2J paginators file of the same API."
)
@click.option(
    "--namespace",
    help="Smithy namespace of the shapes [default: com.amazonaws.<serviceId in lower case>].",
)
@click.option(
    "-o",
    "--out",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the model here instead of to standard output.",
)
def import_c2j(
    file: Path, paginators: Path | None, namespace: str | None, output: Path | None
) -> None:
    """Convert the C2J model FILE to Smithy JSON AST 2.0.

    Warnings name every C2J key the Smithy model does not carry; they go to standard error.

    \b
    Example:
      qsmith model import-c2j service-2.json -o model.json
    """
    from qsmith.codegen.c2j import load_c2j

    conversion = load_c2j(file, paginators=paginators, namespace=namespace)
    for warning in conversion.warnings:
        click.echo(f"warning: {warning}", err=True)
    text = conversion.to_json()
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)
    shapes = len(conversion.model["shapes"])
    click.echo(f"wrote {output}: {shapes} shapes, {len(conversion.warnings)} warning(s)", err=True)


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so an interrupted run never leaves half a model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # a model is not a secret: readable like any file the user writes
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

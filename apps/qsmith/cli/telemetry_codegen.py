"""``qsmith codegen telemetry``: telemetry definitions files to a module of metric builders."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument(
    "definitions",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "-o",
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Python module to write.",
)
@click.option("--check", is_flag=True, help="Fail if --out differs from a fresh generation.")
@click.option(
    "--no-descriptions",
    is_flag=True,
    help="Leave the definitions' descriptions out of the docstrings.",
)
def telemetry(
    definitions: tuple[Path, ...], out_file: Path, check: bool, no_descriptions: bool
) -> None:
    """Generate typed metric builders from telemetry DEFINITIONS files.

    Later files override types and metrics of the same name in earlier ones.
    Needs the codegen extra: pip install 'qsmith[codegen]'.

    \b
    Example:
      qsmith codegen telemetry definitions.json -o metrics.py
    """
    from qsmith.codegen.telemetry import generate_module, load_definitions, render_module

    merged = load_definitions(list(definitions))
    for override in merged.overrides:
        click.echo(f"note: {override}", err=True)
    if check:
        fresh = render_module(merged, descriptions=not no_descriptions).source
        current = out_file.read_text(encoding="utf-8") if out_file.exists() else None
        if current != fresh:
            raise click.ClickException(
                f"{out_file} differs from a fresh generation: rerun without --check and commit"
            )
        click.echo(f"{out_file} is up to date")
        return
    module = generate_module(merged, out_file, descriptions=not no_descriptions)
    click.echo(f"wrote {out_file}: {module.metrics} metric builder(s), {module.enums} enum(s)")


if (
    __name__ == "__main__"
):  # until `qsmith codegen` is a group: python -m qsmith.cli.telemetry_codegen
    telemetry()

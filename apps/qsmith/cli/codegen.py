"""``qsmith codegen``: regenerate clients from the models folder."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--all", "all_services", is_flag=True, help="Generate every model in --models.")
@click.option(
    "--models",
    "models_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("models"),
    show_default=True,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("generated"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Fail if --out differs from a fresh generation.")
def codegen(all_services: bool, models_dir: Path, out_dir: Path, check: bool) -> None:
    """Generate typed clients from Smithy models."""
    from qsmith.codegen.build import generate_all

    if not all_services:
        raise click.UsageError("say --all (per-service generation is not wired yet)")
    report = generate_all(models_dir, out_dir, check=check)
    click.echo(report.summary())
    if check and report.stale:
        raise click.ClickException(
            "generated/ differs from a fresh generation: run `make codegen` and commit:\n  "
            + "\n  ".join(report.stale)
        )

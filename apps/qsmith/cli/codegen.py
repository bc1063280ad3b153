"""``qsmith codegen``: regenerate clients from the models folder; sub-commands for other inputs."""

from __future__ import annotations

from pathlib import Path

import click

from qsmith.cli.main import LazyGroup

# Generators for other inputs than service models, imported on first use.
CODEGEN_SUBCOMMANDS: dict[str, str] = {
    "telemetry": "qsmith.cli.telemetry_codegen:telemetry",
}


@click.group(cls=LazyGroup, lazy=CODEGEN_SUBCOMMANDS, invoke_without_command=True)
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
@click.pass_context
def codegen(
    ctx: click.Context, all_services: bool, models_dir: Path, out_dir: Path, check: bool
) -> None:
    """Generate typed clients from Smithy models (`--all`), or other code (sub-commands)."""
    if ctx.invoked_subcommand is not None:
        return
    from qsmith.codegen.build import generate_all

    if not all_services:
        raise click.UsageError("say --all, or name a sub-command (see --help)")
    report = generate_all(models_dir, out_dir, check=check)
    click.echo(report.summary())
    if check and report.stale:
        raise click.ClickException(
            "generated/ differs from a fresh generation: run `make codegen` and commit:\n  "
            + "\n  ".join(report.stale)
        )

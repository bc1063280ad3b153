"""``qsmith codegen``: regenerate the shipped clients, generate a client of your own model,
or run a sub-command for other inputs.

    qsmith codegen --all [--check]                       every models/*.json -> generated/
    qsmith codegen MODEL... [--service ID] --package NAME --out DIR
    qsmith codegen - --service ID --package NAME          Smithy build ``run::`` plugin

A model argument of ``-`` reads the JSON AST from standard input, as Smithy's ``run``
plugin sends it; the output folder then defaults to ``$SMITHY_PLUGIN_DIR``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from qsmith.cli.main import LazyGroup

# Generators for other inputs than service models, imported on first use.
CODEGEN_SUBCOMMANDS: dict[str, str] = {
    "telemetry": "qsmith.cli.telemetry_codegen:telemetry",
}


# Set by Smithy's run plugin: where output goes, and whether stdin holds the prelude too.
PLUGIN_DIR_VARIABLE = "SMITHY_PLUGIN_DIR"
INCLUDES_PRELUDE_VARIABLE = "SMITHY_INCLUDES_PRELUDE"


class CodegenGroup(LazyGroup):
    """Sub-commands by name; any other first argument is a model file for ``own_model``."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.list_commands(ctx):
            if args[0] != "-" and not Path(args[0]).exists():
                ctx.fail(
                    f"{args[0]!r} is neither a model file nor a sub-command "
                    f"({', '.join(self.list_commands(ctx))})"
                )
            return "MODEL", own_model, args
        return super().resolve_command(ctx, args)


@click.group(cls=CodegenGroup, lazy=CODEGEN_SUBCOMMANDS, invoke_without_command=True)
@click.option("--all", "all_services", is_flag=True, help="Generate every model in --models.")
@click.option(
    "--models",
    "models_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("models"),
    show_default=True,
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: generated with --all, $SMITHY_PLUGIN_DIR for a model on stdin].",
)
@click.option("--check", is_flag=True, help="Fail if --out differs from a fresh generation.")
@click.pass_context
def codegen(
    ctx: click.Context, all_services: bool, models_dir: Path, out_dir: Path | None, check: bool
) -> None:
    """Generate typed clients from Smithy models: the shipped ones (`--all`), your own
    (`qsmith codegen MODEL...`), or other code (sub-commands).

    \b
    Your own model: qsmith codegen MODEL... [OPTIONS]
      MODEL...        Smithy IDL (.smithy) or JSON AST files; - reads stdin  [required]
      -o, --out DIR   where the package's folders start  [required, unless
                      $SMITHY_PLUGIN_DIR is set]
      --package NAME  dotted package to generate, e.g. myproject.weather
                      [default: the service name in snake case]
      --service ID    shape id of the service  [required when the model has
                      several services]

    Needs the codegen extra: pip install 'qsmith[codegen]'.

    \b
    Examples:
      qsmith codegen weather.smithy --package myproject.weather --out src
      qsmith codegen --all --check
    """
    if ctx.invoked_subcommand is not None:
        return
    from qsmith.codegen.generate import generate_all

    if not all_services:
        raise click.UsageError("say --all, name model files, or name a sub-command (see --help)")
    report = generate_all(models_dir, out_dir or Path("generated"), check=check)
    click.echo(report.summary())
    if not report.services:
        raise click.ClickException(
            f"no model found in {models_dir}/ (*.json): name the folder with --models"
        )
    if check and report.stale:
        raise click.ClickException(
            "generated/ differs from a fresh generation: run `make codegen` and commit:\n  "
            + "\n  ".join(report.stale)
        )


@click.command(name="MODEL")
@click.argument("models", nargs=-1, required=True)
@click.option(
    "--service",
    "service_id",
    help="Shape id of the service [required when the model has several].",
)
@click.option(
    "--package",
    "module",
    help="Dotted package to generate, e.g. myproject.clients.weather "
    "[default: the service name in snake case].",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the package's folders start [required unless $SMITHY_PLUGIN_DIR is set].",
)
@click.pass_context
def own_model(
    ctx: click.Context,
    models: tuple[str, ...],
    service_id: str | None,
    module: str | None,
    out_dir: Path | None,
) -> None:
    """Generate the client of one service of your own Smithy model (JSON AST or IDL).

    \b
    Example:
      qsmith codegen weather.smithy --package myproject.weather --out src
    """
    from qsmith.codegen.own_models import generate_service

    sources: list[Any] = [_stdin_model() if m == "-" else Path(m) for m in models]
    parent_out = ctx.parent.params.get("out_dir") if ctx.parent is not None else None
    target = out_dir or parent_out or _plugin_dir(from_stdin="-" in models)
    result = generate_service(sources, target, service_id=service_id, module=module)
    click.echo(result.summary())


def _stdin_model() -> tuple[str, dict[str, Any]]:
    try:
        document = json.load(sys.stdin)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"<stdin>: not a JSON AST model: {exc}") from exc
    if not isinstance(document, dict):
        raise click.ClickException("<stdin>: a JSON AST model is an object")
    if os.environ.get(INCLUDES_PRELUDE_VARIABLE, "").lower() == "true":
        from qsmith.codegen.own_models import without_prelude

        document = without_prelude(document)
    return ("<stdin>", document)


def _plugin_dir(*, from_stdin: bool) -> Path:
    value = os.environ.get(PLUGIN_DIR_VARIABLE)
    if value:
        return Path(value)
    hint = f" (or set ${PLUGIN_DIR_VARIABLE}, as Smithy's run plugin does)" if from_stdin else ""
    raise click.UsageError(f"say where to write the client with --out{hint}")

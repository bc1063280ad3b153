"""Entry point of the ``qsmith`` command.

Sub-commands are imported only when invoked: a broken ``generated/`` tree (or a
missing optional extra) must never stop ``qsmith codegen``, which is what repairs it.
"""

from __future__ import annotations

import importlib
import sys

import click

from qsmith.cli.extras import install_line, missing_extra, needs_extra_command
from qsmith.runtime.errors import QsmithError

# Every failure the command reports starts this way, whatever raised it.
ERROR_PREFIX = "error: "

# name -> "module:attribute" of a click command or group, imported on first use.
SUBCOMMANDS: dict[str, str] = {
    "codegen": "qsmith.cli.codegen:codegen",
    "model": "qsmith.cli.model:model",
    "auth": "qsmith.cli.auth:auth",
    "eventstream": "qsmith.cli.eventstream:eventstream",
    "login": "qsmith.cli.login:login",
    "logout": "qsmith.cli.login:logout",
    "whoami": "qsmith.cli.login:whoami",
    "conformance": "qsmith.cli.conformance:conformance",
    "serve": "qsmith.cli.serve:serve",
    "accounts": "qsmith.cli.accounts:accounts",
    "chat": "qsmith.cli.chat:chat",
    "vendor": "qsmith.cli.vendor:vendor",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported when they are run or listed."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            module_name, _, attr = self._lazy[cmd_name].partition(":")
            try:
                command = getattr(importlib.import_module(module_name), attr)
            except ModuleNotFoundError as exc:
                if missing_extra(exc) is None:
                    raise
                return needs_extra_command(cmd_name, f"{ctx.command_path} {cmd_name}", exc)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self._lazy[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
@click.version_option(package_name="qsmith")
def cli() -> None:
    """qsmith: Smithy models in, typed Python clients out.

    \b
    Examples:
      qsmith chat --fake --non-interactive "hello"
      qsmith codegen weather.smithy --package myproject.weather --out src
    """


def main(argv: list[str] | None = None) -> None:
    """Run the command; qsmith's own errors print as one clear message and exit 1."""
    try:
        cli.main(args=argv, prog_name="qsmith", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"Try '{exc.ctx.command_path} --help' for help.", err=True)
        click.echo(f"{ERROR_PREFIX}{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"{ERROR_PREFIX}{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except QsmithError as exc:
        click.echo(f"{ERROR_PREFIX}{exc}", err=True)
        sys.exit(1)
    except ModuleNotFoundError as exc:
        if missing_extra(exc) is None:
            raise
        command = " ".join(["qsmith", *(a for a in (argv or sys.argv[1:])[:1])])
        click.echo(f"{ERROR_PREFIX}{install_line(command, exc)}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

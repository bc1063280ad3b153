"""Entry point of the ``qsmith`` command.

Sub-commands are imported only when invoked: a broken ``generated/`` tree (or a
missing optional extra) must never stop ``qsmith codegen``, which is what repairs it.
"""

from __future__ import annotations

import importlib
import sys

import click

from qsmith.runtime.errors import QsmithError

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
            command = getattr(importlib.import_module(module_name), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self._lazy[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
@click.version_option(package_name="qsmith")
def cli() -> None:
    """qsmith: Smithy models in, typed Python clients out."""


def main(argv: list[str] | None = None) -> None:
    """Run the command; qsmith's own errors print as one clear message and exit 1."""
    try:
        cli.main(args=argv, prog_name="qsmith", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except QsmithError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

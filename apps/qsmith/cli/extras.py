"""Which optional extra a missing third-party module belongs to, and the one line saying so.

A plain ``pip install qsmith`` has httpx and click only. A command that needs more
must say which extra to install in one line, never with an ``ImportError`` traceback.
"""

from __future__ import annotations

import click

# top-level module -> the extra of pyproject.toml that installs it
EXTRA_OF_MODULE: dict[str, str] = {
    "pydantic": "codegen",
    "jinja2": "codegen",
    "black": "codegen",
    "starlette": "gateway",
    "uvicorn": "gateway",
    "anyio": "gateway",
}


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The extra that would install the module ``exc`` names, or None if none would."""
    top = (exc.name or "").split(".")[0]
    return EXTRA_OF_MODULE.get(top)


def install_line(command: str, exc: ModuleNotFoundError) -> str:
    """One line naming the extra ``command`` needs, e.g. for ``qsmith model``."""
    extra = missing_extra(exc)
    return (
        f"{command} needs the optional extra: pip install 'qsmith[{extra}]' "
        f"(missing: {exc.name})"
    )


def needs_extra_command(name: str, command_path: str, exc: ModuleNotFoundError) -> click.Command:
    """A stand-in for a command that cannot load: its help and its run name the extra."""
    line = install_line(command_path, exc)

    def refuse(**_options: object) -> None:
        raise click.ClickException(line)

    return click.Command(
        name,
        callback=refuse,
        help=f"\b\n{line}",  # \b: click keeps the line whole
        short_help=f"(needs pip install 'qsmith[{missing_extra(exc)}]')",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
    )

"""``qsmith model``: inspect Smithy JSON AST models (validate, stats, show), import C2J ones.

The group loads its sub-commands on first use, like ``qsmith`` itself: add a command
by adding one line to ``MODEL_SUBCOMMANDS``.
"""

from __future__ import annotations

import click

from qsmith.cli.main import LazyGroup

# name -> "module:attribute" of a click command, imported on first use.
MODEL_SUBCOMMANDS: dict[str, str] = {
    "validate": "qsmith.cli.model_commands:validate",
    "stats": "qsmith.cli.model_commands:stats",
    "show": "qsmith.cli.model_commands:show",
    "convert": "qsmith.cli.model_convert:convert",
    "import-c2j": "qsmith.cli.model_c2j:import_c2j",
}


@click.group(cls=LazyGroup, lazy=MODEL_SUBCOMMANDS)
def model() -> None:
    """Validate, inspect and convert Smithy models: Smithy IDL (.smithy) or JSON AST (.json);
    import C2J models.

    \b
    Examples:
      qsmith model validate weather.smithy
      qsmith model show example.weather#Weather --model weather.smithy
    """

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from qsmith.cli.main import SUBCOMMANDS, cli


def test_help_lists_every_subcommand_without_importing_them() -> None:
    probe = (
        "import sys\n"
        "from qsmith.cli.main import cli, SUBCOMMANDS\n"
        "cli.list_commands(None)\n"
        "mods = {v.split(':')[0] for v in SUBCOMMANDS.values()}\n"
        "print(sorted(m for m in mods if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in SUBCOMMANDS:
        assert name in result.output


def test_codegen_all_reports_what_it_read_and_finding_no_model_is_an_error() -> None:
    result = CliRunner().invoke(
        cli, ["codegen", "--all", "--models", "does-not-exist", "--out", "x"]
    )
    assert result.exit_code == 1, result.output
    assert "0 model file(s) read" in result.output
    assert "no model found in does-not-exist/" in result.output

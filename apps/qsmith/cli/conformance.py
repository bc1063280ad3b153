"""``qsmith conformance``: where qsmith stands on the field's own test suites.

Prints one line per suite — ``restJson1: N passed, M failed, K known failures``, then
awsJson1_0, awsJson1_1, sigv4, eventstream and endpoints — and then each failing case
with the reason. Exits 1 when any case fails that is not a known failure. The protocol
suites run through clients generated from the Smithy protocol-test models into a
temporary folder. ``--shared`` names the test data folder (default ``$QSMITH_SHARED``,
else ``../shared``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _default_shared() -> Path:
    return Path(os.environ.get("QSMITH_SHARED") or "../shared")


@click.command()
@click.option(
    "--shared",
    "shared",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Shared test data folder (default: $QSMITH_SHARED, else ../shared).",
)
def conformance(shared: Path | None) -> None:
    """Run the protocol, SigV4, event stream and endpoint suites; print the tally.

    Needs the codegen extra: pip install 'qsmith[codegen]'.

    \b
    Example:
      qsmith conformance --shared ../shared
    """
    from qsmith.codegen.conformance import format_reports, run_all

    folder = shared or _default_shared()
    if not folder.is_dir():
        raise click.ClickException(
            f"shared test data missing: {folder} is not a folder; name it with --shared DIR "
            "(or set $QSMITH_SHARED)"
        )
    reports = run_all(folder)
    click.echo(format_reports(reports))
    if any(report.failed for report in reports):
        sys.exit(1)

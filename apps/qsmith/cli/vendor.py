"""``qsmith vendor``: copy clients and the runtime they need into your own package."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("services", nargs=-1, required=True)
@click.option(
    "--package",
    required=True,
    help="Dotted package to vendor into, e.g. myproject._vendor.q.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder the package path starts from (your project's source root).",
)
@click.option("--service", "service_id", help="Service shape id, for a model file naming several.")
@click.option("--with-testing", is_flag=True, help="Also vendor qsmith.testing (loopback server).")
def vendor(
    services: tuple[str, ...],
    package: str,
    out_dir: Path,
    service_id: str | None,
    with_testing: bool,
) -> None:
    """Vendor SERVICES (shipped client names, or model files) into --package.

    The result imports only the standard library and httpx: no qsmith install needed.
    Needs the codegen extra: pip install 'qsmith[codegen]'.

    \b
    Example:
      qsmith vendor codewhisperer-streaming --package myproject._vendor.q --out src
    """
    from qsmith.codegen.vendor import vendor as vendor_clients

    report = vendor_clients(
        list(services), package, out_dir, service_id=service_id, with_testing=with_testing
    )
    click.echo(report.summary())

"""Generate the protocol-test services into a scratch folder, importable as qsmith.clients.*.

The Smithy protocol tests are run through generated code — the schema constants,
classes and clients ``qsmith codegen`` would write — so they test the generator as
much as the runtime. Packages are named ``protocoltest_<service>`` so they never
collide with the shipped clients, and are made importable by adding the scratch folder
to ``qsmith.clients.__path__`` for as long as they are needed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from qsmith.codegen.conformance.protocol_cases import PROTOCOLS
from qsmith.codegen.conformance.protocol_models import suite_model, suite_source
from qsmith.codegen.formatting import format_many
from qsmith.codegen.naming import module_name
from qsmith.codegen.plan.build import build_service_plan
from qsmith.codegen.render import render_unformatted, write_package

__all__ = [
    "CLIENTS_SUBDIR",
    "generate_protocol_clients",
    "importable_clients",
    "package_name",
    "schema_module",
]

CLIENTS_SUBDIR = Path("qsmith") / "clients"
PACKAGE_PREFIX = "protocoltest_"


def package_name(service_id: str) -> str:
    return PACKAGE_PREFIX + module_name(service_id.rpartition("#")[2])


def generate_protocol_clients(
    shared: Path, out_root: Path, *, black: bool = True, cache_dir: Path | None = None
) -> dict[str, str]:
    """Write every protocol-test service to ``out_root/qsmith/clients/<package>/``.

    Returns service id -> package name. ``black`` formats the files as ``qsmith codegen``
    does; formatting never changes what the code does, so a quick run may leave it off.
    """
    rendered: dict[str, dict[str, str]] = {}
    packages: dict[str, str] = {}
    for protocol, (_, service_ids) in PROTOCOLS.items():
        if not suite_source(shared, protocol).exists():
            continue  # its cases are not collected either (an older copy of shared/)
        model = suite_model(shared, protocol)
        for service_id in service_ids:
            package = package_name(service_id)
            rendered[package] = render_unformatted(build_service_plan(model, service_id, package))
            packages[service_id] = package
    if black:
        keys = [(p, n) for p, files in rendered.items() for n in files if n.endswith(".py")]
        formatted = format_many([rendered[p][n] for p, n in keys], cache_dir)
        for (package, name), text in zip(keys, formatted, strict=True):
            rendered[package][name] = text
    clients = out_root / CLIENTS_SUBDIR
    clients.mkdir(parents=True, exist_ok=True)
    # A marker so mypy (given out_root on its path) sees qsmith.clients as a package here too.
    (clients / "__init__.py").write_text('"""Scratch protocol-test clients."""\n')
    for package, files in rendered.items():
        write_package(files, clients / package)
    return packages


@contextmanager
def importable_clients(out_root: Path) -> Iterator[None]:
    """Make the scratch packages importable as ``qsmith.clients.<package>`` meanwhile."""
    import qsmith.clients

    folder = str(out_root / CLIENTS_SUBDIR)
    qsmith.clients.__path__.append(folder)
    try:
        yield
    finally:
        qsmith.clients.__path__.remove(folder)
        for name in [n for n in sys.modules if n.startswith(f"qsmith.clients.{PACKAGE_PREFIX}")]:
            del sys.modules[name]


def schema_module(packages: Mapping[str, str], service_id: str) -> ModuleType:
    """The generated ``_schema`` module of a protocol-test service."""
    return importlib.import_module(f"qsmith.clients.{packages[service_id]}._schema")

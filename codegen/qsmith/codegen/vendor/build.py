"""``qsmith vendor``: clients plus exactly the runtime they need, under the user's package.

Layout of ``--package myproject._vendor.q --out DIR`` (see docs/design/vendoring.md)::

    DIR/myproject/_vendor/q/__init__.py      what was vendored, from which qsmith, REQUIRES
    DIR/myproject/_vendor/q/py.typed
    DIR/myproject/_vendor/q/runtime/...      qsmith.runtime.* -> myproject._vendor.q.runtime.*
    DIR/myproject/_vendor/q/testing/...      qsmith.testing.* (only with ``with_testing``)
    DIR/myproject/_vendor/q/<client>/...     qsmith.clients.<client> -> myproject._vendor.q.<client>

A client is a shipped one (``codewhisperer-streaming``), or a model file (JSON AST or
IDL) generated for the occasion. The package folder is replaced as a whole on each run,
and only if an earlier ``qsmith vendor`` wrote it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from qsmith.codegen.formatting import DEFAULT_CACHE_DIR
from qsmith.codegen.model import load_model
from qsmith.codegen.naming import module_name
from qsmith.codegen.own_models import check_module_name, choose_service, render_service
from qsmith.codegen.vendor.closure import Source, import_closure
from qsmith.codegen.vendor.imports import module_files
from qsmith.codegen.vendor.rewrite import leftover_problems, rewrite_source, rewriter
from qsmith.runtime.errors import CodegenError

RUNTIME = "qsmith.runtime"
TESTING = "qsmith.testing"
SHIPPED_CLIENTS = "qsmith.clients"
MARKER = 'VENDORED_BY = "qsmith'
MODEL_SUFFIXES = (".json", ".smithy")


@dataclass
class VendoredClient:
    name: str  # the sub-package under the vendor package
    origin: str  # the dotted package its sources import themselves as
    files: dict[str, str]


@dataclass
class VendorReport:
    package: str
    directory: Path
    clients: list[str] = field(default_factory=list)
    runtime_modules: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"vendored {', '.join(self.clients)} into {self.package} ({self.directory}): "
            f"{len(self.runtime_modules)} runtime module(s), {len(self.files)} file(s); "
            f"requires {', '.join(self.requires) or 'nothing'}"
        )


def vendor(
    services: list[str],
    package: str,
    out_dir: Path,
    *,
    service_id: str | None = None,
    with_testing: bool = False,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> VendorReport:
    """Write the clients named by ``services`` and their runtime closure under ``package``."""
    check_module_name(package)
    clients = [_client(s, package, service_id, cache_dir) for s in services]
    _check_names([c.name for c in clients])
    files, report = _vendored_files(clients, package, with_testing)
    problems = leftover_problems(files, package)
    if problems:
        raise CodegenError(
            "vendored code would still depend on qsmith:\n  " + "\n  ".join(problems)
        )
    report.directory = out_dir.joinpath(*package.split("."))
    _replace_tree(report.directory)
    for relative, text in sorted(files.items()):
        path = report.directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        report.files.append(path)
    return report


def _vendored_files(
    clients: list[VendoredClient], package: str, with_testing: bool
) -> tuple[dict[str, str], VendorReport]:
    """Relative path -> rewritten text of every file, and the report (directory unset)."""
    available = module_files(RUNTIME) | module_files(TESTING)
    roots = (RUNTIME, TESTING) if with_testing else (RUNTIME,)
    starts = [_source(c.origin, name, text) for c in clients for name, text in c.files.items()]
    if with_testing:
        starts += [_file_source(m, p) for m, p in available.items() if m.startswith(TESTING)]
    closure = import_closure(starts, available, roots, internal=tuple(c.origin for c in clients))
    if with_testing:
        closure.modules |= {m: p for m, p in available.items() if m.startswith(TESTING)}
    renames = {RUNTIME: f"{package}.runtime", TESTING: f"{package}.testing"}
    renames |= {c.origin: f"{package}.{c.name}" for c in clients}
    pattern = rewriter(renames)
    files: dict[str, str] = {}
    for module, path in sorted(closure.modules.items()):
        relative = _relative_path(module, path.name == "__init__.py")
        files[relative] = rewrite_source(path.read_text(encoding="utf-8"), pattern, renames)
    for client in clients:
        for name, text in client.files.items():
            files[f"{client.name}/{name}"] = rewrite_source(text, pattern, renames)
    # The clients import through the user's own package: that is no third-party need.
    requires = _distributions(closure.third_party - {package.split(".")[0]})
    report = VendorReport(package, Path(), [c.name for c in clients], sorted(closure.modules))
    report.requires = requires
    files["__init__.py"] = _root_init(package, report)
    files["py.typed"] = ""
    return files, report


def _client(
    service: str, package: str, service_id: str | None, cache_dir: Path | None
) -> VendoredClient:
    if service.endswith(MODEL_SUFFIXES) and Path(service).is_file():
        model = load_model(Path(service))
        chosen = choose_service(model, service_id)
        name = module_name(Path(service).stem)
        origin = f"{package}.{name}"
        return VendoredClient(name, origin, render_service(model, chosen, origin, cache_dir))
    name = module_name(service)
    origin = f"{SHIPPED_CLIENTS}.{name}"
    spec = importlib.util.find_spec(origin)
    if spec is None or spec.origin is None:
        raise CodegenError(
            f"{service!r} is neither a model file nor a shipped client; shipped clients: "
            + ", ".join(_shipped_clients())
        )
    folder = Path(spec.origin).parent
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if _part(p)}
    return VendoredClient(name, origin, files)


def _part(path: Path) -> bool:
    return path.is_file() and (path.suffix == ".py" or path.name == "py.typed")


def _shipped_clients() -> list[str]:
    spec = importlib.util.find_spec(SHIPPED_CLIENTS)
    locations = spec.submodule_search_locations if spec else None
    return sorted(
        p.name
        for loc in locations or []
        for p in Path(loc).iterdir()
        if (p / "client.py").is_file()
    )


def _check_names(names: list[str]) -> None:
    for name in names:
        if name in ("runtime", "testing") or names.count(name) > 1:
            raise CodegenError(f"client {name!r} would collide with another vendored package")


def _source(origin: str, name: str, text: str) -> Source:
    stem = name.removesuffix(".py")
    module = origin if stem == "__init__" else f"{origin}.{stem}"
    return Source(module, text if name.endswith(".py") else "", stem == "__init__", name)


def _file_source(module: str, path: Path) -> Source:
    return Source(module, path.read_text(encoding="utf-8"), path.name == "__init__.py", str(path))


def _relative_path(module: str, is_package: bool) -> str:
    parts = module.split(".")[1:]  # qsmith.runtime.x -> runtime/x
    return "/".join(parts) + ("/__init__.py" if is_package else ".py")


def _distributions(imports: set[str]) -> list[str]:
    """Distribution names of the third-party top-level packages (the name itself if unknown)."""
    owners = importlib.metadata.packages_distributions()
    return sorted({dist for name in imports for dist in owners.get(name, [name])})


def _root_init(package: str, report: VendorReport) -> str:
    try:
        version = importlib.metadata.version("qsmith")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    single = len(report.clients) == 1
    shortcut = f"    from {package} import Client  # the same class\n" if single else ""
    example = f"    from {package}.{report.clients[0]} import Client\n" if report.clients else ""
    text = (
        f'"""qsmith clients and runtime, vendored into {package}.\n\n{example}{shortcut}\n'
        "Written by `qsmith vendor`; do not edit: run the command again to update.\n"
        f'Third-party packages needed: {", ".join(report.requires) or "none"}.\n"""\n\n'
    )
    if single:
        text += _CLIENT_IMPORTS.format(client=f"{package}.{report.clients[0]}")
    text += (
        f'{MARKER} {version}"\n'
        f"CLIENTS = {_tuple_source(report.clients)}\n"
        f"REQUIRES = {_tuple_source(report.requires)}\n"
    )
    return text + (_CLIENT_SHORTCUT if single else "")


# With one client vendored, ``from PACKAGE import Client`` works, loading it on first use.
_CLIENT_IMPORTS = """from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from {client} import AsyncClient, Client

__all__ = ["AsyncClient", "Client"]

"""
_CLIENT_SHORTCUT = '''

def __getattr__(name: str) -> object:
    """``Client`` and ``AsyncClient`` of the one vendored client, imported on first use."""
    if name in ("Client", "AsyncClient"):
        return getattr(importlib.import_module(f"{__name__}.{CLIENTS[0]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
'''


def _tuple_source(names: list[str]) -> str:
    """A tuple of strings as black writes it."""
    return "(" + ", ".join(f'"{n}"' for n in names) + ("," if len(names) == 1 else "") + ")"


def _replace_tree(directory: Path) -> None:
    """Remove an earlier vendoring at ``directory``; refuse to touch anything else."""
    if not directory.exists():
        return
    init = directory / "__init__.py"
    if init.is_file() and MARKER in init.read_text(encoding="utf-8"):
        shutil.rmtree(directory)
        return
    if any(directory.iterdir()):
        raise CodegenError(
            f"{directory} exists and was not written by `qsmith vendor`; "
            "choose another --package or --out"
        )

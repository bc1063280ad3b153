"""Generate the client of one service of any model into a package the caller names.

``qsmith codegen MODEL... --service ID --package NAME --out DIR`` and the Smithy build
``run::`` plugin both land here. The package is a full dotted name (``myproject.clients.
weather``); the generated modules import one another through it, and the files are written
to ``DIR/myproject/clients/weather/``. Parent folders get no ``__init__.py``: they belong to
the user's project (and work as namespace packages when they have none).
"""

from __future__ import annotations

import importlib.metadata
import keyword
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qsmith.codegen.formatting import DEFAULT_CACHE_DIR, format_many
from qsmith.codegen.model import Model, ModelIndex, load_model
from qsmith.codegen.model.loader import ModelSource
from qsmith.codegen.naming import module_name
from qsmith.codegen.plan.build import build_service_plan
from qsmith.codegen.render import render_unformatted, write_package
from qsmith.runtime.errors import CodegenError
from qsmith.runtime.protocols import PROTOCOLS


@dataclass
class GeneratedPackage:
    """What one generation produced: the service, its package and where it went."""

    service_id: str
    module: str
    directory: Path
    files: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    requires: str = ""

    def summary(self) -> str:
        return (
            f"{self.service_id} -> {self.module} ({self.directory}): "
            f"{len(self.files)} file(s), {len(self.written)} written; needs {self.requires}"
        )


PRELUDE_NAMESPACE = "smithy.api#"

# The one distribution a generated client needs; written beside it as requirements.txt.
RUNTIME_DISTRIBUTION = "qsmith-runtime"
REQUIREMENTS_FILE = "requirements.txt"


def runtime_requirement() -> str:
    """The runtime release series this generator's output is written against."""
    try:
        version = importlib.metadata.version(RUNTIME_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return RUNTIME_DISTRIBUTION
    return f"{RUNTIME_DISTRIBUTION}~={version}"


def without_prelude(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the prelude's shapes, which Smithy's run plugin sends when
    ``sendPrelude`` is set: the loader has the prelude built in, and a model file that
    redefines a prelude shape is an error."""
    shapes = document.get("shapes")
    if not isinstance(shapes, dict):
        return document
    kept = {k: v for k, v in shapes.items() if not k.startswith(PRELUDE_NAMESPACE)}
    return {**document, "shapes": kept}


def check_module_name(module: str) -> str:
    """``module`` if it is a dotted Python package name; a CodegenError saying why not."""
    parts = module.split(".")
    bad = [p for p in parts if not p.isidentifier() or keyword.iskeyword(p)]
    if bad:
        raise CodegenError(
            f"package {module!r} is not a dotted Python name: "
            + ", ".join(repr(p) for p in bad)
            + " cannot be a module name"
        )
    return module


def choose_service(model: Model, service_id: str | None) -> str:
    """The service to generate: ``service_id``, or the model's only service."""
    index = ModelIndex(model)
    services = sorted(s.id for s in model.services() if not s.is_prelude)
    if service_id is not None:
        if service_id not in services:
            raise CodegenError(
                f"service {service_id!r} is not in the model; it has: "
                + (", ".join(services) or "no service")
            )
        chosen = service_id
    elif len(services) == 1:
        chosen = services[0]
    else:
        raise CodegenError(
            "the model has "
            + (f"{len(services)} services" if services else "no service")
            + "; name one with --service: "
            + ", ".join(services)
        )
    protocols = index.protocols(chosen)
    if not any(p in PROTOCOLS for p in protocols):
        raise CodegenError(
            f"{chosen} speaks {', '.join(protocols) or 'no protocol'}; qsmith generates "
            f"clients for {', '.join(sorted(PROTOCOLS))}"
        )
    return chosen


def render_service(
    model: Model, service_id: str, module: str, cache_dir: Path | None
) -> dict[str, str]:
    """File name -> formatted source of the client package of ``service_id``."""
    plan = build_service_plan(model, service_id, module.rpartition(".")[2], module=module)
    files = render_unformatted(plan)
    names = [n for n in sorted(files) if n.endswith(".py")]
    for name, text in zip(names, format_many([files[n] for n in names], cache_dir), strict=True):
        files[name] = text
    return files


def generate_service(
    sources: ModelSource | list[ModelSource],
    out_dir: Path,
    *,
    service_id: str | None = None,
    module: str | None = None,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> GeneratedPackage:
    """Load the model, generate one service's client as ``module``, write it under ``out_dir``.

    ``module`` defaults to the service name in snake case (a top-level package).
    """
    model = load_model(sources)
    chosen = choose_service(model, service_id)
    module = check_module_name(module or module_name(model.shape(chosen).name))
    files = render_service(model, chosen, module, cache_dir)
    requires = runtime_requirement()
    files[REQUIREMENTS_FILE] = (
        f"# What {module} needs at run time (pip install -r this file).\n{requires}\n"
    )
    directory = out_dir.joinpath(*module.split("."))
    written = write_package(files, directory)
    return GeneratedPackage(chosen, module, directory, files, written, requires)

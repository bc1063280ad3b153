"""The public API of every generated client, as a syrupy snapshot per service.

A generator change that renames, drops or retypes anything a user can reach (exported
names of the package, its ``models`` and ``errors``; every public method of ``Client``
and ``AsyncClient`` with its signature) changes a snapshot, so it is seen in review.
Refresh on purpose with ``pytest tests/codegen/test_api_surface.py --snapshot-update``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

import qsmith.clients

SERVICES = sorted(m.name for m in pkgutil.iter_modules(qsmith.clients.__path__) if m.ispkg)
KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "",
    inspect.Parameter.KEYWORD_ONLY: "",
    inspect.Parameter.VAR_POSITIONAL: "*",
    inspect.Parameter.VAR_KEYWORD: "**",
}


def _annotation(value: Any) -> str:
    """Annotations as the source writes them (generated modules defer them: strings)."""
    return value if isinstance(value, str) else inspect.formatannotation(value)


def _signature(function: Callable[..., Any]) -> str:
    parts: list[str] = []
    keyword_only_marked = False
    for parameter in inspect.signature(function).parameters.values():
        kind = parameter.kind
        if kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only_marked:
            parts.append("*")
        keyword_only_marked |= kind in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.VAR_POSITIONAL,
        )
        text = KINDS[kind] + parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {parameter.default!r}"
        parts.append(text)
    returns = inspect.signature(function).return_annotation
    arrow = "" if returns is inspect.Signature.empty else f" -> {_annotation(returns)}"
    # One parameter a line, so that a snapshot diff points at the parameter that changed.
    return "(\n" + "".join(f"      {p},\n" for p in parts) + f"  ){arrow}"


def _class_surface(cls: type) -> list[str]:
    """The constructor, then every public method and property (inherited ones included)."""
    bases = ", ".join(b.__qualname__ for b in cls.__bases__)
    lines = [f"class {cls.__name__}({bases}):"]
    init = vars(cls)["__init__"]  # the generated class's own, not a base's
    lines.append(f"  def __init__{_signature(init)}")
    for name, member in sorted(inspect.getmembers(cls)):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            getter = member.fget
            returns = inspect.signature(getter).return_annotation if getter else None
            lines.append(f"  property {name}: {_annotation(returns)}")
        elif inspect.isfunction(member):
            prefix = "async def" if inspect.iscoroutinefunction(member) else "def"
            lines.append(f"  {prefix} {name}{_signature(member)}")
        else:
            lines.append(f"  attribute {name}: {type(member).__name__}")
    protocols = [m for m in ("__enter__", "__exit__", "__aenter__", "__aexit__") if hasattr(cls, m)]
    lines.append(f"  supports: {', '.join(protocols) or 'no context manager'}")
    return lines


def _exports(module: ModuleType, label: str) -> list[str]:
    names: list[str] = list(module.__all__)
    return [f"{label}.__all__ ({len(names)}):", *(f"  {n}" for n in names)]


def api_surface(service: str) -> str:
    package = importlib.import_module(f"qsmith.clients.{service}")
    lines = [f"qsmith.clients.{service}"]
    lines += _exports(package, "package")
    for submodule in ("models", "errors"):
        lines += _exports(importlib.import_module(f"{package.__name__}.{submodule}"), submodule)
    lines += _class_surface(package.Client)
    lines += _class_surface(package.AsyncClient)
    return "\n".join(lines) + "\n"


def test_every_service_is_found() -> None:
    assert SERVICES == [
        "codewhisperer",
        "codewhisperer_streaming",
        "cognito_identity",
        "consolas",
        "qdeveloper_streaming",
        "sso_oidc",
        "sts",
        "toolkit_telemetry",
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_exported_names_resolve(service: str) -> None:
    """Every name in each ``__all__`` is really there (the package loads them lazily)."""
    package = importlib.import_module(f"qsmith.clients.{service}")
    for module in (
        package,
        *(importlib.import_module(f"{package.__name__}.{s}") for s in ("models", "errors")),
    ):
        assert list(module.__all__) == sorted(set(module.__all__)), module.__name__
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        assert missing == [], f"{module.__name__} exports missing names {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_client_methods_pair_up(service: str) -> None:
    """Client and AsyncClient offer the same operations, async ones as coroutines."""
    package = importlib.import_module(f"qsmith.clients.{service}")
    sync = {n: m for n, m in inspect.getmembers(package.Client, inspect.isfunction)}
    aio = {n: m for n, m in inspect.getmembers(package.AsyncClient, inspect.isfunction)}
    operations = sorted(n for n in sync if not n.startswith("_") and n != "close")
    assert operations, f"{service}: Client has no operation methods"
    for name in operations:
        assert name in aio, f"{service}: AsyncClient lacks {name}"
        assert inspect.signature(sync[name]).parameters == inspect.signature(aio[name]).parameters


@pytest.mark.parametrize("service", SERVICES)
def test_api_surface(service: str, snapshot: SnapshotAssertion) -> None:
    first = api_surface(service)
    assert first == api_surface(service)  # the text does not depend on import state
    assert first == snapshot

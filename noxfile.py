"""Conveniences that mirror the make targets; `make test` stays the source of truth."""

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
CODE = ["runtime", "codegen", "generated", "apps"]


@nox.session
def lint(session: nox.Session) -> None:
    session.install("-e", "./runtime", "-e", ".[codegen,dev]")
    session.run("ruff", "check", *CODE, "tests", "benchmarks", "noxfile.py")
    session.run("black", "--check", *CODE, "tests", "benchmarks", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", "./runtime", "-e", ".[codegen,dev]")
    session.run("mypy", "--strict", *(f"{d}/qsmith" for d in CODE))


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", "./runtime", "-e", ".[codegen,dev]")
    session.run("pytest", *session.posargs)


@nox.session
def codegen(session: nox.Session) -> None:
    session.install("-e", "./runtime", "-e", ".[codegen]")
    session.run("qsmith", "codegen", "--all", "--models", "models", "--out", "generated")

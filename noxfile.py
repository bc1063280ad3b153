"""Conveniences that mirror the make targets; `make test` stays the source of truth.

`nox -s tests` runs the suite once per supported Python (3.11, 3.12, 3.13), skipping an
interpreter this machine does not have (it says so); `nox -s tests-3.13` picks one.
"""

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.error_on_missing_interpreters = False
CODE = ["runtime", "codegen", "generated", "apps"]
PYTHONS = ["3.11", "3.12", "3.13"]
INSTALL = ["-e", "./runtime", "-e", ".[codegen,dev]"]


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("ruff", "check", *CODE, "tests", "benchmarks", "tools", "noxfile.py")
    session.run("black", "--check", *CODE, "tests", "benchmarks", "tools", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("mypy", "--strict", *(f"{d}/qsmith" for d in CODE))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run(
        "pytest", "-n", "auto", "--dist", "loadscope", "--no-loadscope-reorder", *session.posargs
    )


@nox.session
def codegen(session: nox.Session) -> None:
    session.install("-e", "./runtime", "-e", ".[codegen]")
    session.run("qsmith", "codegen", "--all", "--models", "models", "--out", "generated")

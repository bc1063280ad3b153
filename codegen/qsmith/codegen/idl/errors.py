"""The error an IDL file raises when it cannot be read: file, line and column."""

from __future__ import annotations

from qsmith.runtime.errors import ModelError, ModelProblem

__all__ = ["IdlError", "located"]


def located(file: str, line: int, column: int, message: str) -> str:
    """``"line 3, column 7: message"``: the message part of a located problem."""
    return f"line {line}, column {column}: {message}"


class IdlError(ModelError):
    """A Smithy IDL file is malformed (syntax, unresolvable reference, bad statement).

    ``file``, ``line`` and ``column`` (both 1-based) locate the problem; ``problems``
    holds one :class:`ModelProblem` saying the same, so it reads like any model error.
    """

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = message
        super().__init__([ModelProblem(located(file, line, column, message), file=file)])

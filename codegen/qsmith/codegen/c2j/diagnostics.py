"""Warnings and problems collected while converting one C2J file.

A conversion never stops at the first problem: every malformed place is collected and raised
together as one ``ModelError`` naming the file and shape, so a user fixes their input in one pass.
Keys the converter does not understand become warnings; none is dropped without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qsmith.runtime.errors import ModelError, ModelProblem


@dataclass(frozen=True, order=True)
class ConversionWarning:
    """Something in the input that the Smithy output does not carry (or carries approximately)."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


@dataclass
class Diagnostics:
    """Collects warnings and problems for one input file."""

    file: str
    warnings: list[ConversionWarning] = field(default_factory=list)
    problems: list[ModelProblem] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(ConversionWarning(self.file, where, message))

    def problem(self, where: str, message: str) -> None:
        self.problems.append(ModelProblem(message, file=self.file, shape_id=where))

    def unknown_keys(self, where: str, data: dict[str, object], known: frozenset[str]) -> None:
        """Warn once per key of ``data`` that the converter has no rule for."""
        for key in sorted(set(data) - known):
            shown = repr(data[key])
            if len(shown) > 80:
                shown = shown[:77] + "..."
            self.warn(where, f"unsupported C2J key {key!r} (value {shown}) is not converted")

    def absorb(self, other: Diagnostics) -> None:
        """Take over another file's findings (the paginators file beside the model)."""
        self.warnings.extend(other.warnings)
        self.problems.extend(other.problems)

    def raise_if_problems(self) -> None:
        if self.problems:
            raise ModelError(self.problems)

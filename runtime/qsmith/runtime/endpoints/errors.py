"""Errors raised while loading a rule set or resolving an endpoint.

Endpoint resolution fails because of how the client is configured (region, FIPS,
dual-stack, a custom endpoint URL), and it fails before any request is built, so
``EndpointResolutionError`` is a ``ConfigError``: a user who catches configuration
mistakes catches these too. A malformed rule set is a defect of the service model the
client was generated from, so ``RuleSetError`` is a ``ModelError`` naming the place in
the rule set that is wrong.
"""

from __future__ import annotations

from qsmith.runtime.errors import ConfigError, ModelError, ModelProblem


class EndpointResolutionError(ConfigError):
    """The rule set selected an error rule, or no rule matched.

    ``message`` is the rule set's own text (for an error rule, exactly what the rule says).
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"cannot resolve the endpoint: {message}")


class EndpointParameterError(EndpointResolutionError):
    """An endpoint parameter is missing, unknown or of the wrong type; ``name`` names it."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(message)


class EndpointConfigError(ConfigError):
    """An endpoint override (argument, environment, config file) or a region is invalid."""


class RuleSetError(ModelError):
    """A rule set document is malformed; ``path`` locates the bad part (``rules[2].conditions[0]``)."""

    def __init__(self, path: str, message: str, *, source: str | None = None) -> None:
        self.path = path
        self.detail = message
        where = f"endpoint rule set at {path}" if path else "endpoint rule set"
        super().__init__([ModelProblem(f"{where}: {message}", file=source)])

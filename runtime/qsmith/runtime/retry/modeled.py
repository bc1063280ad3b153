"""A service's own retry rules, read from its model's ``qsmith.customizations#retryRules``.

The trait is a list of rules; each names the fields it matches (``status``, ``code``,
``reason``, ``messageContains`` — a case-insensitive substring of the message) and the
``kind`` to force (``notRetryable``, ``throttling`` or ``transient``). A rule matches
when every field it names matches; the first matching rule wins.
"""

from __future__ import annotations

from collections.abc import Mapping

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry.classify import ErrorKind, ServiceRetryRule

__all__ = ["KINDS", "ModeledRetryRule", "rules_from_trait"]

KINDS = {
    "notRetryable": ErrorKind.NOT_RETRYABLE,
    "throttling": ErrorKind.THROTTLING,
    "transient": ErrorKind.TRANSIENT,
}
_FIELDS = frozenset({"status", "code", "reason", "messageContains", "kind"})


class ModeledRetryRule:
    """One rule of the trait, callable as a ``ServiceRetryRule``."""

    def __init__(self, rule: Mapping[str, object], where: str) -> None:
        unknown = set(rule) - _FIELDS
        kind = rule.get("kind")
        if unknown or not isinstance(kind, str) or kind not in KINDS or len(rule) < 2:
            raise ConfigError(
                f"{where}: a retry rule needs 'kind' ({', '.join(KINDS)}) and at least one of "
                f"status, code, reason, messageContains; got {dict(rule)!r}"
            )
        self.kind = KINDS[kind]
        self.status = rule.get("status")
        self.code = rule.get("code")
        self.reason = rule.get("reason")
        contains = rule.get("messageContains")
        self.contains = contains.lower() if isinstance(contains, str) else None

    def __call__(
        self, status: int, code: str | None, reason: str | None, message: str | None
    ) -> ErrorKind | None:
        if self.status is not None and status != self.status:
            return None
        if self.code is not None and code != self.code:
            return None
        if self.reason is not None and reason != self.reason:
            return None
        if self.contains is not None and (message is None or self.contains not in message.lower()):
            return None
        return self.kind


def rules_from_trait(value: object, service: str) -> tuple[ServiceRetryRule, ...]:
    """The rules of a ``retryRules`` trait value (a list of rule objects)."""
    where = f"{service}: qsmith.customizations#retryRules"
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{where} must be a list of rules, got {value!r}")
    rules: list[ServiceRetryRule] = []
    for index, rule in enumerate(value):
        if not isinstance(rule, Mapping):
            raise ConfigError(f"{where}[{index}] must be an object, got {rule!r}")
        rules.append(ModeledRetryRule(rule, f"{where}[{index}]"))
    return tuple(rules)

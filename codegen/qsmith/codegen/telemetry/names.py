"""Python names for telemetry definition names: snake_case functions and parameters,
PascalCase enum classes, UPPER_CASE enum members."""

from __future__ import annotations

import keyword
import re

__all__ = ["class_name", "member_name", "snake_name"]

# A boundary before an upper-case letter that follows a lower-case letter or digit, and before
# the last capital of an acronym followed by lower case ("SSOLogin" -> "SSO_Login").
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")


def _words(name: str) -> list[str]:
    return [w for part in _NOT_WORD.split(name) for w in _BOUNDARY.split(part) if w]


def _safe(name: str) -> str:
    if not name:
        name = "empty"
    if name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


def snake_name(name: str) -> str:
    """``amazonq_endChat`` -> ``amazonq_end_chat``; ``amazonQProfileRegion`` ->
    ``amazon_q_profile_region``."""
    return _safe("_".join(w.lower() for w in _words(name)))


def class_name(name: str) -> str:
    """``codewhispererterminal_command`` -> ``CodewhispererterminalCommand``."""
    return _safe("".join(w[0].upper() + w[1:] for w in _words(name)))


def member_name(value: str | int | float) -> str:
    """``Succeeded`` -> ``SUCCEEDED``; ``nodejs20.x`` -> ``NODEJS20_X``; ``3`` -> ``V_3``."""
    text = "_".join(w.upper() for w in _words(str(value)))
    if not text or text[0].isdigit():
        text = "V_" + text if text else "EMPTY"
    return _safe(text)

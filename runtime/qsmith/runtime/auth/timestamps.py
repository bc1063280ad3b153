"""Parsing the expiry timestamps identity sources write (RFC 3339 / ISO 8601, UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_timestamp", "parse_timestamp"]


def parse_timestamp(text: str) -> datetime:
    """Parse ``2024-01-01T00:00:00Z`` (also with fractions, offsets or a ``UTC`` suffix).

    Raises ``ValueError`` naming the text; callers wrap it with the file or source.
    """
    cleaned = text.strip()
    if cleaned.endswith("UTC"):
        cleaned = cleaned[:-3].strip() + "+00:00"
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """``2024-01-01T00:00:00Z`` as the AWS CLI writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Schema-driven serialization shared by every protocol (JSON codec, wire scalars)."""

from qsmith.runtime.errors import QsmithError

__all__ = ["SerdeError"]


class SerdeError(QsmithError):
    """A response (or event) could not be decoded into the shape its schema describes."""

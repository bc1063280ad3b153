"""Schema-driven serialization shared by every protocol (JSON codec, wire scalars)."""

from qsmith.runtime.errors import QsmithError

__all__ = ["MissingInitialResponseMemberError", "SerdeError"]


class SerdeError(QsmithError):
    """A response (or event) could not be decoded into the shape its schema describes."""


class MissingInitialResponseMemberError(SerdeError):
    """An event stream's initial response lacks a member the output requires.

    Raised under restJson1, where the HTTP response of a streaming call is its initial
    response and a required output member bound to a header must arrive in that header
    (see ``docs/design/initial-response.md``). Names the operation, the member and the
    header; never a value.
    """

    def __init__(self, operation: str, member: str, header: str) -> None:
        super().__init__(
            f"{operation}: the event stream's initial response lacks the required output "
            f"member {member!r} (HTTP header {header!r})"
        )
        self.operation = operation
        self.member = member
        self.header = header

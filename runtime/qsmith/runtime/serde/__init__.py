"""Schema-driven serialization shared by every protocol (JSON codec, wire scalars)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qsmith.runtime.errors import QsmithError

if TYPE_CHECKING:
    from qsmith.runtime.schema import MemberSchema

__all__ = ["JsonNestingError", "MissingInitialResponseMemberError", "SerdeError", "must_arrive"]


class SerdeError(QsmithError):
    """A response (or event) could not be decoded into the shape its schema describes.

    ``context`` says where it was read (the operation, the event stream message), as far
    as the layers it passed through knew; the message starts with it.
    """

    context: tuple[str, ...] = ()

    def within(self, where: str) -> SerdeError:
        """Prefix the place the error was raised in (the outer layer adds the outer place)."""
        self.context = (where, *self.context)
        self.args = (f"{where}: {self.args[0]}" if self.args else where, *self.args[1:])
        return self


class JsonNestingError(SerdeError):
    """JSON (a body, an event payload, a header document) nests deeper than
    ``qsmith.runtime.serde.json.MAX_JSON_DEPTH``; ``where`` names what was being read."""

    def __init__(self, where: str, limit: int) -> None:
        super().__init__(f"{where}: JSON nests deeper than {limit} levels")
        self.where = where
        self.limit = limit


class MissingInitialResponseMemberError(SerdeError):
    """An event stream's initial response lacks a member the output requires.

    The initial response is the HTTP response's headers under restJson1 and the
    ``initial-response`` event under awsJson; a required member it lacks fails the call
    under both (see ``docs/design/initial-response.md``). Names the operation, the member
    and where it was expected (``header``, None for the event); never a value.
    """

    def __init__(self, operation: str, member: str, header: str | None = None) -> None:
        where = f"HTTP header {header!r}" if header else "the initial-response event"
        super().__init__(
            f"{operation}: the event stream's initial response lacks the required output "
            f"member {member!r} ({where})"
        )
        self.operation = operation
        self.member = member
        self.header = header


def must_arrive(member: MemberSchema) -> bool:
    """Whether a stream's initial response must carry ``member``: ``@required``, not
    ``@clientOptional``, without a default (such a member is never zero-filled)."""
    return member.required and not member.client_optional and not member.has_default

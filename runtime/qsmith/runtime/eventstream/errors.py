"""The event stream error family: what went wrong, and where in the stream.

    EventStreamError (qsmith.runtime.errors)
    ├── EventStreamFault: knows message_index, offset, header (each when known)
    │   ├── EventStreamFormatError: the bytes are not a valid event stream
    │   │   ├── ChecksumMismatchError: PreludeChecksumMismatchError, MessageChecksumMismatchError
    │   │   ├── InvalidMessageLengthError, InvalidHeadersLengthError (HeadersTooLongError),
    │   │   │   PayloadTooLongError
    │   │   ├── InvalidHeaderNameError, InvalidHeaderTypeError, InvalidHeaderValueError,
    │   │   │   DuplicateHeaderError
    │   │   └── TruncatedMessageError, TrailingBytesError
    │   └── EventStreamProtocolError: well-formed messages breaking the Smithy rules
    └── UnmodeledStreamError (also a ServiceError): an ``error`` message from the service

``message_index`` counts the messages before the faulty one (from 0); ``offset`` is the
byte offset of the fault in the stream (within the message for ``decode_message``).
Errors raised while encoding name the header when one is involved, and no position.
"""

from __future__ import annotations

from qsmith.runtime.errors import EventStreamError, ServiceError

__all__ = [
    "ChecksumMismatchError",
    "DuplicateHeaderError",
    "EventStreamError",
    "EventStreamFault",
    "EventStreamFormatError",
    "EventStreamProtocolError",
    "HeadersTooLongError",
    "InvalidHeaderNameError",
    "InvalidHeaderTypeError",
    "InvalidHeaderValueError",
    "InvalidHeadersLengthError",
    "InvalidMessageLengthError",
    "MessageChecksumMismatchError",
    "PayloadTooLongError",
    "PreludeChecksumMismatchError",
    "TrailingBytesError",
    "TruncatedMessageError",
    "UnmodeledStreamError",
]


class EventStreamFault(EventStreamError):
    """An event stream problem that knows where it is: message index, byte offset,
    header name (each when known)."""

    def __init__(
        self,
        problem: str,
        *,
        message_index: int | None = None,
        offset: int | None = None,
        header: str | None = None,
    ) -> None:
        self.problem = problem
        self.message_index = message_index
        self.offset = offset
        self.header = header
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.message_index is not None:
            where.append(f"message #{self.message_index}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        if self.header is not None:
            where.append(f"header {self.header!r}")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem

    def about_header(self, name: str) -> EventStreamFault:
        """Name the header the problem is about (for errors raised before it was known)."""
        self.header = name
        self.args = (self._describe(),)
        return self

    def in_message(self, message_index: int) -> EventStreamFault:
        """Set the message index unless the error already has one."""
        if self.message_index is None:
            self.message_index = message_index
            self.args = (self._describe(),)
        return self

    def located(self, message_index: int, base_offset: int) -> EventStreamFault:
        """Set the message index and shift the offset by where the message began.

        The single-message decoder knows offsets within one message; the stream decoder
        knows where that message sits in the stream and how many came before it.
        """
        self.message_index = message_index
        self.offset = base_offset + (self.offset or 0)
        self.args = (self._describe(),)
        return self


class EventStreamFormatError(EventStreamFault):
    """The bytes are not a valid event stream (framing, checksums, limits, headers)."""


class ChecksumMismatchError(EventStreamFormatError):
    """A CRC32 does not match: ``expected`` is computed from the bytes, ``actual`` is
    the value the message carries."""

    part = "message"

    def __init__(self, *, expected: int, actual: int, offset: int | None = None) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{self.part} CRC32 mismatch: the bytes give 0x{expected:08X}, "
            f"the message carries 0x{actual:08X}",
            offset=offset,
        )


class PreludeChecksumMismatchError(ChecksumMismatchError):
    """The prelude CRC (over total length and headers length) does not match."""

    part = "prelude"


class MessageChecksumMismatchError(ChecksumMismatchError):
    """The message CRC (over everything before it) does not match."""

    part = "message"


class InvalidMessageLengthError(EventStreamFormatError):
    """The total length is smaller than an empty message or larger than the format allows."""


class InvalidHeadersLengthError(EventStreamFormatError):
    """The headers length does not fit in the message's total length."""


class HeadersTooLongError(InvalidHeadersLengthError):
    """The headers section exceeds ``MAX_HEADERS_LENGTH``."""


class PayloadTooLongError(EventStreamFormatError):
    """The payload exceeds ``MAX_PAYLOAD_LENGTH``."""


class InvalidHeaderNameError(EventStreamFormatError):
    """A header name is empty, longer than 255 bytes, runs past the headers section,
    or is not UTF-8."""


class InvalidHeaderTypeError(EventStreamFormatError):
    """A header's type byte is not one of the ten defined types."""

    def __init__(
        self, type_id: int, *, offset: int | None = None, header: str | None = None
    ) -> None:
        self.type_id = type_id
        super().__init__(
            f"unknown header value type 0x{type_id:02X} (defined types are 0 to 9)",
            offset=offset,
            header=header,
        )


class InvalidHeaderValueError(EventStreamFormatError):
    """A header value runs past the headers section, is too long, out of range for its
    type, or (for strings) not UTF-8."""


class DuplicateHeaderError(EventStreamFormatError):
    """A header name occurs twice in one message."""


class TruncatedMessageError(EventStreamFormatError):
    """The stream ended in the middle of a message."""


class TrailingBytesError(EventStreamFormatError):
    """Bytes follow the one message a caller asked to decode."""


class EventStreamProtocolError(EventStreamFault):
    """A well-formed message breaks the Smithy event stream rules (missing or mistyped
    ``:message-type``/``:event-type``, unknown message type, payload the event cannot
    hold)."""


class UnmodeledStreamError(ServiceError, EventStreamError):
    """The service sent an ``error`` message (``:error-code``/``:error-message``) that
    the model does not describe; the stream ends here."""

    def __init__(self, code: str, message: str | None, *, message_index: int | None = None):
        self.message_index = message_index
        super().__init__(message, code=code)

"""The AWS event stream codec (``application/vnd.amazon.eventstream``).

Layers, bottom up:

* ``message``: one message — layout, limits, ``encode_message`` / ``decode_message``;
* ``headers``: the ten header value types;
* ``decoder``: ``MessageDecoder``, incremental, for bytes arriving in any chunks;
* ``readers``: messages from sync and async httpx streaming responses (httpx loads
  when one is read);
* ``semantics``: Smithy event stream rules over messages, driven by the runtime schema;
* ``plain``: schema-only defaults for the semantics (plain dicts, plain JSON);
* ``errors``: the ``EventStreamError`` family.

Importing this package loads neither httpx nor the readers; import
``qsmith.runtime.eventstream.readers`` for the readers.
"""

from qsmith.runtime.eventstream.decoder import MessageDecoder, aiter_messages, iter_messages
from qsmith.runtime.eventstream.errors import (
    ChecksumMismatchError,
    DuplicateHeaderError,
    EventStreamError,
    EventStreamFault,
    EventStreamFormatError,
    EventStreamProtocolError,
    HeadersTooLongError,
    InvalidHeaderNameError,
    InvalidHeadersLengthError,
    InvalidHeaderTypeError,
    InvalidHeaderValueError,
    InvalidMessageLengthError,
    MessageChecksumMismatchError,
    PayloadTooLongError,
    PreludeChecksumMismatchError,
    TrailingBytesError,
    TruncatedMessageError,
    UnmodeledStreamError,
)
from qsmith.runtime.eventstream.headers import (
    FIXED_VALUE_SIZES,
    MAX_HEADER_NAME_LENGTH,
    MAX_HEADER_VALUE_LENGTH,
    Byte,
    HeaderType,
    HeaderValue,
    Long,
    Short,
    Timestamp,
    header_type,
)
from qsmith.runtime.eventstream.message import (
    MAX_HEADERS_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_PAYLOAD_LENGTH,
    MIN_MESSAGE_LENGTH,
    PRELUDE_LENGTH,
    Message,
    decode_message,
    encode_message,
)
from qsmith.runtime.eventstream.semantics import (
    EventFactory,
    EventSigner,
    EventStreamDecoder,
    EventStreamEncoder,
    InitialResponse,
    PayloadCodec,
)

__all__ = [
    "FIXED_VALUE_SIZES",
    "MAX_HEADERS_LENGTH",
    "MAX_HEADER_NAME_LENGTH",
    "MAX_HEADER_VALUE_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_PAYLOAD_LENGTH",
    "MIN_MESSAGE_LENGTH",
    "PRELUDE_LENGTH",
    "Byte",
    "ChecksumMismatchError",
    "DuplicateHeaderError",
    "EventFactory",
    "EventSigner",
    "EventStreamDecoder",
    "EventStreamEncoder",
    "EventStreamError",
    "EventStreamFault",
    "EventStreamFormatError",
    "EventStreamProtocolError",
    "HeaderType",
    "HeaderValue",
    "HeadersTooLongError",
    "InitialResponse",
    "InvalidHeaderNameError",
    "InvalidHeaderTypeError",
    "InvalidHeaderValueError",
    "InvalidHeadersLengthError",
    "InvalidMessageLengthError",
    "Long",
    "Message",
    "MessageChecksumMismatchError",
    "MessageDecoder",
    "PayloadCodec",
    "PayloadTooLongError",
    "PreludeChecksumMismatchError",
    "Short",
    "Timestamp",
    "TrailingBytesError",
    "TruncatedMessageError",
    "UnmodeledStreamError",
    "aiter_messages",
    "decode_message",
    "encode_message",
    "header_type",
    "iter_messages",
]

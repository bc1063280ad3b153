"""What awsJson1_0/1_1 and restJson1 share: the sans-I/O request/response pipeline.

``serialize_request`` checks the input, fills idempotency tokens, lets the protocol
lay out the request, then applies the operation traits every protocol honours (host
prefix, request compression, Content-MD5 or a flexible checksum: checksums.py). ``deserialize_response`` returns the output
value for a 2xx status and raises the service's error otherwise.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from qsmith.runtime.errors import (
    ConfigError,
    ParamValidationError,
    ServiceError,
    ServiceUnavailableError,
)
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.validation import validate_input
from qsmith.runtime.schema import OperationSchema, Schema, ServiceSchema
from qsmith.runtime.serde import JsonNestingError, SerdeError
from qsmith.runtime.serde.json import MAX_JSON_DEPTH, JsonCodec, load_json_object
from qsmith.runtime.values import ModeledServiceError

# gzip, hashlib (OpenSSL) and uuid serve only some operations (compressed, checksummed,
# with idempotency tokens): each is imported where it is used, so constructing a client
# does not load them (see docs/design/lazy-imports.md).

__all__ = [
    "DEFAULT_MIN_COMPRESSION_SIZE",
    "EVENT_STREAM_CONTENT_TYPE",
    "GATEWAY_STATUS_CODES",
    "QUERY_COMPATIBLE",
    "Headers",
    "Protocol",
    "ResponseHeaders",
]

DEFAULT_MIN_COMPRESSION_SIZE = 10240
MAX_MIN_COMPRESSION_SIZE = 10485760  # the bound Smithy's requestCompression sets
QUERY_COMPATIBLE = "aws.protocols#awsQueryCompatible"
HTTP_CHECKSUM = "aws.protocols#httpChecksum"
EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"
ResponseHeaders = Mapping[str, str] | Iterable[tuple[str, str]]
# A 5xx of these without an error code is the HTTP layer speaking, not the service.
GATEWAY_STATUS_CODES = frozenset({502, 503, 504})
_HOST_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


class Headers:
    """Response headers, looked up case-insensitively; repeated names joined by ','."""

    def __init__(self, headers: ResponseHeaders) -> None:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self.pairs = [(str(name), str(value)) for name, value in pairs]
        self._index: dict[str, str] = {}
        for name, value in self.pairs:
            key = name.lower()
            self._index[key] = f"{self._index[key]},{value}" if key in self._index else value

    def get(self, name: str) -> str | None:
        return self._index.get(name.lower())

    def with_prefix(self, prefix: str) -> list[tuple[str, str]]:
        wanted = prefix.lower()
        return [(n, v) for n, v in self.pairs if n.lower().startswith(wanted)]


def uuid4_token() -> str:
    import uuid

    return str(uuid.uuid4())


class Protocol:
    """One protocol's answers to every protocol question the client asks.

    Subclasses lay out requests and read responses; their class attributes state the
    protocol's facts, so no other runtime module names a protocol: ``id`` (the trait),
    ``content_type`` (of a request body), ``http_bindings`` (members travel in the
    method, path, query and headers, and errors name their type in a header),
    ``initial_response_event`` (a streamed output's other members arrive as an
    ``initial-response`` event rather than as HTTP headers) and ``event_codec`` (the
    JSON naming of event payloads).
    """

    id: str = ""
    codec: JsonCodec
    content_type: str = ""
    http_bindings: bool = False
    initial_response_event: bool = False
    event_codec: JsonCodec = JsonCodec(use_json_name=True)

    @classmethod
    def short_name(cls) -> str:
        """The trait's name without its namespace (``ClientConfig(protocol=...)`` takes it)."""
        return cls.id.rpartition("#")[2]

    def __init__(
        self,
        *,
        validate: bool = False,
        idempotency_token: Callable[[], str] = uuid4_token,
        disable_request_compression: bool = False,
        min_compression_size: int = DEFAULT_MIN_COMPRESSION_SIZE,
        send_header_members: bool = False,
        bodiless_error_codes: bool = False,
        tree_hash_header: str | None = None,
        errors_in_200: bool = False,
    ) -> None:
        if not 0 <= min_compression_size <= MAX_MIN_COMPRESSION_SIZE:
            raise ConfigError(
                f"min_compression_size must be 0..{MAX_MIN_COMPRESSION_SIZE} bytes, "
                f"got {min_compression_size}"
            )
        self.validate = validate
        self.idempotency_token = idempotency_token
        self.disable_request_compression = disable_request_compression
        self.min_compression_size = min_compression_size
        # A service customization: members bound with ``@httpHeader`` also travel as
        # headers under a protocol that ignores HTTP bindings (see awsjson.py).
        self.send_header_members = send_header_members
        # A service customization: an error answer without a body is named by its
        # status' reason phrase (see xmlerrors.py).
        self.bodiless_error_codes = bodiless_error_codes
        # A service customization: an upload's body gets its SHA-256 tree hash in this
        # header (checksums.add_tree_hash).
        self.tree_hash_header = tree_hash_header
        # A service customization: a 200 answer may carry an error document (restxml.py).
        self.errors_in_200 = errors_in_200

    # ----------------------------------------------------------------- requests

    def serialize_request(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        input_value: Any,
        endpoint_url: str,
    ) -> HttpRequest:
        """Lay out one call as an ``HttpRequest`` (not yet signed)."""
        try:
            validate_input(operation.input, input_value, constraints=self.validate)
            value = self._fill_idempotency_tokens(operation.input, input_value)
            request = HttpRequest.from_url("POST", endpoint_url)
            self.layout_request(service, operation, value, request)
        except RecursionError:
            # Documents are bounded by MAX_JSON_DEPTH; this is a recursive structure a
            # caller built deeper than Python can walk.
            raise ParamValidationError(
                f"{operation.input.name}: the input nests too deeply to be sent"
            ) from None
        if operation.host_prefix:
            prefix = _host_prefix(operation, value)
            # Endpoint rules that bind the same member (S3 Control's AccountId) already
            # put it in the host; a second copy would name another host.
            if not request.host.startswith(prefix):
                request.host = prefix + request.host
        self._compress(operation, request)
        if HTTP_CHECKSUM in operation.traits:
            from qsmith.runtime.protocols.checksums import add_request_checksum

            add_request_checksum(operation, request)
        elif operation.checksum_required and isinstance(request.body, bytes):
            import hashlib

            digest = hashlib.md5(request.body, usedforsecurity=False).digest()
            request.set_header("Content-MD5", base64.b64encode(digest).decode("ascii"))
        if self.tree_hash_header is not None:
            from qsmith.runtime.protocols.checksums import add_tree_hash

            add_tree_hash(operation, request, self.tree_hash_header)
        if isinstance(request.body, bytes) and request.body:
            request.set_header("Content-Length", str(len(request.body)))
        return request

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        raise NotImplementedError

    def _fill_idempotency_tokens(self, schema: Schema, value: Any) -> Any:
        missing = {
            member.python_name: self.idempotency_token()
            for member in schema.members.values()
            if member.idempotency_token and _get(value, member.python_name) is None
        }
        if not missing:
            return value
        if isinstance(value, Mapping):
            return {**value, **missing}
        return dataclasses.replace(value, **missing)

    def _compress(self, operation: OperationSchema, request: HttpRequest) -> None:
        if self.disable_request_compression or "gzip" not in operation.request_compression:
            return
        body = request.body
        if not isinstance(body, bytes) or len(body) < self.min_compression_size:
            return
        import gzip

        request.body = gzip.compress(body, mtime=0)
        existing = request.header("Content-Encoding")
        request.set_header("Content-Encoding", f"{existing}, gzip" if existing else "gzip")

    # ---------------------------------------------------------------- responses

    def deserialize_response(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: ResponseHeaders,
        body: Any,
    ) -> Any:
        """The output value of a 2xx response; otherwise raise the service's error.

        ``body`` is bytes, except for an operation whose output streams a blob, where it
        may be any byte source and becomes that member's value unread. An error body may
        be an iterable of chunks; it is read whole.
        """
        wrapped = Headers(headers)
        if 200 <= status < 300:
            try:
                return self.read_output(operation, status, wrapped, body)
            except SerdeError as error:
                raise error.within(f"{operation.name} response") from None
            except RecursionError:
                raise JsonNestingError(f"{operation.name} response", MAX_JSON_DEPTH) from None
        raise self.read_error(service, operation, status, wrapped, read_all(body))

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        raise NotImplementedError

    def read_stream_output(
        self, operation: OperationSchema, status: int, headers: ResponseHeaders
    ) -> Any:
        """The non-stream output members of an event stream answer, from its HTTP parts.

        Only HTTP-binding protocols have any; the RPC protocols send them as the
        ``initial-response`` event instead.
        """
        raise NotImplementedError(f"{self.id} sends output members in the event stream")

    def read_error(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: Headers,
        body: bytes,
    ) -> ServiceError:
        """The error to raise: the modeled error class when the code names one."""
        try:
            data = load_json_object(body, "error response")
        except SerdeError:  # an HTML page from a proxy, say: the status still tells
            data = {}
        code = self.error_code(service, headers, data)
        schema = _find_error(service, operation, code) if code else None
        query_error = _query_error(service, headers)
        fault = "server" if status >= 500 else "client"
        if query_error is not None:
            code, fault = query_error
        if code is None and status in GATEWAY_STATUS_CODES:
            return ServiceUnavailableError(
                _message(data), http_status=status, request_id=headers.get("x-amzn-RequestId")
            )
        if schema is None:
            return _unmodeled_error(
                service,
                code or f"HTTP{status}",
                status,
                headers.get("x-amzn-RequestId"),
                fault,
                data,
            )
        return self._modeled_error(service, schema, status, headers, body, data)

    def _modeled_error(
        self,
        service: ServiceSchema,
        schema: Schema,
        status: int,
        headers: Headers,
        body: bytes,
        data: Mapping[str, object],
    ) -> ServiceError:
        codec = self.codec.for_schema(schema)
        if codec is not self.codec and data:
            data = codec.load(body, "error response")  # again, keeping bigDecimal digits
        query_error = _query_error(service, headers)
        facts: dict[str, Any] = {
            "code": self.wire_error_code(service, headers, schema),
            "http_status": status,
            "request_id": headers.get("x-amzn-RequestId"),
            "fault": query_error[1] if query_error else schema.error or "client",
            "retryable": schema.retryable,
        }
        cls = schema.python_type
        if cls is not None and issubclass(cls, ModeledServiceError):
            error: ServiceError = cls(**facts, **self._error_members(schema, status, headers, data))
            return error
        return ServiceError(_message(data), **facts)

    def _error_members(
        self, schema: Schema, status: int, headers: Headers, data: Mapping[str, object]
    ) -> dict[str, Any]:
        """The members of a modeled error; members that do not decode are left unset,
        so a malformed body still raises the class (and retry decision) its code names."""
        try:
            return self.read_error_members(schema, status, headers, data)
        except (SerdeError, RecursionError):
            return self.codec.structure_kwargs(schema, {})

    def error_code(
        self, service: ServiceSchema, headers: Headers, data: Mapping[str, object]
    ) -> str | None:
        """The error's shape name, from the header or the body, sanitized."""
        raw = headers.get("x-amzn-ErrorType")
        if raw is None:
            for key in ("code", "__type"):
                value = data.get(key)
                if isinstance(value, str):
                    raw = value
                    break
        return sanitize_error_code(raw) if raw else None

    def wire_error_code(self, service: ServiceSchema, headers: Headers, schema: Schema) -> str:
        """The code users see; awsQueryCompatible services carry the Query code."""
        if QUERY_COMPATIBLE in service.traits:
            query_error = _query_error(service, headers)
            if query_error is not None:
                return query_error[0]
            query_trait = schema.traits.get("aws.protocols#awsQueryError")
            if isinstance(query_trait, Mapping) and isinstance(query_trait.get("code"), str):
                return str(query_trait["code"])
        return schema.name

    def read_error_members(
        self, schema: Schema, status: int, headers: Headers, data: Mapping[str, object]
    ) -> dict[str, Any]:
        """The error structure's members (keyed by python name) from the body."""
        return self.codec.for_schema(schema).structure_kwargs(schema, data)


def header_text(name: str, text: str) -> str:
    """A header value, refused when it would break the header block (CR, LF, NUL)."""
    if "\r" in text or "\n" in text or "\x00" in text:
        raise ParamValidationError(f"header {name}: value contains a line break or NUL")
    return text


def read_all(body: Any) -> bytes:
    """A whole body as bytes: bytes-like as is, an iterable of chunks joined."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, Iterable):
        return b"".join(bytes(chunk) for chunk in body)
    raise SerdeError(f"expected the response body as bytes, got {type(body).__name__}")


def _unmodeled_error(
    service: ServiceSchema,
    code: str,
    status: int,
    request_id: str | None,
    fault: str,
    data: Mapping[str, object],
) -> ServiceError:
    """An error code the model does not describe, raised as the service's base error."""
    cls = service.error_type
    if cls is not None and issubclass(cls, ModeledServiceError):
        error: ServiceError = cls(
            code=code,
            http_status=status,
            request_id=request_id,
            fault=fault,
            message=_message(data),
        )
        return error
    return ServiceError(
        _message(data), code=code, http_status=status, request_id=request_id, fault=fault
    )


def sanitize_error_code(raw: str) -> str:
    """``ns#Name:uri`` → ``Name``: drop anything after ':' and the namespace before '#'."""
    code = raw.split(":", 1)[0]
    return code.rsplit("#", 1)[-1].strip()


def _query_error(service: ServiceSchema, headers: Headers) -> tuple[str, str] | None:
    """``x-amzn-query-error: Code;Sender`` of awsQueryCompatible services: (code, fault)."""
    if QUERY_COMPATIBLE not in service.traits:
        return None
    raw = headers.get("x-amzn-query-error")
    if not raw or ";" not in raw:
        return None
    code, _, kind = raw.partition(";")
    return code.strip(), "server" if kind.strip() == "Receiver" else "client"


def _find_error(service: ServiceSchema, operation: OperationSchema, code: str) -> Schema | None:
    for schema in (*operation.errors, *service.errors):
        if schema.name == code:
            return schema
    if QUERY_COMPATIBLE in service.traits:
        for schema in (*operation.errors, *service.errors):
            trait = schema.traits.get("aws.protocols#awsQueryError")
            if isinstance(trait, Mapping) and trait.get("code") == code:
                return schema
    return None


def _message(data: Mapping[str, object]) -> str | None:
    for key in ("message", "Message", "errorMessage"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def _get(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def _host_prefix(operation: OperationSchema, value: Any) -> str:
    template = operation.host_prefix or ""
    labels = {m.name: m for m in operation.input.members.values() if m.host_label}

    def fill(match: re.Match[str]) -> str:
        member = labels.get(match.group(1))
        label = None if member is None else _get(value, member.python_name)
        if not isinstance(label, str) or not _HOST_LABEL.match(label):
            raise ParamValidationError(
                f"{operation.input.name}.{match.group(1)}: host label must be a non-empty "
                f"hostname fragment, got {label!r}"
            )
        return label

    return _PLACEHOLDER.sub(fill, template)


def join_path(base: str, path: str) -> str:
    """The endpoint's own path (if any) followed by the operation's path.

    An empty operation path (S3's ``/{Bucket}`` once the endpoint holds the bucket: see
    docs/design/protocols.md) adds nothing: ``/mybucket``, not ``/mybucket/``.
    """
    base = base.rstrip("/")
    if not path:
        return base or "/"
    return f"{base}{path}" if path.startswith("/") else f"{base}/{path}"


def quote_label(text: str, *, greedy: bool) -> str:
    return urllib.parse.quote(text, safe="/-_.~" if greedy else "-_.~")

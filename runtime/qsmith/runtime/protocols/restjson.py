"""restJson1: members travel where their HTTP binding says, the rest as a JSON body.

Labels fill the URI (greedy labels keep '/'), ``@httpQuery`` and ``@httpQueryParams``
build the query, ``@httpHeader`` and ``@httpPrefixHeaders`` the headers, ``@httpPayload``
makes one member the whole body, ``@httpResponseCode`` reads the status. Timestamps
default to date-time in labels and query, HTTP-date in headers, epoch-seconds in bodies.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import urllib.parse
from collections.abc import Mapping
from typing import Any

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.base import (
    EVENT_STREAM_CONTENT_TYPE,
    Headers,
    Protocol,
    ResponseHeaders,
    header_text,
    join_path,
    quote_label,
    read_all,
)
from qsmith.runtime.schema import (
    HttpBinding,
    HttpTrait,
    MemberSchema,
    OperationSchema,
    Schema,
    ServiceSchema,
    ShapeType,
    TimestampFormat,
)
from qsmith.runtime.serde import MissingInitialResponseMemberError, SerdeError, must_arrive
from qsmith.runtime.serde.json import (
    JsonCodec,
    build_structure,
    dump_json,
    fill_missing,
    parse_json,
)
from qsmith.runtime.serde.scalars import (
    float_from_text,
    float_to_text,
    format_timestamp,
    parse_timestamp,
)

__all__ = ["RestJson1", "header_value"]

_NUMBERS = frozenset(
    {
        ShapeType.BYTE,
        ShapeType.SHORT,
        ShapeType.INTEGER,
        ShapeType.LONG,
        ShapeType.INT_ENUM,
        ShapeType.BIG_INTEGER,
    }
)


class RestJson1(Protocol):
    id = "aws.protocols#restJson1"
    codec = JsonCodec(use_json_name=True)
    content_type = "application/json"
    http_bindings = True

    # ----------------------------------------------------------------- requests

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        http = operation.http
        if http is None:
            raise ParamValidationError(f"{operation.name} has no @http trait for restJson1")
        body_members, payload = bind_http_members(operation, http, value, request)
        if payload is not None:
            self._write_payload(operation, payload, _get(value, payload.python_name), request)
        elif body_members:
            data = self.codec.structure_to_data(
                operation.input, value, members=body_members, top_level=True
            )
            request.body = self.codec.encode(data)
            _default_header(request, "Content-Type", "application/json")

    def _write_payload(
        self, operation: OperationSchema, member: MemberSchema, item: Any, request: HttpRequest
    ) -> None:
        target = member.target
        if target.is_event_stream:
            # The event stream layer frames (and signs) the events; the body is its source.
            request.body = b"" if item is None else item
            _default_header(request, "Content-Type", EVENT_STREAM_CONTENT_TYPE)
            return
        media_type = member.media_type or target.media_type
        if target.type is ShapeType.BLOB:
            if item is None:
                return
            # A streaming blob may be any iterable of byte chunks; it is sent unread.
            request.body = bytes(item) if isinstance(item, (bytearray, memoryview)) else item
            _default_header(request, "Content-Type", media_type or "application/octet-stream")
        elif target.type in (ShapeType.STRING, ShapeType.ENUM):
            if item is None:
                return
            request.body = str(item).encode("utf-8")
            _default_header(request, "Content-Type", media_type or "text/plain")
        elif target.type is ShapeType.DOCUMENT or target.type is ShapeType.UNION:
            if item is None:
                return
            if target.type is ShapeType.UNION:
                item = self.codec.member_to_data(member, item)
            request.body = self.codec.encode(item)
            _default_header(request, "Content-Type", "application/json")
        else:
            data = {} if item is None else self.codec.member_to_data(member, item)
            request.body = self.codec.encode(data)
            _default_header(request, "Content-Type", "application/json")

    # ---------------------------------------------------------------- responses

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        output = operation.output
        return build_structure(output, self._read_members(output, status, headers, body))

    def read_stream_output(
        self, operation: OperationSchema, status: int, headers: ResponseHeaders
    ) -> Any:
        """The output of an event stream answer: its HTTP-bound members (the body streams).

        This HTTP response is the stream's initial response, so a required header member
        it lacks fails the call (``docs/design/initial-response.md``); other missing
        members get their default or zero value, as in any response.
        """
        output = operation.output
        kwargs = _read_bound(output, status, Headers(headers))
        _check_required_headers(operation, kwargs)
        fill_missing(output, kwargs)
        for member in output.members.values():
            if member.target.is_event_stream:
                kwargs.pop(member.python_name, None)
        return build_structure(output, kwargs)

    def read_error_members(
        self, schema: Schema, status: int, headers: Headers, data: Mapping[str, object]
    ) -> dict[str, Any]:
        kwargs = _read_bound(schema, status, headers)
        body_members = [m for m in schema.members.values() if _in_response_body(m)]
        codec = self.codec.for_schema(schema)
        return codec.structure_kwargs(schema, data, members=body_members, extra=kwargs)

    def _read_members(
        self, schema: Schema, status: int, headers: Headers, body: Any
    ) -> dict[str, Any]:
        kwargs = _read_bound(schema, status, headers)
        body_members = [m for m in schema.members.values() if _in_response_body(m)]
        payload = next(
            (m for m in schema.members.values() if m.http_binding is HttpBinding.PAYLOAD), None
        )
        if payload is not None:
            kwargs[payload.python_name] = self._read_payload(payload, body)
        elif body_members:
            codec = self.codec.for_schema(schema)
            data = codec.load(read_all(body), schema.name)
            return codec.structure_kwargs(schema, data, members=body_members, extra=kwargs)
        fill_missing(schema, kwargs)
        return kwargs

    def _read_payload(self, member: MemberSchema, body: Any) -> Any:
        target = member.target
        if target.is_event_stream:
            return body  # handed unread to the event stream decoder
        if target.type is ShapeType.BLOB and target.streaming and not isinstance(body, bytes):
            return body
        raw = read_all(body)
        if not raw:
            return None
        if target.type is ShapeType.BLOB:
            return raw
        if target.type in (ShapeType.STRING, ShapeType.ENUM):
            return raw.decode("utf-8")
        if target.type is ShapeType.DOCUMENT:
            return parse_json(raw, member.name)
        codec = self.codec.for_schema(target)
        return codec.member_from_data(member, codec.load(raw, member.name))


# ------------------------------------------------------------------- requests


def bind_http_members(
    operation: OperationSchema, http: HttpTrait, value: Any, request: HttpRequest
) -> tuple[list[MemberSchema], MemberSchema | None]:
    """Lay the input's HTTP-bound members into ``request`` (method, path labels, query,
    headers), the rule restJson1 and restXml share; returns the members left for the body
    and the ``@httpPayload`` member, if any."""
    request.method = http.method
    template, _, literal_query = http.uri.partition("?")
    request.path = join_path(request.path, _fill_labels(operation.input, value, template))
    request.query.extend(urllib.parse.parse_qsl(literal_query, keep_blank_values=True))
    body_members: list[MemberSchema] = []
    payload: MemberSchema | None = None
    query_params: list[tuple[MemberSchema, Any]] = []
    prefix_headers: list[tuple[MemberSchema, Any]] = []
    for member in operation.input.members.values():
        binding = member.http_binding
        item = _get(value, member.python_name)
        if binding is None or binding is HttpBinding.RESPONSE_CODE:
            body_members.append(member)
        elif binding is HttpBinding.PAYLOAD:
            payload = member
        elif item is None:
            continue
        elif binding is HttpBinding.QUERY:
            name = member.http_name or member.name
            request.query.extend((name, text) for text in _query_values(member, item))
        elif binding is HttpBinding.QUERY_PARAMS:
            query_params.append((member, item))
        elif binding is HttpBinding.HEADER:
            name = member.http_name or member.name
            request.headers.append((name, header_text(name, header_value(member, item))))
        elif binding is HttpBinding.PREFIX_HEADERS:
            prefix_headers.append((member, item))
    _add_query_params(request, query_params)
    _add_prefix_headers(request, prefix_headers)
    return body_members, payload


def _get(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def _default_header(request: HttpRequest, name: str, value: str) -> None:
    if request.header(name) is None:
        request.headers.append((name, value))


def _fill_labels(schema: Schema, value: Any, template: str) -> str:
    parts: list[str] = []
    for segment in template.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            member = schema.member(name)
            item = _get(value, member.python_name)
            text = None if item is None else _scalar_text(member, item, TimestampFormat.DATE_TIME)
            if not text:
                raise ParamValidationError(
                    f"{schema.name}.{member.python_name}: a URI label cannot be empty"
                )
            parts.append(quote_label(text, greedy=greedy))
        else:
            parts.append(segment)
    return "/".join(parts)


def _scalar_text(member: MemberSchema, item: Any, default_format: TimestampFormat) -> str:
    target = member.target
    if target.type is ShapeType.BOOLEAN:
        return "true" if item else "false"
    if target.type in (ShapeType.FLOAT, ShapeType.DOUBLE):
        return str(float_to_text(float(item)))
    if target.type is ShapeType.TIMESTAMP:
        fmt = member.timestamp_format or target.timestamp_format or default_format
        return str(format_timestamp(item, fmt))
    if target.type is ShapeType.BLOB:
        return base64.b64encode(bytes(item)).decode("ascii")
    return str(item)


def _query_values(member: MemberSchema, item: Any) -> list[str]:
    target = member.target
    if target.type is ShapeType.LIST:
        inner = target.member("member")
        return [_scalar_text(inner, x, TimestampFormat.DATE_TIME) for x in item]
    return [_scalar_text(member, item, TimestampFormat.DATE_TIME)]


def _add_query_params(request: HttpRequest, params: list[tuple[MemberSchema, Any]]) -> None:
    """``@httpQueryParams`` maps, after the named ``@httpQuery`` members, which win."""
    taken = {name for name, _ in request.query}
    for _member, mapping in params:
        for key, item in mapping.items():
            if key in taken:
                continue
            values = item if isinstance(item, list) else [item]
            request.query.extend((key, str(v)) for v in values)


def _add_prefix_headers(request: HttpRequest, maps: list[tuple[MemberSchema, Any]]) -> None:
    """``@httpPrefixHeaders`` maps; a header bound by name wins over a map entry."""
    taken = {name.lower() for name, _ in request.headers}
    for member, mapping in maps:
        prefix = member.http_name or ""
        for key, item in mapping.items():
            name = prefix + key
            if name.lower() not in taken:
                request.headers.append((name, header_text(name, str(item))))


def header_value(member: MemberSchema, item: Any) -> str:
    """The text of a header-bound member's value (lists joined, timestamps as HTTP-date)."""
    target = member.target
    if target.type is ShapeType.LIST:
        inner = target.member("member")
        texts = [_header_scalar(inner, x) for x in item]
        if inner.target.type in (ShapeType.STRING, ShapeType.ENUM):
            texts = [_quote_header_item(t) for t in texts]
        return ", ".join(texts)
    return _header_scalar(member, item)


def _header_scalar(member: MemberSchema, item: Any) -> str:
    target = member.target
    if target.type is ShapeType.STRING and (member.media_type or target.media_type):
        return base64.b64encode(str(item).encode("utf-8")).decode("ascii")
    if target.type is ShapeType.DOCUMENT:
        return base64.b64encode(dump_json(item).encode("utf-8")).decode("ascii")
    return _scalar_text(member, item, TimestampFormat.HTTP_DATE)


def _quote_header_item(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


# ------------------------------------------------------------------ responses


_RESPONSE_BINDINGS = frozenset(
    {
        HttpBinding.HEADER,
        HttpBinding.PREFIX_HEADERS,
        HttpBinding.PAYLOAD,
        HttpBinding.RESPONSE_CODE,
    }
)


def _in_response_body(member: MemberSchema) -> bool:
    """Labels and query bindings mean nothing in a response: such members are body."""
    return member.http_binding not in _RESPONSE_BINDINGS


def _read_bound(schema: Schema, status: int, headers: Headers) -> dict[str, Any]:
    """Members bound to headers, prefix headers and the status code."""
    kwargs: dict[str, Any] = {}
    for member in schema.members.values():
        binding = member.http_binding
        if binding is HttpBinding.HEADER:
            raw = headers.get(member.http_name or member.name)
            if raw is not None:
                kwargs[member.python_name] = _parse_bound_header(member, raw)
        elif binding is HttpBinding.PREFIX_HEADERS:
            prefix = member.http_name or ""
            found = {name[len(prefix) :]: v for name, v in headers.with_prefix(prefix)}
            if found:
                kwargs[member.python_name] = found
        elif binding is HttpBinding.RESPONSE_CODE:
            kwargs[member.python_name] = status
    return kwargs


def _check_required_headers(operation: OperationSchema, kwargs: Mapping[str, Any]) -> None:
    """Fail on a required ``@httpHeader`` member absent from a stream's initial response.

    Required means ``@required`` without ``@clientOptional`` or a default. Prefix headers
    are exempt (no matching header is how an empty map is sent), and the status code
    always arrives.
    """
    for member in operation.output.members.values():
        if (
            member.http_binding is HttpBinding.HEADER
            and must_arrive(member)
            and kwargs.get(member.python_name) is None
        ):
            header = member.http_name or member.name
            raise MissingInitialResponseMemberError(operation.name, member.name, header)


# A member whose header the service echoes as a client wrote it (S3's ``Expires``): a value
# that does not parse leaves the member unset, with a warning, instead of failing the call.
LENIENT_HEADER = "qsmith.customizations#lenientHeader"


def _parse_bound_header(member: MemberSchema, raw: str) -> Any:
    if LENIENT_HEADER not in member.traits:
        return _parse_header(member, raw)
    try:
        return _parse_header(member, raw)
    except SerdeError:
        from qsmith.runtime.redaction import get_logger

        get_logger("qsmith.runtime.protocols").warning(
            "header %s: %r does not parse as %s; %s is left unset",
            member.http_name or member.name,
            raw,
            member.target.type.name.lower(),
            member.python_name,
        )
        return None


def _parse_header(member: MemberSchema, raw: str) -> Any:
    target = member.target
    if target.type is ShapeType.LIST:
        inner = target.member("member")
        if inner.target.type is ShapeType.TIMESTAMP and _header_time_format(inner) is (
            TimestampFormat.HTTP_DATE
        ):
            pieces = raw.split(",")
            items = [",".join(pieces[i : i + 2]).strip() for i in range(0, len(pieces), 2)]
        else:
            items = _split_header_list(raw)
        return [_parse_header_scalar(inner, item) for item in items]
    return _parse_header_scalar(member, raw.strip())


def _header_time_format(member: MemberSchema) -> TimestampFormat:
    return member.timestamp_format or member.target.timestamp_format or TimestampFormat.HTTP_DATE


def _parse_header_scalar(member: MemberSchema, raw: str) -> Any:
    target = member.target
    kind = target.type
    where = member.name
    try:
        if kind is ShapeType.STRING and (member.media_type or target.media_type):
            return base64.b64decode(raw, validate=True).decode("utf-8")
        if kind is ShapeType.DOCUMENT:
            return parse_json(base64.b64decode(raw, validate=True), f"header {where}")
        if kind is ShapeType.BOOLEAN:
            if raw not in ("true", "false"):
                raise ValueError
            return raw == "true"
        if kind in _NUMBERS:
            return int(raw)
        if kind in (ShapeType.FLOAT, ShapeType.DOUBLE):
            return float_from_text(raw, where)
        if kind is ShapeType.TIMESTAMP:
            fmt = _header_time_format(member)
            parsed: dt.datetime = parse_timestamp(raw, fmt, where)
            return parsed
        if kind is ShapeType.BLOB:
            return base64.b64decode(raw, validate=True)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise SerdeError(
            f"header {member.http_name or where}: invalid {kind.value} {raw!r}"
        ) from None
    return raw


def _split_header_list(raw: str) -> list[str]:
    """Split a comma-separated header; a double-quoted item keeps its commas and spaces."""
    items: list[str] = []
    current: list[str] = []
    quoted = closed = escaped = False
    for char in raw:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted:
            if char == "\\":
                escaped = True
            elif char == '"':
                quoted, closed = False, True
            else:
                current.append(char)
        elif char == ",":
            items.append("".join(current) if closed else "".join(current).strip())
            current, closed = [], False
        elif char == '"' and not "".join(current).strip() and not closed:
            current, quoted = [], True
        elif not closed:
            current.append(char)
    items.append("".join(current) if closed else "".join(current).strip())
    return items

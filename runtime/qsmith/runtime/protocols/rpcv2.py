"""What rpcv2Cbor and rpcv2Json share: routing, headers and error lookup.

Every call is ``POST /service/<Service>/operation/<Operation>`` with a
``smithy-protocol`` header; the input structure is the whole body (member names as keys;
an operation with Unit input sends no body and no Content-Type); the output is the whole
answer; an error's body names its shape in ``__type``. Services marked
``@awsQueryCompatible`` also send ``x-amzn-query-mode`` and read ``x-amzn-query-error``,
as under awsJson. A subclass names its media type and how bytes become plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qsmith.runtime.errors import ParamValidationError, ServiceError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.base import (
    QUERY_COMPATIBLE,
    Headers,
    Protocol,
    _find_error,
    _query_error,
    _unmodeled_error,
    join_path,
    read_all,
    sanitize_error_code,
)
from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.plain import PlainData
from qsmith.runtime.values import ModeledServiceError

__all__ = ["RpcV2Protocol"]

UNIT_ID = "smithy.api#Unit"


class RpcV2Protocol(Protocol):
    """The shared layout; ``media_type``, ``wire_name`` and the codec hooks differ."""

    media_type = ""
    wire_name = ""  # the smithy-protocol header's value

    def plain_data(self) -> PlainData:
        raise NotImplementedError

    def encode(self, data: object) -> bytes:
        raise NotImplementedError

    def decode(self, body: bytes, where: str) -> object:
        raise NotImplementedError

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        if operation.streaming_member("input") or operation.streaming_member("output"):
            raise ParamValidationError(
                f"{operation.name}: event streams are not supported under {self.wire_name} yet"
            )
        request.method = "POST"
        request.path = join_path(
            request.path, f"/service/{service.name}/operation/{operation.name}"
        )
        request.headers.append(("smithy-protocol", self.wire_name))
        request.headers.append(("Accept", self.media_type))
        if QUERY_COMPATIBLE in service.traits:
            request.headers.append(("x-amzn-query-mode", "true"))
        if operation.input.id != UNIT_ID:
            request.headers.append(("Content-Type", self.media_type))
            data = self.plain_data().structure_out(operation.input, value, top_level=True)
            request.body = self.encode(data)

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        raw = read_all(body)
        data = self.decode(raw, operation.name) if raw else None
        return self.plain_data().structure_in(operation.output, data)

    def read_error(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: Headers,
        body: bytes,
    ) -> ServiceError:
        try:
            decoded = self.decode(body, "error response") if body else {}
        except SerdeError:  # an HTML page from a proxy, say: the status still tells
            decoded = {}
        data: Mapping[str, object] = decoded if isinstance(decoded, Mapping) else {}
        raw_code = data.get("__type")
        code = sanitize_error_code(raw_code) if isinstance(raw_code, str) else None
        schema = _find_error(service, operation, code) if code else None
        query_error = _query_error(service, headers)
        fault = "server" if status >= 500 else "client"
        request_id = headers.get("x-amzn-RequestId")
        cls = None if schema is None else schema.python_type
        if schema is None or cls is None or not issubclass(cls, ModeledServiceError):
            if query_error is not None:
                code, fault = query_error
            return _unmodeled_error(
                service, code or f"HTTP{status}", status, request_id, fault, data
            )
        error: ServiceError = cls(
            code=self.wire_error_code(service, headers, schema),
            http_status=status,
            request_id=request_id,
            fault=query_error[1] if query_error else schema.error or "client",
            retryable=schema.retryable,
            **self.plain_data().structure_kwargs(schema, data),
        )
        return error

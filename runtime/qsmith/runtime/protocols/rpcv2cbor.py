"""rpcv2Cbor (Smithy RPC v2 CBOR): ``POST /service/<Service>/operation/<Operation>``.

The input structure is the whole CBOR body (member names as keys), sent with
``smithy-protocol: rpc-v2-cbor``; an operation without input sends no body. The output
is the whole answer; an error's map carries its shape id in ``__type``. Services marked
``@awsQueryCompatible`` also send ``x-amzn-query-mode`` and read ``x-amzn-query-error``,
as under awsJson. The codec (``serde/cbor.py``, the optional ``cbor2``) loads with the
first call.
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
from qsmith.runtime.values import ModeledServiceError

__all__ = ["CBOR_CONTENT_TYPE", "RpcV2Cbor"]

CBOR_CONTENT_TYPE = "application/cbor"
UNIT_ID = "smithy.api#Unit"


class RpcV2Cbor(Protocol):
    id = "smithy.protocols#rpcv2Cbor"

    def layout_request(
        self, service: ServiceSchema, operation: OperationSchema, value: Any, request: HttpRequest
    ) -> None:
        from qsmith.runtime.serde.cbor import encode_cbor, to_cbor

        if operation.streaming_member("input") or operation.streaming_member("output"):
            raise ParamValidationError(
                f"{operation.name}: event streams are not supported under rpcv2Cbor yet"
            )
        request.method = "POST"
        request.path = join_path(
            request.path, f"/service/{service.name}/operation/{operation.name}"
        )
        request.headers.append(("smithy-protocol", "rpc-v2-cbor"))
        request.headers.append(("Accept", CBOR_CONTENT_TYPE))
        if QUERY_COMPATIBLE in service.traits:
            request.headers.append(("x-amzn-query-mode", "true"))
        if operation.input.id != UNIT_ID:
            request.headers.append(("Content-Type", CBOR_CONTENT_TYPE))
            request.body = encode_cbor(to_cbor(operation.input, value, top_level=True))

    def read_output(
        self, operation: OperationSchema, status: int, headers: Headers, body: Any
    ) -> Any:
        from qsmith.runtime.serde.cbor import decode_cbor, structure_from_cbor

        raw = read_all(body)
        data = decode_cbor(raw, operation.name) if raw else None
        return structure_from_cbor(operation.output, data)

    def read_error(
        self,
        service: ServiceSchema,
        operation: OperationSchema,
        status: int,
        headers: Headers,
        body: bytes,
    ) -> ServiceError:
        from qsmith.runtime.serde.cbor import decode_cbor, structure_kwargs

        try:
            decoded = decode_cbor(body, "error response") if body else {}
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
            **structure_kwargs(schema, data),
        )
        return error

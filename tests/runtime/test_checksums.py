"""Request checksums (runtime/qsmith/runtime/protocols/checksums.py): the algorithms'
published check values, the choice of algorithm, and what is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.protocols.checksums import add_request_checksum, checksum, crc32c, crc64nvme
from qsmith.runtime.schema import (
    HttpBinding,
    MemberSchema,
    OperationSchema,
    Schema,
    ShapeType,
)

STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)


def test_check_values() -> None:
    # The CRC catalogue's check value: the CRC of the ASCII bytes "123456789".
    assert crc32c(b"123456789") == 0xE3069283
    assert crc64nvme(b"123456789") == 0xAE8B14860A799888
    assert checksum("crc32", b"hello") == "NhCmhg=="
    assert checksum("SHA256", b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ParamValidationError, match="unsupported checksum algorithm 'MD4'"):
        checksum("MD4", b"x")


def _operation(trait: dict[str, object]) -> OperationSchema:
    algorithm = MemberSchema(
        name="ChecksumAlgorithm",
        python_name="checksum_algorithm",
        target_ref=STRING,
        http_binding=HttpBinding.HEADER,
        http_name="x-amz-sdk-checksum-algorithm",
    )
    request = Schema(
        id="example#PutRequest",
        type=ShapeType.STRUCTURE,
        members={"ChecksumAlgorithm": algorithm},
    )
    unit = Schema(id="smithy.api#Unit", type=ShapeType.STRUCTURE)
    return OperationSchema(
        id="example#Put",
        input=request,
        output=unit,
        traits={"aws.protocols#httpChecksum": trait},
    )


def _request(body: bytes | Iterator[bytes], *headers: tuple[str, str]) -> HttpRequest:
    request = HttpRequest.from_url("PUT", "https://example.test/k")
    request.body = body
    request.headers.extend(headers)
    return request


def test_default_is_crc32_and_names_its_algorithm() -> None:
    request = _request(b"hello")
    add_request_checksum(_operation({"requestAlgorithmMember": "ChecksumAlgorithm"}), request)
    assert request.header("x-amz-checksum-crc32") == "NhCmhg=="
    assert request.header("x-amz-sdk-checksum-algorithm") == "CRC32"


def test_the_callers_algorithm_is_used() -> None:
    request = _request(b"hello", ("x-amz-sdk-checksum-algorithm", "CRC32C"))
    add_request_checksum(_operation({"requestAlgorithmMember": "ChecksumAlgorithm"}), request)
    assert request.header("x-amz-checksum-crc32c") == checksum("CRC32C", b"hello")
    assert request.header("x-amz-checksum-crc32") is None


def test_a_checksum_the_caller_gave_is_kept() -> None:
    request = _request(b"hello", ("x-amz-checksum-sha1", "given"))
    add_request_checksum(_operation({"requestChecksumRequired": True}), request)
    assert [v for k, v in request.headers if k.startswith("x-amz-checksum")] == ["given"]


def test_streamed_body_without_a_chosen_algorithm_is_sent_as_is() -> None:
    request = _request(iter([b"he", b"llo"]))
    add_request_checksum(_operation({"requestAlgorithmMember": "ChecksumAlgorithm"}), request)
    assert request.header("x-amz-sdk-checksum-algorithm") is None
    assert not [k for k, _ in request.headers if k.startswith("x-amz-checksum")]


def test_streamed_body_with_a_chosen_algorithm_is_refused() -> None:
    request = _request(iter([b"hello"]), ("x-amz-sdk-checksum-algorithm", "SHA256"))
    with pytest.raises(ParamValidationError, match="checksum of a streamed body"):
        add_request_checksum(_operation({"requestAlgorithmMember": "ChecksumAlgorithm"}), request)


def test_tree_hash_of_one_chunk_is_its_sha256() -> None:
    import hashlib

    from qsmith.runtime.protocols.checksums import TREE_HASH_CHUNK, sha256_tree_hash

    assert sha256_tree_hash(b"") == hashlib.sha256(b"").hexdigest()
    chunk = b"a" * TREE_HASH_CHUNK
    assert sha256_tree_hash(chunk) == hashlib.sha256(chunk).hexdigest()
    # Three chunks: the first two combine, the third is carried up, then both combine.
    first, third = hashlib.sha256(chunk).digest(), hashlib.sha256(b"b").digest()
    top = hashlib.sha256(hashlib.sha256(first + first).digest() + third).hexdigest()
    assert sha256_tree_hash(chunk * 2 + b"b") == top

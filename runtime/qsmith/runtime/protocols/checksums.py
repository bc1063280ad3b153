"""Request checksums an operation's ``aws.protocols#httpChecksum`` trait asks for.

The algorithm is the one the caller put in the trait's ``requestAlgorithmMember`` (its
header, ``x-amz-sdk-checksum-algorithm`` in S3, is already laid out), else CRC32 when
the operation requires a checksum or lets the caller choose one, as current AWS SDKs
do by default. The digest travels base64-encoded in ``x-amz-checksum-<algorithm>``. A
checksum header the caller set already (a ``Checksum...`` member) is kept as it is.

Only a body held in memory is checksummed here; a streamed body with a requested
checksum is refused (the caller can compute it and pass the ``Checksum...`` member):
sending it in an ``aws-chunked`` trailer is not implemented.
"""

from __future__ import annotations

import base64
import zlib
from functools import cache

from qsmith.runtime.errors import ParamValidationError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import HttpBinding, OperationSchema

__all__ = [
    "CHECKSUM_HEADER_PREFIX",
    "add_request_checksum",
    "add_tree_hash",
    "checksum",
    "crc32c",
    "crc64nvme",
    "sha256_tree_hash",
]

HTTP_CHECKSUM = "aws.protocols#httpChecksum"
CHECKSUM_HEADER_PREFIX = "x-amz-checksum-"
DEFAULT_ALGORITHM = "CRC32"

TREE_HASH_CHUNK = 1024 * 1024
_CRC32C_POLY = 0x82F63B78  # Castagnoli, reflected
_CRC64NVME_POLY = 0x9A6C9329AC4BC9B5  # NVMe, reflected


def add_request_checksum(operation: OperationSchema, request: HttpRequest) -> None:
    """Add the checksum header the operation's ``httpChecksum`` trait calls for."""
    trait = operation.traits.get(HTTP_CHECKSUM)
    if not isinstance(trait, dict):
        return
    if any(name.lower().startswith(CHECKSUM_HEADER_PREFIX) for name, _ in request.headers):
        return
    member_name = trait.get("requestAlgorithmMember")
    member = operation.input.members.get(member_name) if isinstance(member_name, str) else None
    algorithm_header = member.http_name if member is not None else None
    chosen = request.header(algorithm_header) if algorithm_header else None
    required = bool(trait.get("requestChecksumRequired")) or operation.checksum_required
    streamed = not isinstance(request.body, bytes)
    if chosen is None:
        if streamed or not (required or member is not None):
            return
        chosen = DEFAULT_ALGORITHM
        if algorithm_header:
            request.set_header(algorithm_header, chosen)
    if streamed:
        raise ParamValidationError(
            f"{operation.name}: a {chosen} checksum of a streamed body is not supported; "
            "pass the body as bytes, or compute the checksum and pass its Checksum member"
        )
    assert isinstance(request.body, bytes)
    request.set_header(CHECKSUM_HEADER_PREFIX + chosen.lower(), checksum(chosen, request.body))


def add_tree_hash(operation: OperationSchema, request: HttpRequest, header: str) -> None:
    """Add the SHA-256 tree hash of an upload's body in ``header`` unless it is set.

    An upload is an operation whose input binds a member to ``header`` and has a payload
    member: an operation that binds the header without a payload (one completing a
    multipart upload) takes the whole archive's hash from the caller.
    """
    body = request.body
    if not isinstance(body, bytes) or request.header(header) is not None:
        return
    members = operation.input.members.values()
    if not any(m.http_binding is HttpBinding.PAYLOAD for m in members):
        return
    if any(m.http_binding is HttpBinding.HEADER and m.http_name == header for m in members):
        request.set_header(header, sha256_tree_hash(body))


def sha256_tree_hash(data: bytes) -> str:
    """The hex SHA-256 tree hash: the digests of 1 MiB chunks, combined pairwise (an odd
    one carried up) until one is left."""
    import hashlib

    level = [
        hashlib.sha256(data[start : start + TREE_HASH_CHUNK]).digest()
        for start in range(0, len(data), TREE_HASH_CHUNK)
    ]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [
            hashlib.sha256(b"".join(pair)).digest() if len(pair) == 2 else pair[0] for pair in pairs
        ]
    return level[0].hex()


def checksum(algorithm: str, data: bytes) -> str:
    """The base64 checksum of ``data`` (``CRC32``, ``CRC32C``, ``CRC64NVME``, ``SHA1``,
    ``SHA256``; any case), as the ``x-amz-checksum-*`` headers carry it."""
    name = algorithm.upper()
    if name == "CRC32":
        digest = zlib.crc32(data).to_bytes(4, "big")
    elif name == "CRC32C":
        digest = crc32c(data).to_bytes(4, "big")
    elif name == "CRC64NVME":
        digest = crc64nvme(data).to_bytes(8, "big")
    elif name in ("SHA1", "SHA256"):
        import hashlib

        digest = hashlib.new(name.lower(), data).digest()
    else:
        raise ParamValidationError(
            f"unsupported checksum algorithm {algorithm!r}: expected one of "
            "CRC32, CRC32C, CRC64NVME, SHA1, SHA256"
        )
    return base64.b64encode(digest).decode("ascii")


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli): not in the standard library, so table-driven here."""
    return _reflected_crc(data, _table(_CRC32C_POLY), 0xFFFFFFFF)


def crc64nvme(data: bytes) -> int:
    """CRC-64/NVME, the checksum S3 computes for every object."""
    return _reflected_crc(data, _table(_CRC64NVME_POLY), 0xFFFFFFFFFFFFFFFF)


def _reflected_crc(data: bytes, table: tuple[int, ...], mask: int) -> int:
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


@cache
def _table(poly: int) -> tuple[int, ...]:
    entries: list[int] = []
    for index in range(256):
        crc = index
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        entries.append(crc)
    return tuple(entries)

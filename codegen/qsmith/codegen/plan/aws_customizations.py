"""What AWS's own SDKs do for a few AWS services that their Smithy models do not say.

S3, S3 Control and Glacier are served by every AWS SDK with customizations beyond their models
(botocore's ``s3v4`` signer and handlers, smithy-rs's S3 decorators). The generator
recognises these services by their ``sdkId`` (``aws.api#service``), the name AWS gives
each service across its SDKs and a fact of the model (the same in AWS's Smithy model
and in a model imported from botocore's C2J), and turns the customizations on in the
generated client in one of two ways:

- in the emitted schema itself (a URI pattern without the labels the endpoint rules
  already place in the URL), or
- as qsmith's own ``qsmith.customizations#`` traits on the emitted ``ServiceSchema``,
  which the generic runtime (``client/customizations.py``) acts on without naming a
  service.

A model whose service is not listed here gets none of it. See docs/design/protocols.md
("S3") for the facts behind each entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qsmith.runtime.client.customizations import (
    API_VERSION_HEADER_TRAIT,
    BODILESS_ERROR_CODES_TRAIT,
    CONTENT_SHA256_HEADER_TRAIT,
    ERRORS_IN_200_TRAIT,
    TREE_HASH_HEADER_TRAIT,
)

__all__ = [
    "LENIENT_HEADER_TRAIT",
    "customization_traits",
    "member_customization_traits",
    "uri_without_endpoint_labels",
]

S3 = "S3"
S3_CONTROL = "S3 Control"
GLACIER = "Glacier"

# CONTENT_SHA256_HEADER_TRAIT: S3 rejects a SigV4 request without ``x-amz-content-sha256``
# (botocore's ``s3v4`` signer sends it for every service signing as ``s3``).
# BODILESS_ERROR_CODES_TRAIT: S3 answers HEAD with no error body; its HeadObject and
# HeadBucket model the 404 as ``NotFound``.
# ERRORS_IN_200_TRAIT: S3 may answer CopyObject, UploadPartCopy, CompleteMultipartUpload
# with 200 and an <Error> document (it failed after the status went out); botocore's
# ``_handle_200_error`` makes that a 500 for any S3 operation with a structured output.
# Glacier: every request names the API version in ``x-amz-glacier-version`` (the service
# refuses one without it), and an upload carries the SHA-256 of its body and the tree hash
# of its 1 MiB chunks (botocore's ``add_glacier_version`` and ``add_glacier_checksums``).
_SERVICE_TRAITS: dict[str, dict[str, object]] = {
    S3: {CONTENT_SHA256_HEADER_TRAIT: {}, BODILESS_ERROR_CODES_TRAIT: {}, ERRORS_IN_200_TRAIT: {}},
    S3_CONTROL: {CONTENT_SHA256_HEADER_TRAIT: {}},
    GLACIER: {
        CONTENT_SHA256_HEADER_TRAIT: {},
        API_VERSION_HEADER_TRAIT: {"name": "x-amz-glacier-version"},
        TREE_HASH_HEADER_TRAIT: {"name": "x-amz-sha256-tree-hash"},
    },
}

# Response headers the service echoes as a client wrote them: S3 returns the ``Expires``
# an uploader set, which need not be a date ("0", "never"); botocore then leaves
# ``Expires`` unset (logging a warning) rather than fail GetObject and HeadObject.
LENIENT_HEADER_TRAIT = "qsmith.customizations#lenientHeader"
_LENIENT_HEADERS: dict[str, tuple[str, ...]] = {S3: ("Expires",)}

# Input members whose URI label the service's endpoint rules move into the URL (a
# virtual host ``bucket.s3...`` or a path-style ``s3.../bucket``): the operation's own
# URI pattern must not repeat them.
_ENDPOINT_BOUND_LABELS: dict[str, tuple[str, ...]] = {S3: ("Bucket",)}


def customization_traits(sdk_id: str | None) -> dict[str, object]:
    """The ``qsmith.customizations#`` traits the generated client of this service carries."""
    return dict(_SERVICE_TRAITS.get(sdk_id or "", {}))


def member_customization_traits(sdk_id: str | None, header: str | None) -> dict[str, object]:
    """The ``qsmith.customizations#`` traits of a member bound to ``header`` (if any)."""
    if header is not None and header in _LENIENT_HEADERS.get(sdk_id or "", ()):
        return {LENIENT_HEADER_TRAIT: {}}
    return {}


def uri_without_endpoint_labels(
    sdk_id: str | None, uri: str, rule_set: Mapping[str, Any] | None
) -> str:
    """``uri`` without the ``/{Label}`` segments the service's endpoint rules place.

    A label is dropped only when the rule set declares a parameter of that name: a
    model without S3's rules (the Smithy protocol tests' S3 model) resolves no bucket
    into its URL, so its path keeps the label.
    """
    labels = _ENDPOINT_BOUND_LABELS.get(sdk_id or "", ())
    parameters = (rule_set or {}).get("parameters") or {}
    path, mark, query = uri.partition("?")
    for label in labels:
        if label not in parameters:
            continue
        segment = "/{" + label + "}"
        if path == segment or path.startswith(segment + "/"):
            # An empty path leaves the endpoint's own path as it is (base.join_path).
            path = path[len(segment) :]
    return path + mark + query

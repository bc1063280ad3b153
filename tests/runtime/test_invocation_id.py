"""The ``amz-sdk-invocation-id`` a call sends is a random version-4 UUID, as ``uuid4`` makes."""

from __future__ import annotations

import uuid

from qsmith.runtime.client.core import _invocation_id


def test_invocation_ids_are_distinct_version_4_uuids_in_canonical_form() -> None:
    ids = [_invocation_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122

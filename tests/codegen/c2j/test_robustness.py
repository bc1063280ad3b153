"""Whatever JSON a user feeds import-c2j, it converts or raises ModelError — nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmith.codegen.c2j import convert_c2j
from qsmith.runtime.errors import ModelError

NAMES = st.sampled_from(["A", "B", "Thing", "bad name", "", "Unit"])
KEYS = st.sampled_from(
    [
        "type", "members", "member", "key", "value", "shape", "required", "enum", "min", "max",
        "pattern", "box", "exception", "fault", "error", "retryable", "union", "document",
        "eventstream", "event", "location", "locationName", "payload", "timestampFormat",
        "http", "method", "requestUri", "input", "output", "errors", "auth", "authtype",
        "httpStatusCode", "throttling", "idempotencyToken", "eventpayload", "streaming",
    ]
)  # fmt: skip
TYPES = st.sampled_from(
    ["structure", "list", "map", "string", "integer", "boolean", "timestamp", "blob", "x"]
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), NAMES, TYPES)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.one_of(KEYS, NAMES), inner, max_size=4)
    ),
    max_leaves=12,
)
REF = st.one_of(
    st.fixed_dictionaries(
        {"shape": NAMES},
        optional={"location": JSONISH, "locationName": JSONISH, "contextParam": JSONISH},
    ),
    JSONISH,
)
SHAPE = st.one_of(
    st.fixed_dictionaries(
        {"type": TYPES},
        optional={
            "members": st.dictionaries(NAMES, REF, max_size=3),
            "member": REF,
            "key": REF,
            "value": REF,
            "required": st.one_of(st.lists(NAMES, max_size=2), JSONISH),
            "enum": st.one_of(st.lists(NAMES, max_size=3), JSONISH),
            "min": SCALARS,
            "payload": st.one_of(NAMES, JSONISH),
            "exception": st.booleans(),
            "error": JSONISH,
            "retryable": JSONISH,
            "eventstream": st.booleans(),
            "timestampFormat": st.one_of(st.sampled_from(["iso8601", "rfc822"]), SCALARS),
        },
    ),
    JSONISH,
)
OPERATION = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "input": REF,
            "output": REF,
            "errors": st.one_of(st.lists(REF, max_size=2), JSONISH),
            "http": st.one_of(
                st.fixed_dictionaries({"method": NAMES, "requestUri": st.just("/{A}/{B+}")}),
                JSONISH,
            ),
            "authtype": JSONISH,
            "auth": JSONISH,
            "endpoint": JSONISH,
        },
    ),
    JSONISH,
)
PAGINATORS = st.one_of(
    st.none(),
    JSONISH,
    st.fixed_dictionaries({"pagination": st.dictionaries(NAMES, JSONISH, max_size=2)}),
)
METADATA = st.fixed_dictionaries(
    {"apiVersion": st.just("2024-01-01"), "serviceId": NAMES},
    optional={
        "protocol": st.sampled_from(["json", "rest-json", "query"]),
        "auth": JSONISH,
        "signatureVersion": st.sampled_from(["v4", "bearer", "v2"]),
    },
)


@settings(max_examples=200, print_blob=False)
@given(
    metadata=METADATA,
    shapes=st.dictionaries(NAMES, SHAPE, max_size=4),
    operations=st.dictionaries(NAMES, OPERATION, max_size=2),
    paginators=PAGINATORS,
)
def test_any_input_converts_or_raises_model_error(
    metadata: dict[str, Any], shapes: Any, operations: Any, paginators: Any
) -> None:
    document = {"metadata": metadata, "shapes": shapes, "operations": operations}
    try:
        conversion = convert_c2j(document, paginators=paginators, namespace="fuzz.ns")
    except ModelError as error:
        assert error.problems
        assert all(p.file == "<c2j>" or p.file == "<paginators>" for p in error.problems)
        return
    assert json.loads(conversion.to_json()) == conversion.model


def test_a_timestamp_format_that_is_not_a_string_is_a_model_error() -> None:
    """Found by the property test above: a list there used to raise TypeError."""
    document = {
        "metadata": {"apiVersion": "2024-01-01", "serviceId": "A"},
        "shapes": {"A": {"type": "structure", "members": {"A": {"timestampFormat": []}}}},
        "operations": {},
    }
    with pytest.raises(ModelError, match="timestampFormat"):
        convert_c2j(document)

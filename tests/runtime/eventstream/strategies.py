"""Hypothesis strategies for event stream messages."""

from __future__ import annotations

import uuid

from hypothesis import strategies as st

from qsmith.runtime.eventstream import Byte, HeaderValue, Long, Message, Short, Timestamp

header_values: st.SearchStrategy[HeaderValue] = st.one_of(
    st.booleans(),
    st.integers(-(2**7), 2**7 - 1).map(Byte),
    st.integers(-(2**15), 2**15 - 1).map(Short),
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**63), 2**63 - 1).map(Long),
    st.binary(max_size=64),
    st.text(max_size=64),
    st.integers(-(2**63), 2**63 - 1).map(Timestamp),
    st.uuids().map(lambda u: uuid.UUID(int=u.int)),
)

header_names = st.text(min_size=1, max_size=40).filter(lambda n: len(n.encode()) <= 255)

messages: st.SearchStrategy[Message] = st.builds(
    Message,
    st.dictionaries(header_names, header_values, max_size=8),
    st.binary(max_size=512),
)

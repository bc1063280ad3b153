"""``output`` of an awsJson stream never costs the caller an event or hides an error.

The output's members come in the ``initial-response`` message, before the first event.
When the service sends none, reading ``output`` must not read past what the client
already holds and raise a later stream error in its place: the events come first, in
order, then the error, from the iteration. Sync and async, through the generated client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from qsmith.runtime.errors import QsmithError
from qsmith.runtime.eventstream.errors import UnmodeledStreamError
from qsmith.testing import FakeService, event_stream_response
from qsmith.testing.event_streams import event_stream_encoder
from tests.runtime.resilience.clients import EVENTS, STREAMING, client_config, stream_chunks


def no_initial_response_then_error() -> list[bytes]:
    """The first event, then an exception message; no initial-response at all."""
    encoder = event_stream_encoder(STREAMING.schema, "aws.protocols#awsJson1_0")
    return [stream_chunks()[1], encoder.encode_unmodeled_error("ThrottlingException", "no")]


def read_output(read: Any) -> None:
    """Read ``output``: it may say the members are missing, never raise the stream's error."""
    try:
        read()
    except QsmithError as error:
        assert not isinstance(error, UnmodeledStreamError), repr(error)


async def aread_output(read: Any) -> None:
    try:
        await read
    except QsmithError as error:
        assert not isinstance(error, UnmodeledStreamError), repr(error)


@pytest.fixture
def fake() -> Any:
    with STREAMING.fake() as service:
        service.set_default(
            STREAMING.operation, event_stream_response(no_initial_response_then_error())
        )
        yield service


def test_sync_output_keeps_the_event_and_the_error_for_the_iteration(fake: FakeService) -> None:
    from qsmith.clients.codewhisperer_streaming.client import Client

    delivered: list[object] = []
    with (
        Client(config=client_config(STREAMING, fake.url)) as client,
        client.generate_assistant_response(**STREAMING.arguments()) as stream,
    ):
        read_output(lambda: stream.output)
        with pytest.raises(UnmodeledStreamError):
            for event in stream:
                delivered.append(event)
    assert delivered == EVENTS[:1]
    assert fake.attempts(STREAMING.operation) == 1


def test_async_output_keeps_the_event_and_the_error_for_the_iteration(
    fake: FakeService,
) -> None:
    from qsmith.clients.codewhisperer_streaming.client import AsyncClient

    delivered: list[object] = []

    async def call() -> None:
        async with AsyncClient(config=client_config(STREAMING, fake.url)) as client:
            stream = await client.generate_assistant_response(**STREAMING.arguments())
            async with stream:
                await aread_output(stream.output())
                with pytest.raises(UnmodeledStreamError):
                    async for event in stream:
                        delivered.append(event)

    asyncio.run(call())
    assert delivered == EVENTS[:1]
    assert fake.attempts(STREAMING.operation) == 1

"""The stand-in served on 127.0.0.1: a ``FakeService`` with the scripted answers as defaults."""

from __future__ import annotations

import functools
from types import TracebackType

from qsmith.standin.answers import PromptCache, chat_response, models_response
from qsmith.testing import FakeService

# Any token is accepted; the chat and gateway clients still need one to send.
STANDIN_TOKEN = "qsmith-standin-token"


class StandIn:
    """Amazon Q's chat and model listing, scripted, on an ephemeral loopback port."""

    def __init__(self) -> None:
        self._service = FakeService("awsJson1_0")
        self._service.set_default("ListAvailableModels", models_response)
        cache = PromptCache()  # what this stand-in has cached, across requests
        self._service.set_default(
            "GenerateAssistantResponse", functools.partial(chat_response, cache=cache)
        )

    def __enter__(self) -> StandIn:
        self._service.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._service.__exit__(exc_type, exc, tb)

    @property
    def url(self) -> str:
        return self._service.url

    @property
    def service(self) -> FakeService:
        """The underlying fake, to script faults or read the recorded requests."""
        return self._service

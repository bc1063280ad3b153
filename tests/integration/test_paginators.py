"""Generated paginate_<operation> methods follow the output token, sync and async."""

from __future__ import annotations

import asyncio
import json

from qsmith.clients.codewhisperer import AsyncClient, Client
from qsmith.clients.codewhisperer.models import ListAvailableModelsResponse
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, ScriptedResponse


def _page(model_ids: list[str], next_token: str | None) -> ScriptedResponse:
    body: dict[str, object] = {
        "models": [{"modelId": m} for m in model_ids],
        "defaultModel": {"modelId": model_ids[0]},
    }
    if next_token is not None:
        body["nextToken"] = next_token
    return ScriptedResponse.json(200, json.dumps(body))


def _script(server: LoopbackServer) -> None:
    server.enqueue(_page(["a", "b"], "t1"), _page(["c"], "t2"), _page(["d"], None))


def _model_ids(pages: list[ListAvailableModelsResponse]) -> list[list[str]]:
    return [[m.model_id for m in page.models] for page in pages]


CONFIG = ClientConfig(token="token", region="us-east-1")


def test_pages_follow_next_token_until_the_service_stops(loopback: LoopbackServer) -> None:
    _script(loopback)
    with Client(endpoint_url=loopback.url, config=CONFIG) as client:
        pages = list(client.paginate_list_available_models(origin="CLI"))
    assert _model_ids(pages) == [["a", "b"], ["c"], ["d"]]
    sent = [json.loads(r.body) for r in loopback.requests]
    assert [s.get("nextToken") for s in sent] == [None, "t1", "t2"]
    assert all(s["origin"] == "CLI" for s in sent)


def test_async_pages_follow_next_token(loopback: LoopbackServer) -> None:
    _script(loopback)

    async def run() -> list[ListAvailableModelsResponse]:
        async with AsyncClient(endpoint_url=loopback.url, config=CONFIG) as client:
            return [page async for page in client.paginate_list_available_models(origin="CLI")]

    assert _model_ids(asyncio.run(run())) == [["a", "b"], ["c"], ["d"]]


def test_a_repeated_token_ends_the_iteration_instead_of_looping(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(_page(["a"], "same"), _page(["b"], "same"))
    with Client(endpoint_url=loopback.url, config=CONFIG) as client:
        pages = list(client.paginate_list_available_models(origin="CLI"))
    assert _model_ids(pages) == [["a"], ["b"]]
    assert len(loopback.requests) == 2

"""Gateway keys from the store: required once one exists, limits as each API's 429."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qsmith.pool.keys import key_digest, new_key
from qsmith.pool.sqlite_store import SqliteStateStore
from qsmith.pool.usage import utc_day
from tests.pool.scripted import ScriptedBackend, login
from tests.pool.served import ServedApp, pool_app, sqlite_state

OPENAI_BODY = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}
ANTHROPIC_BODY = {**OPENAI_BODY, "max_tokens": 10}


@pytest.fixture
def state(tmp_path: Path) -> SqliteStateStore:
    return sqlite_state(tmp_path)


@pytest.fixture
def served(state: SqliteStateStore) -> Iterator[ServedApp]:
    app, _ = pool_app([login("alice", ScriptedBackend())], state, static_keys=())
    with ServedApp(app) as served:
        yield served


def chat(
    served: ServedApp, secret: str | None, body: dict[str, object] = OPENAI_BODY
) -> httpx.Response:
    headers = {"authorization": f"Bearer {secret}"} if secret else {}
    return httpx.post(f"{served.url}/v1/chat/completions", json=body, headers=headers)


def messages(served: ServedApp, secret: str) -> httpx.Response:
    headers = {"x-api-key": secret, "anthropic-version": "2023-06-01"}
    return httpx.post(f"{served.url}/v1/messages", json=ANTHROPIC_BODY, headers=headers)


def test_without_keys_the_gateway_is_open(served: ServedApp) -> None:
    assert chat(served, None).status_code == 200


def test_once_a_key_exists_it_is_required(served: ServedApp, state: SqliteStateStore) -> None:
    secret, key = new_key("ci")
    state.save_key(key)
    assert key.digest == key_digest(secret) and secret not in repr(key)
    missing = chat(served, None)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "invalid_api_key"
    wrong = messages(served, "qsk-wrong")
    assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "authentication_error"
    assert chat(served, secret).status_code == 200


def test_requests_per_minute_give_each_apis_429_with_retry_after(
    served: ServedApp, state: SqliteStateStore
) -> None:
    secret, key = new_key("ci", requests_per_minute=2)
    state.save_key(key)
    assert [chat(served, secret).status_code for _ in range(2)] == [200, 200]
    refused = chat(served, secret)
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert "2 requests per minute" in refused.json()["error"]["message"]
    anthropic = messages(served, secret)
    assert anthropic.status_code == 429 and "retry-after" in anthropic.headers
    assert anthropic.json() == {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": anthropic.json()["error"]["message"]},
    }
    # Listing models is not a turn: it is not limited.
    models = httpx.get(f"{served.url}/v1/models", headers={"authorization": f"Bearer {secret}"})
    assert models.status_code == 200


def test_a_key_limited_to_models_is_refused_others(
    served: ServedApp, state: SqliteStateStore
) -> None:
    secret, key = new_key("narrow", models=("claude-3.7-sonnet",))
    state.save_key(key)
    refused = chat(served, secret)
    assert refused.status_code == 403 and "may not use the model" in refused.text


def test_credits_per_day_are_a_429_until_midnight(
    served: ServedApp, state: SqliteStateStore
) -> None:
    secret, key = new_key("budget", credits_per_day=1.0)
    state.save_key(key)
    state.add_usage([f"key:{key.id}"], utc_day(time.time()), {"credits": 1.0})
    refused = chat(served, secret)
    assert refused.status_code == 429 and "credits" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 86400


def test_usage_is_counted_for_the_key(served: ServedApp, state: SqliteStateStore) -> None:
    secret, key = new_key("ci")
    state.save_key(key)
    for _ in range(3):
        assert chat(served, secret).status_code == 200
    usage = state.usage(f"key:{key.id}", utc_day(time.time()))
    assert usage["requests"] == 3 and usage["input_tokens"] == 30
    assert state.usage("login:alice")["requests"] == 3


def test_a_bad_body_is_still_reported_by_the_route(
    served: ServedApp, state: SqliteStateStore
) -> None:
    secret, key = new_key("ci", requests_per_minute=5)
    state.save_key(key)
    response = httpx.post(
        f"{served.url}/v1/chat/completions",
        content=b"{not json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400 and json.loads(response.text)["error"]

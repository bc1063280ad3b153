"""OpenAI ``response_format`` through the gateway: instructed, checked, repaired once."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)
openai = pytest.importorskip("openai", reason="the openai SDK (a dev dependency) is missing")

from qsmith.gateway.structured import INSTRUCTION, JsonFormat, violation  # noqa: E402
from tests.gateway.harness import (  # noqa: E402
    GENERATE,
    FakeQ,
    ServedGateway,
    answer,
    current_message,
    sent_state,
    text,
    usage,
)

CITY = {
    "type": "json_schema",
    "json_schema": {
        "name": "city",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "people": {"type": "integer"}},
            "required": ["name", "people"],
            "additionalProperties": False,
        },
    },
}
USER = [{"role": "user", "content": "Biggest city?"}]


def client(gateway: ServedGateway) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0)


def test_json_object_is_asked_for_and_checked(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text('{"ok": true}')))
    completion = client(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=USER, response_format={"type": "json_object"}
    )
    assert json.loads(completion.choices[0].message.content) == {"ok": True}
    assert INSTRUCTION in current_message(fake_q.calls(GENERATE)[0])["content"]


def test_a_wrong_answer_is_repaired_once(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(
        GENERATE,
        answer(text('Sure! {"name": "Tokyo"}'), usage(10, 5)),
        answer(text('{"name": "Tokyo", "people": 37000000}'), usage(20, 7)),
    )
    completion = client(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=USER, response_format=CITY
    )
    assert json.loads(completion.choices[0].message.content)["people"] == 37000000
    assert completion.usage.completion_tokens == 12  # both turns are counted
    repair = sent_state(fake_q.calls(GENERATE)[1])
    assert repair["history"][-1]["assistantResponseMessage"]["content"].startswith("Sure!")
    assert "not valid JSON" in current_message(fake_q.calls(GENERATE)[1])["content"]


def test_two_wrong_answers_are_an_upstream_error(gateway: ServedGateway, fake_q: FakeQ) -> None:
    fake_q.respond(GENERATE, answer(text('{"name": 1}')), answer(text('{"name": "x"}')))
    with pytest.raises(openai.APIStatusError) as caught:
        client(gateway).chat.completions.create(
            model="claude-sonnet-4", messages=USER, response_format=CITY
        )
    assert caught.value.status_code == 502
    assert "$.people is required" in str(caught.value)


def test_a_streamed_json_answer_is_checked_before_it_is_sent(
    gateway: ServedGateway, fake_q: FakeQ
) -> None:
    fake_q.respond(GENERATE, answer(text('{"a"'), text(": 1}")))
    chunks = client(gateway).chat.completions.create(
        model="claude-sonnet-4", messages=USER, response_format={"type": "json_object"}, stream=True
    )
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert json.loads(content) == {"a": 1}


def test_an_unknown_format_is_a_400(gateway: ServedGateway) -> None:
    body = {"model": "claude-sonnet-4", "messages": USER, "response_format": {"type": "xml"}}
    response = httpx.post(gateway.url + "/v1/chat/completions", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "response_format.type"


@pytest.mark.parametrize(
    ("answer_text", "fault"),
    [
        ("[1]", "not a JSON object"),
        ('{"name": "a", "people": 1.5}', "$.people should be integer"),
        ('{"name": "a", "people": true}', "$.people should be integer"),
        ('{"name": "a", "people": 1, "x": 0}', "not allow: ['x']"),
        ('{"name": "a", "people": 1}', None),
    ],
)
def test_schema_checks(answer_text: str, fault: str | None) -> None:
    found = violation(answer_text, JsonFormat(CITY["json_schema"]["schema"]))  # type: ignore[index]
    assert found == fault if fault is None else fault in (found or "")

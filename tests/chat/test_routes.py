"""Model choice routes: custom models and AMAZON_Q_SIGV4 go to qdeveloper-streaming, signed."""

from __future__ import annotations

import re

import pytest

from qsmith.chat import Conversation, RouteError, TextDelta, resolve_route
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, RecordedRequest
from tests.chat import scripts as s

CREDENTIALS = AwsCredentials("AKIDEXAMPLE", "secret-canary")


def _sigv4_conversation(loopback: LoopbackServer, **options: object) -> Conversation:
    return Conversation(
        endpoint_url=loopback.url,
        credentials=CREDENTIALS,
        client_config=ClientConfig(max_attempts=1),
        **options,  # type: ignore[arg-type]
    )


def _scope(request: RecordedRequest) -> tuple[str, str]:
    auth = request.header("Authorization") or ""
    match = re.match(
        r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/([^/]+)/([^/]+)/aws4_request,", auth
    )
    assert match, auth
    return match.group(1), match.group(2)


def test_custom_model_goes_to_qdeveloper_with_sigv4_in_its_region(
    loopback: LoopbackServer,
) -> None:
    loopback.enqueue(s.answer(s.text("Hi from", " custom"), sigv4=True))
    with _sigv4_conversation(loopback, model="custom:eu-central-1:my-model-v2", environ={}) as conv:
        assert conv.route.service == "qdeveloper-streaming"
        texts = [e.text for e in conv.send("hi") if isinstance(e, TextDelta)]
    assert texts == ["Hi from", " custom"]
    (request,) = loopback.requests
    assert request.header("X-Amz-Target") == "AmazonQDeveloperStreamingService.SendMessage"
    assert _scope(request) == ("eu-central-1", "q")
    assert "SignedHeaders=" in (request.header("Authorization") or "")
    assert "secret-canary" not in str(request.headers)
    message = s.request_state(request)["currentMessage"]["userInputMessage"]
    assert message["modelId"] == "my-model-v2"


def test_amazon_q_sigv4_selects_sigv4_for_every_call(loopback: LoopbackServer) -> None:
    loopback.enqueue(s.answer(s.text("signed"), sigv4=True))
    with _sigv4_conversation(
        loopback, model="claude-x", region="us-west-2", environ={"AMAZON_Q_SIGV4": "1"}
    ) as conv:
        assert conv.ask("hi").content == "signed"
        with pytest.raises(RouteError, match="bearer login"):
            conv.list_models()
    assert _scope(loopback.requests[0]) == ("us-west-2", "q")
    message = s.request_state(loopback.requests[0])["currentMessage"]["userInputMessage"]
    assert message["modelId"] == "claude-x"


@pytest.mark.parametrize(
    "model", ["custom:", "custom:us-east-1", "custom:us-east-1:", "custom:Mars:model"]
)
def test_malformed_custom_models_are_refused(model: str) -> None:
    with pytest.raises(RouteError, match="custom"):
        resolve_route(model, environ={})


def test_custom_region_conflict_is_refused() -> None:
    with pytest.raises(RouteError, match="region"):
        resolve_route("custom:eu-west-1:m", region="us-east-1", environ={})


def test_default_route_is_bearer_in_us_east_1() -> None:
    route = resolve_route("m-1", environ={})
    assert (route.service, route.auth, route.region, route.model_id) == (
        "codewhisperer-streaming",
        "bearer",
        "us-east-1",
        "m-1",
    )


async def test_async_conversation_takes_the_sigv4_route(loopback: LoopbackServer) -> None:
    from qsmith.chat import AsyncConversation

    loopback.enqueue(s.answer(s.text("async", " signed"), sigv4=True))
    conv = AsyncConversation(
        model="custom:ap-southeast-2:bare-id",
        endpoint_url=loopback.url,
        credentials=CREDENTIALS,
        client_config=ClientConfig(max_attempts=1),
        environ={},
    )
    async with conv:
        answer = await conv.ask("hi")
    assert answer.content == "async signed"
    assert answer.model_id == "bare-id"
    assert _scope(loopback.requests[0]) == ("ap-southeast-2", "q")


def test_a_q_developer_profile_is_served_by_its_own_region() -> None:
    arn = "arn:aws:codewhisperer:eu-central-1:111122223333:profile/EU"
    conversation = Conversation(token="t", profile_arn=arn, endpoint_url="http://127.0.0.1:9")
    assert conversation.route.region == "eu-central-1"
    assert conversation.route.bearer
    explicit = Conversation(
        token="t", profile_arn=arn, region="us-east-1", endpoint_url="http://127.0.0.1:9"
    )
    assert explicit.route.region == "us-east-1"  # a region the caller names wins

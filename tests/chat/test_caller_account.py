"""The caller's account id in a ``custom:`` conversation's metadata (STS GetCallerIdentity).

A loopback fake STS answers in awsQuery XML and a loopback fake qdeveloper-streaming answers
the chat. The id is looked up once per conversation, kept by the store and the exports, and
when STS fails (an error status, a refused connection) the chat goes on with ``"unknown"``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from qsmith.chat import AsyncConversation, Conversation, ConversationStore
from qsmith.cli.main import cli
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.client import ClientConfig
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.chat import scripts as s

CREDENTIALS = AwsCredentials("AKIDEXAMPLE", "secret-canary")
ACCOUNT = "123456789012"
MODEL = "custom:eu-central-1:my-model"
CALLER_IDENTITY = f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::{ACCOUNT}:user/alice</Arn>
    <UserId>AIDAEXAMPLEUSERID</UserId>
    <Account>{ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
""".encode()
STS_ERROR = b"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>try later</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c8</RequestId>
</ErrorResponse>
"""


def xml(status: int, body: bytes) -> ScriptedResponse:
    return ScriptedResponse(status=status, headers=[("Content-Type", "text/xml")], body=body)


@pytest.fixture
def sts(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    """A fake STS, named by ``AWS_ENDPOINT_URL_STS`` as a user would."""
    with LoopbackServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.url)
        yield server


def conversation(loopback: LoopbackServer, tmp_path: Path, **options: object) -> Conversation:
    return Conversation(
        endpoint_url=loopback.url,
        credentials=CREDENTIALS,
        client_config=ClientConfig(max_attempts=1),
        store=ConversationStore(tmp_path / "conversations"),
        **{"model": MODEL, "environ": {}, **options},  # type: ignore[arg-type]
    )


def assert_get_caller_identity(request: RecordedRequest) -> None:
    assert request.method == "POST"
    assert parse_qs(request.body.decode()) == {
        "Action": ["GetCallerIdentity"],
        "Version": ["2011-06-15"],
    }
    auth = request.header("Authorization") or ""
    assert re.match(r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-central-1/sts/", auth)
    assert "secret-canary" not in str(request.headers)


def test_account_id_is_looked_up_once_and_saved(
    loopback: LoopbackServer, sts: LoopbackServer, tmp_path: Path
) -> None:
    sts.enqueue(xml(200, CALLER_IDENTITY))
    loopback.enqueue(s.answer(s.text("one"), sigv4=True), s.answer(s.text("two"), sigv4=True))
    with conversation(loopback, tmp_path) as conv:
        assert conv.ask("hi").content == "one"
        assert conv.ask("again").content == "two"
    (request,) = sts.requests  # once per conversation, not once per turn
    assert_get_caller_identity(request)
    assert len(loopback.requests) == 2
    assert conv.record.identity["account_id"] == ACCOUNT
    saved = ConversationStore(tmp_path / "conversations").load(conv.id)
    assert saved.identity["account_id"] == ACCOUNT
    assert saved.identity["auth"] == "sigv4" and saved.model["region"] == "eu-central-1"

    loopback.enqueue(s.answer(s.text("three"), sigv4=True))
    with conversation(loopback, tmp_path, resume=conv.id) as resumed:
        assert resumed.ask("and again").content == "three"
    assert len(sts.requests) == 1  # a resumed conversation keeps its recorded account


async def test_async_conversation_records_the_account(
    loopback: LoopbackServer, sts: LoopbackServer, tmp_path: Path
) -> None:
    sts.enqueue(xml(200, CALLER_IDENTITY))
    loopback.enqueue(s.answer(s.text("async"), sigv4=True))
    conv = AsyncConversation(
        model=MODEL,
        endpoint_url=loopback.url,
        credentials=CREDENTIALS,
        client_config=ClientConfig(max_attempts=1),
        environ={},
    )
    async with conv:
        assert (await conv.ask("hi")).content == "async"
    (request,) = sts.requests
    assert_get_caller_identity(request)
    assert conv.record.identity["account_id"] == ACCOUNT


def test_sts_error_leaves_the_chat_working_and_the_account_unknown(
    loopback: LoopbackServer,
    sts: LoopbackServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sts.enqueue(xml(500, STS_ERROR))
    loopback.enqueue(s.answer(s.text("still here"), sigv4=True))
    caplog.set_level(logging.DEBUG, logger="qsmith.chat.caller_account")
    with conversation(loopback, tmp_path) as conv:
        assert conv.ask("hi").content == "still here"
    assert len(sts.requests) == 1  # one attempt: the first answer waits for it
    assert conv.record.identity["account_id"] == "unknown"
    (logged,) = [r for r in caplog.records if r.name == "qsmith.chat.caller_account"]
    assert logged.levelno == logging.DEBUG
    assert "caller account id unavailable" in logged.getMessage()
    assert "secret-canary" not in caplog.text


def test_refused_sts_connection_leaves_the_chat_working(
    loopback: LoopbackServer, sts_on_a_closed_loopback_port: str, tmp_path: Path
) -> None:
    loopback.enqueue(s.answer(s.text("no sts"), sigv4=True))
    with conversation(loopback, tmp_path) as conv:
        assert conv.ask("hi").content == "no sts"
    saved = ConversationStore(tmp_path / "conversations").load(conv.id)
    assert saved.identity["account_id"] == "unknown"


def test_only_the_custom_route_looks_the_account_up(
    loopback: LoopbackServer, sts: LoopbackServer, tmp_path: Path
) -> None:
    loopback.enqueue(s.answer(s.text("a"), sigv4=True), s.answer(s.text("b"), sigv4=True))
    with conversation(
        loopback, tmp_path, model="m-1", region="us-west-2", environ={"AMAZON_Q_SIGV4": "1"}
    ) as signed:
        assert signed.ask("hi").content == "a"
    with conversation(loopback, tmp_path, caller_account=False) as opted_out:
        assert opted_out.ask("hi").content == "b"
    assert sts.requests == []
    assert "account_id" not in signed.record.identity
    assert "account_id" not in opted_out.record.identity


def test_exports_keep_the_account(
    loopback: LoopbackServer,
    sts: LoopbackServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sts.enqueue(xml(200, CALLER_IDENTITY))
    loopback.enqueue(s.answer(s.text("exported"), sigv4=True))
    with conversation(loopback, tmp_path, profile="audit") as conv:
        conv.ask("hi")
    monkeypatch.setenv("QSMITH_CONVERSATIONS_DIR", str(tmp_path / "conversations"))
    runner = CliRunner()
    as_json = runner.invoke(cli, ["chat", "--export", conv.id, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    identity = json.loads(as_json.output)["identity"]
    assert (identity["account_id"], identity["profile"]) == (ACCOUNT, "audit")
    markdown = runner.invoke(cli, ["chat", "--export", conv.id, "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    header = markdown.output.split("\n## ")[0].splitlines()
    assert header[3:] == [
        "- model: my-model",
        "- region: eu-central-1",
        "- auth: sigv4",
        "- profile: audit",
        f"- account: {ACCOUNT}",
    ]


def test_the_lookup_keeps_the_identity_but_not_the_q_endpoint_retries_or_timeout() -> None:
    from qsmith.chat.caller_account import LOOKUP_TIMEOUT, sts_config

    chat = ClientConfig(
        region="eu-central-1",
        profile="audit",
        credentials=CREDENTIALS,
        endpoint_url="http://127.0.0.1:9/q",
        max_attempts=5,
        call_timeout=600.0,
    )
    config = sts_config(chat)
    assert (config.region, config.profile, config.credentials) == (
        "eu-central-1",
        "audit",
        CREDENTIALS,
    )
    assert config.endpoint_url is None and config.protocol is None
    assert (config.max_attempts, config.retry_strategy) == (1, None)
    assert config.call_timeout == LOOKUP_TIMEOUT == 10.0

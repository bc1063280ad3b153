"""No secret reaches ``repr``/``str`` of any public object of the runtime or the login app.

Every public class of ``qsmith.runtime`` (and of ``qsmith.login``) is either built here
with canary secrets in every credential-bearing field and its ``repr``/``str`` searched
for them, or listed as holding none, with the reason. A new public class that is in
neither table fails ``test_every_public_class_is_checked_or_declared_secret_free``.

The second half makes real loopback calls whose requests carry the canaries (SigV4
session token, bearer token, an API key and a cookie in extra headers) and searches every
object an error exposes: the exception, ``raw_response``, its request and both headers.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import qsmith.chat
import qsmith.login
import qsmith.runtime
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.errors import QsmithError
from qsmith.runtime.http import HttpRequest
from qsmith.testing.fake_service import Step, error_response
from tests.runtime.resilience.clients import CONSOLAS, STREAMING, TELEMETRY, Target

SECRET = "CANARYsecretACCESSkey0000000000000000001"
SESSION = "CANARYsessionTOKEN0000000000000000000002"
TOKEN = "CANARYbearerTOKEN00000000000000000000003"
REFRESH = "CANARYrefreshTOKEN0000000000000000000004"
CLIENT_SECRET = "CANARYclientSECRET0000000000000000000005"
API_KEY = "CANARYapiKEY00000000000000000000000000006"
COOKIE = "CANARYcookie0000000000000000000000000007"
SIGNATURE = "CANARYsignature000000000000000000000008"
DEVICE_CODE = "CANARYdeviceCODE0000000000000000000009"
CANARIES = (SECRET, SESSION, TOKEN, REFRESH, CLIENT_SECRET, API_KEY, COOKIE, SIGNATURE, DEVICE_CODE)
KEY_ID = "AKIDCANARY0000000001"  # shown masked, never whole

SECRET_HEADERS = [
    ("Authorization", f"Bearer {TOKEN}"),
    ("X-Amz-Security-Token", SESSION),
    ("x-api-key", API_KEY),
    ("Cookie", f"session={COOKIE}"),
    ("Set-Cookie", f"session={COOKIE}; HttpOnly"),
]
LATER = datetime(2099, 1, 1, tzinfo=UTC)


def _credentials() -> AwsCredentials:
    return AwsCredentials(KEY_ID, SECRET, SESSION, expiration=LATER, source="test")


def _token(expiration: datetime = LATER) -> BearerToken:
    return BearerToken(
        TOKEN,
        expiration=expiration,
        refresh_token=REFRESH,
        client_id="client-id",
        client_secret=CLIENT_SECRET,
        region="us-east-1",
    )


def _request() -> HttpRequest:
    return HttpRequest(
        "POST",
        "q.example",
        "/p",
        query=[("X-Amz-Signature", SIGNATURE), ("X-Amz-Security-Token", SESSION)],
        headers=list(SECRET_HEADERS),
        body=b"{}",
    )


def _token_file(tmp: Path) -> Path:
    from qsmith.runtime.auth.tokens.token_file import JsonTokenFile

    path = tmp / "token.json"
    JsonTokenFile(path).save(_token())
    return path


# -- the objects that hold secrets, built with canaries ----------------------------------------


def _runtime_factories(tmp: Path) -> dict[str, Callable[[], object]]:
    from qsmith.runtime.auth.credentials.caching import CachingCredentialsProvider
    from qsmith.runtime.auth.credentials.chain import CredentialChain
    from qsmith.runtime.auth.credentials.config_file import SharedConfig
    from qsmith.runtime.auth.credentials.container import ContainerCredentialsProvider
    from qsmith.runtime.auth.credentials.http_client import HttpAnswer
    from qsmith.runtime.auth.credentials.provider import (
        EnvironmentCredentialsProvider,
        StaticCredentialsProvider,
    )
    from qsmith.runtime.auth.credentials.sts import StsClient
    from qsmith.runtime.auth.event_signer import EventSigner, SignedEvent
    from qsmith.runtime.auth.schemes import AuthResolver, ResolvedAuth
    from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
    from qsmith.runtime.auth.tokens.chain import TokenChain
    from qsmith.runtime.auth.tokens.oidc import OidcRefresher
    from qsmith.runtime.auth.tokens.provider import EnvTokenProvider, StaticTokenProvider
    from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
    from qsmith.runtime.auth.tokens.token_file import JsonTokenFile, TokenFileProvider
    from qsmith.runtime.client.config import ClientConfig
    from qsmith.runtime.client.core import CallOptions
    from qsmith.runtime.hooks import AttemptContext, AttemptOutcome
    from qsmith.runtime.redacted_httpx import RedactedHeaders
    from qsmith.runtime.redaction import SecretRegistry

    env = {
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": SESSION,
        "AWS_BEARER_TOKEN": TOKEN,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/creds",
    }

    def resolved(provider: Any) -> Any:
        provider.resolve_credentials()
        return provider

    def resolved_token(provider: Any) -> Any:
        provider.resolve_token()
        return provider

    def signing_result() -> object:
        return SigV4Signer().sign(_request(), _credentials(), SigV4Config("us-east-1", "svc"))

    class NeverRefresh:
        def refresh(self, token: BearerToken) -> BearerToken:
            raise AssertionError("the token is fresh")

    def registry() -> object:
        secrets = SecretRegistry()
        secrets.add(TOKEN)
        return secrets

    return {
        "AwsCredentials": _credentials,
        "BearerToken": _token,
        "HttpRequest": _request,
        "SigningResult": signing_result,
        "SigV4Signer": lambda: (signing_result(), SigV4Signer())[1],
        "StaticCredentialsProvider": lambda: resolved(StaticCredentialsProvider(_credentials())),
        "EnvironmentCredentialsProvider": lambda: resolved(EnvironmentCredentialsProvider(env)),
        "CachingCredentialsProvider": lambda: resolved(
            CachingCredentialsProvider(StaticCredentialsProvider(_credentials()))
        ),
        "CredentialChain": lambda: resolved(
            CredentialChain([StaticCredentialsProvider(_credentials())])
        ),
        "SharedConfig": lambda: SharedConfig(
            profiles={
                "default": {
                    "aws_access_key_id": KEY_ID,
                    "aws_secret_access_key": SECRET,
                    "aws_session_token": SESSION,
                }
            },
            sso_sessions={"s": {"sso_start_url": "https://x.awsapps.com/start"}},
        ),
        "ContainerCredentialsProvider": lambda: ContainerCredentialsProvider(env),
        "HttpAnswer": lambda: HttpAnswer(
            200, f'{{"SecretAccessKey": "{SECRET}", "Token": "{SESSION}"}}'.encode()
        ),
        "StsClient": lambda: StsClient("us-east-1"),
        "EventSigner": lambda: EventSigner(_credentials(), "us-east-1", "svc", SIGNATURE),
        "SignedEvent": lambda: SignedEvent(LATER, SIGNATURE.encode(), b"{}", SIGNATURE),
        "ResolvedAuth": lambda: ResolvedAuth("aws.auth#sigv4", _credentials(), "us-east-1", "svc"),
        "AuthResolver": lambda: AuthResolver(
            region="us-east-1",
            credentials=StaticCredentialsProvider(_credentials()),
            tokens=StaticTokenProvider(_token()),
        ),
        "TokenChain": lambda: resolved_token(TokenChain([StaticTokenProvider(_token())])),
        "OidcRefresher": lambda: OidcRefresher(endpoint="http://127.0.0.1:1"),
        "StaticTokenProvider": lambda: resolved_token(StaticTokenProvider(TOKEN)),
        "EnvTokenProvider": lambda: resolved_token(EnvTokenProvider("AWS_BEARER_TOKEN", env)),
        "RefreshingTokenProvider": lambda: resolved_token(
            RefreshingTokenProvider(JsonTokenFile(_token_file(tmp)), NeverRefresh())
        ),
        "JsonTokenFile": lambda: JsonTokenFile(_token_file(tmp)),
        "TokenFileProvider": lambda: resolved_token(TokenFileProvider(_token_file(tmp))),
        "ClientConfig": lambda: ClientConfig(
            region="us-east-1",
            token=TOKEN,
            credentials=_credentials(),
            headers=dict(SECRET_HEADERS),
            endpoint_url=f"https://user:{SECRET}@q.example/?X-Amz-Signature={SIGNATURE}",
        ),
        "CallOptions": lambda: CallOptions(5.0, dict(SECRET_HEADERS)),
        "AttemptContext": lambda: AttemptContext(
            service="svc", operation="Op", attempt=1, max_attempts=3, request=_request()
        ),
        "AttemptOutcome": lambda: AttemptOutcome(
            http_status=200, headers=list(SECRET_HEADERS), error=None, elapsed=0.1, will_retry=False
        ),
        "SecretRegistry": registry,
        "RedactedHeaders": lambda: RedactedHeaders(SECRET_HEADERS),
    }


def _login_factories(tmp: Path) -> dict[str, Callable[[], object]]:
    from qsmith.login.imported_token_provider import ImportedTokenProvider
    from qsmith.login.kiro_refresher import KiroSocialRefresher
    from qsmith.login.oidc import ClientRegistration, DeviceAuthorization, TokenGrant
    from qsmith.login.other_tool_logins import ImportedLogin

    return {
        "ClientRegistration": lambda: ClientRegistration("client-id", CLIENT_SECRET, LATER),
        "DeviceAuthorization": lambda: DeviceAuthorization(
            DEVICE_CODE, "ABCD-EFGH", "https://device.example", None, 600, 5
        ),
        "TokenGrant": lambda: TokenGrant(TOKEN, 3600, REFRESH),
        "ImportedLogin": lambda: ImportedLogin("kiro", "social", _token()),
        "ImportedTokenProvider": lambda: ImportedTokenProvider(
            "kiro", lambda: ImportedLogin("kiro", "social", _token())
        ),
        "KiroSocialRefresher": lambda: KiroSocialRefresher(),
    }


def _chat_factories(tmp: Path) -> dict[str, Callable[[], object]]:
    from qsmith.chat import AsyncConversation, Conversation
    from qsmith.chat.backend import AsyncChatBackend, ChatBackend, Identity
    from qsmith.chat.routing import Route

    def identity() -> Identity:
        return Identity(token=TOKEN, credentials=_credentials(), profile_arn="arn:p")

    def route() -> Route:
        return Route(
            service="codewhisperer-streaming", auth="bearer", region="us-east-1", model_id=None
        )

    return {
        "Identity": identity,
        "ChatBackend": lambda: ChatBackend(route(), identity()),
        "AsyncChatBackend": lambda: AsyncChatBackend(route(), identity()),
        "Conversation": lambda: Conversation(token=TOKEN, region="us-east-1", environ={}),
        "AsyncConversation": lambda: AsyncConversation(token=TOKEN, region="us-east-1", environ={}),
    }


# -- the public classes that hold no secret, with the reason ------------------------------------

# Whole modules whose classes describe models, wire formats, retries or telemetry: none has
# a field a credential could be put in.
SECRET_FREE_MODULES = {
    "qsmith.runtime.schema": "model metadata",
    "qsmith.runtime.endpoints": "endpoint rules and their evaluation (region, URL templates)",
    "qsmith.runtime.eventstream": "event stream framing; payloads are the user's data",
    "qsmith.runtime.retry": "retry strategies, quotas and error classifications",
    "qsmith.runtime.telemetry": "metric descriptions",
    "qsmith.runtime.serde": "codecs and their errors (messages name members, not values)",
    "qsmith.runtime.protocols": "protocol codecs (stateless)",
    "qsmith.runtime.values": "generated value bases; @sensitive members: redact_members",
    "qsmith.runtime.errors": "error families; the loopback tests below check raised errors",
    "qsmith.runtime.transport": "timeouts, pool limits and transport errors; checked below",
    "qsmith.runtime.client.events": "event decoding glue",
    "qsmith.runtime.client.customizations": "header names and retry rules from the model",
    "qsmith.runtime.client.endpoint": "endpoint rules, bound parameters and resolved URLs",
    "qsmith.login.errors": "error classes; messages name files and commands",
    "qsmith.login.paths": "file locations",
    "qsmith.login.profiles": "profile ARNs and names",
    "qsmith.chat.events": "what the service streamed (the user's conversation)",
    "qsmith.chat.messages": "the user's messages and tool specs",
    "qsmith.chat.history": "history limits and request plans",
    "qsmith.chat.routing": "which service and region a model id routes to",
    "qsmith.chat.store": "stored conversations: Identity.describe keeps no secret",
    "qsmith.chat.translate": "event translation state",
    "qsmith.chat.turn": "assembles one answer from events",
    "qsmith.chat.errors": "error classes; messages come from the service",
}
SECRET_FREE_CLASSES = {
    "CredentialProvider": "a Protocol",
    "TokenProvider": "a Protocol",
    "TokenRefresher": "a Protocol",
    "OidcApi": "a Protocol",
    "ProfileLister": "a Protocol",
    "BeforeSend": "a Protocol",
    "AfterReceive": "a Protocol",
    "InterceptorChain": "holds the user's interceptors only",
    "RedactingFilter": "holds a SecretRegistry (checked above)",
    "CredentialsNotFound": "an error raised with a reason, never a value",
    "ConfigFileError": "names the file and the line, never the value",
    "CredentialSourceError": "message built from sources and statuses",
    "LoginRequiredError": "names the source and the login command",
    "NoCredentialsError": "lists sources and reasons",
    "NoTokenError": "names the source",
    "SignatureError": "says why a request cannot be signed",
    "TokenExpiredError": "names the source and the login command",
    "TokenRefreshError": "names the endpoint and the OAuth error code",
    "TokenRefreshBackoffError": "names the source, the delay and the TokenRefreshError's text",
    "NoIdentityError": "lists schemes and reasons",
    "SigV4Config": "region, service and switches",
    "ClientCore": "holds the resolved config behind an AuthResolver (checked above)",
    "ResolvedClient": "holds the config (checked above) and AuthResolvers (checked above)",
    "ClientBase": "holds a ClientCore",
    "AsyncClientBase": "holds a ClientCore",
    "EventStreamResponse": "checked through raw_response in the loopback tests",
    "AsyncEventStreamResponse": "checked through raw_response in the loopback tests",
    "InstanceMetadataCredentialsProvider": "holds endpoints; fetched keys are not kept",
    "ProcessCredentialsProvider": "holds a command and a profile name",
    "ProfileCredentialsProvider": "holds a profile name and a SharedConfig (checked above)",
    "SsoCredentialsProvider": "holds a role, account and a token provider (checked above)",
    "WebIdentityCredentialsProvider": "holds the token file path, never its content",
    "SsoCacheTokenProvider": "a TokenFileProvider (checked above)",
    "CodeWhispererProfileLister": "holds a client factory",
    "OidcClientAdapter": "holds a generated client (ClientConfig checked above)",
    "DeviceCodeLogin": "holds callables and a RegistrationCache",
    "RegistrationCache": "holds a folder",
    "LoginState": "owner, kind, region, start URL: no secret by design",
    "Whoami": "built to be shown: no secret by design",
    "Profile": "a profile ARN and name",
    "ModelInfo": "a model id, name and description",
    "PromptCaching": "whether a model caches prompts, and its checkpoint limits",
    "EncodedEvents": "the caller's events; repr shows <stream>",
    "SignedEventFrames": "holds an EventSigner (repr: region and service); repr shows <stream>",
    "Acceptor": "a model's acceptor: state, matcher, path, expected value",
    "Waiter": "a model's waiter: name, acceptors and delays",
    "WaiterResult": "the operation's output, whose repr is the generated (redacting) one",
    "WaiterError": "names the waiter, the reason and an error code only",
    "WaiterFailure": "an enum of reasons",
}


def _public_classes(package: Any) -> Iterator[tuple[str, str, type]]:
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [name for name in vars(module) if not name.startswith("_")]
        for name in names:
            value = getattr(module, name, None)
            if inspect.isclass(value) and value.__module__ == info.name:
                yield info.name, name, value


def _declared_free(module: str, name: str) -> bool:
    if name in SECRET_FREE_CLASSES:
        return True
    return any(module == m or module.startswith(m + ".") for m in SECRET_FREE_MODULES)


def test_every_public_class_is_checked_or_declared_secret_free(tmp_path: Path) -> None:
    built = {name for factories in _FACTORIES.values() for name in factories(tmp_path)}
    unclassified = [
        f"{module}.{name}"
        for package in (qsmith.runtime, qsmith.login, qsmith.chat)
        for module, name, _ in _public_classes(package)
        if name not in built and not _declared_free(module, name)
    ]
    assert unclassified == [], "build these with canaries above, or say why they hold none"


def _assert_no_canary(label: str, value: object) -> None:
    for text in (repr(value), str(value)):
        for canary in CANARIES:
            assert canary not in text, f"{label} shows a secret: {text}"
        assert KEY_ID not in text, f"{label} shows the whole access key id: {text}"


_FACTORIES = {"runtime": _runtime_factories, "login": _login_factories, "chat": _chat_factories}


@pytest.mark.parametrize("group", sorted(_FACTORIES))
def test_reprs_of_secret_holders_show_no_canary(group: str, tmp_path: Path) -> None:
    factories = _FACTORIES[group](tmp_path)
    failures = []
    for name, build in factories.items():
        try:
            _assert_no_canary(name, build())
        except AssertionError as failure:
            failures.append(str(failure).splitlines()[0])
    assert failures == []


# -- errors from real calls whose requests carried the canaries --------------------------------


def _config(target: Target, url: str) -> Any:
    from qsmith.runtime.client import ClientConfig
    from qsmith.runtime.retry import StandardRetryStrategy
    from qsmith.runtime.transport import TransportConfig

    identity: dict[str, Any] = (
        {"token": TOKEN} if target.bearer else {"credentials": _credentials()}
    )
    return ClientConfig(
        region="us-east-1",
        endpoint_url=url,
        retry_strategy=StandardRetryStrategy(max_attempts=1),
        transport=TransportConfig(trust_env=False),
        headers={"x-api-key": API_KEY, "Cookie": f"session={COOKIE}"},
        **identity,
    )


def _failure(target: Target, step: Step, mode: str) -> QsmithError:
    with target.fake() as fake:
        fake.set_default(target.operation, step)
        config = _config(target, fake.url)
        module = target.module("client")

        def call_sync() -> None:
            with module.Client(config=config) as client:
                result = getattr(client, target.method)(**target.arguments())
                if target.streaming:
                    with result as stream:
                        list(stream)

        async def call_async() -> None:
            async with module.AsyncClient(config=config) as client:
                result = await getattr(client, target.method)(**target.arguments())
                if target.streaming:
                    async with result as stream:
                        [event async for event in stream]

        with pytest.raises(QsmithError) as caught:
            call_sync() if mode == "sync" else asyncio.run(call_async())
        (received,) = fake.requests
        assert received.header("x-api-key") == API_KEY  # the canaries did go on the wire
    return caught.value


def _exposed(error: BaseException) -> Iterator[tuple[str, object]]:
    """Everything an error lets a user print: itself, its causes and their HTTP objects."""
    seen: BaseException | None = error
    depth = 0
    while seen is not None and depth < 5:
        yield f"error[{depth}]", seen
        for attribute in ("raw_response", "response", "request"):
            try:
                exposed = getattr(seen, attribute, None)
            except RuntimeError:  # httpx raises when an error has no request
                exposed = None
            if exposed is None:
                continue
            yield f"error[{depth}].{attribute}", exposed
            for inner in ("headers", "request", "url"):
                try:
                    value = getattr(exposed, inner, None)
                except RuntimeError:
                    value = None
                if value is not None:
                    yield f"error[{depth}].{attribute}.{inner}", value
                    headers = getattr(value, "headers", None)
                    if headers is not None:
                        yield f"error[{depth}].{attribute}.{inner}.headers", headers
        seen = seen.__cause__ or seen.__context__
        depth += 1


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("target", [CONSOLAS, TELEMETRY, STREAMING], ids=lambda t: t.name)
def test_errors_of_a_real_call_show_no_canary(target: Target, mode: str) -> None:
    answer = error_response(
        "ValidationException",
        "bad",
        headers=[("Set-Cookie", f"session={COOKIE}"), ("x-amzn-RequestId", "rid")],
    )
    error = _failure(target, answer, mode)
    assert error.raw_response is not None
    assert error.raw_response.request.headers.get("x-api-key") == API_KEY  # still usable
    exposed = list(_exposed(error))
    assert any(label.endswith("raw_response.request.headers") for label, _ in exposed)
    for label, value in exposed:
        _assert_no_canary(label, value)


def test_expired_token_file_error_shows_no_canary(tmp_path: Path) -> None:
    from qsmith.runtime.auth.tokens.token_file import JsonTokenFile, TokenFileProvider

    path = tmp_path / "token.json"
    JsonTokenFile(path).save(_token(expiration=datetime.now(UTC) - timedelta(hours=1)))
    with pytest.raises(QsmithError) as caught:
        TokenFileProvider(path).resolve_token()
    for label, value in _exposed(caught.value):
        _assert_no_canary(label, value)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("target", [CONSOLAS, STREAMING], ids=lambda t: t.name)
def test_transport_errors_and_their_httpx_causes_show_no_canary(target: Target, mode: str) -> None:
    config = _config(target, f"http://127.0.0.1:{_closed_port()}")
    module = target.module("client")

    async def call_async() -> None:
        async with module.AsyncClient(config=config) as client:
            await getattr(client, target.method)(**target.arguments())

    with pytest.raises(QsmithError) as caught:
        if mode == "sync":
            with module.Client(config=config) as client:
                getattr(client, target.method)(**target.arguments())
        else:
            asyncio.run(call_async())
    exposed = list(_exposed(caught.value))
    assert any(label.endswith("].request.headers") for label, _ in exposed)  # httpx's cause
    for label, value in exposed:
        _assert_no_canary(label, value)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_successful_streams_response_shows_no_canary(mode: str) -> None:
    """``stream.response`` is public: its request carried the canaries in headers."""
    with STREAMING.fake() as fake:
        fake.set_default(STREAMING.operation, STREAMING.ok())
        config = _config(STREAMING, fake.url)
        module = STREAMING.module("client")
        shown: list[tuple[str, object]] = []

        def collect(stream: Any) -> None:
            response = stream.response
            shown.extend(
                [
                    ("response.headers", response.headers),
                    ("response.request", response.request),
                    ("response.request.headers", response.request.headers),
                ]
            )

        if mode == "sync":
            with (
                module.Client(config=config) as client,
                client.generate_assistant_response(**STREAMING.arguments()) as stream,
            ):
                collect(stream)
                list(stream)
        else:

            async def run() -> None:
                async with module.AsyncClient(config=config) as client:
                    stream = await client.generate_assistant_response(**STREAMING.arguments())
                    async with stream:
                        collect(stream)
                        [event async for event in stream]

            asyncio.run(run())
    assert shown
    for label, value in shown:
        _assert_no_canary(label, value)

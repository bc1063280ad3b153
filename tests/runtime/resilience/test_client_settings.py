"""Client settings that shape retries and transport, through the real generated clients:
the shared config profile (``max_attempts``, ``retry_mode``, ``ca_bundle``,
``endpoint_url``, ``region``), ``AWS_CA_BUNDLE``, proxies from the environment, the
whole-call deadline of a stream, and interceptors that fail.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry import AdaptiveRetryStrategy
from qsmith.runtime.transport import CallTimeoutError, TransportConfig
from qsmith.testing import FakeService, throttle
from qsmith.testing.raw_server import RawAnswer, RawSocketServer, chunked, http_head
from tests.runtime.resilience.clients import (
    CONSOLAS,
    EVENTS,
    STREAMING,
    client_config,
    run_call,
    stream_chunks,
)
from tests.runtime.resilience.pool import busy_connections

SETTINGS_ENV = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_CA_BUNDLE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_CODEWHISPERER",
    "AWS_ENDPOINT_URL_CODEWHISPERERSTREAMING",
)
PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment whose shared config file is ``tmp_path / 'config'``."""
    for name in (*SETTINGS_ENV, *PROXY_ENV):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return config


@pytest.fixture
def fake() -> Iterator[FakeService]:
    with CONSOLAS.fake() as service:
        yield service


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("qsmith.runtime.client.sync._sleep", lambda s, d: slept.append(s))
    return slept


def _consolas(**config: Any) -> Any:
    from qsmith.clients.consolas.client import Client
    from qsmith.runtime.auth.identity import AwsCredentials
    from qsmith.runtime.client import ClientConfig

    return Client(
        config=ClientConfig(credentials=AwsCredentials("AKIDEXAMPLE", "s3cr3tkey!"), **config)
    )


def test_profile_settings_reach_the_client(
    environment: Path, fake: FakeService, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    environment.write_text(
        "[profile qa]\n"
        "region = eu-central-1\n"
        "max_attempts = 2\n"
        "retry_mode = adaptive\n"
        f"ca_bundle = {certifi.where()}\n"
        f"endpoint_url = {fake.url}\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "qa")
    fake.inject(CONSOLAS.operation, throttle(), times=3)
    with _consolas() as client:
        core = client._core
        assert client.region == "eu-central-1"
        assert client.endpoint_url == fake.url
        assert isinstance(core.retry, AdaptiveRetryStrategy)
        assert core.retry.max_attempts == 2
        assert core.transport.ca_bundle == certifi.where()
        assert core.transport.ca_bundle_source == "ca_bundle in the config file"
        with pytest.raises(CONSOLAS.error_type("ThrottlingException")):
            client.list_profiles()
    assert [c.header("amz-sdk-request") for c in fake.calls(CONSOLAS.operation)] == [
        "attempt=1; max=2",
        "attempt=2; max=2",
    ]
    assert "/eu-central-1/codewhisperer/aws4_request" in (
        fake.calls(CONSOLAS.operation)[0].header("Authorization") or ""
    )


def test_arguments_and_environment_win_over_the_profile(
    environment: Path, fake: FakeService, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment.write_text(
        "[default]\nmax_attempts = 2\nretry_mode = adaptive\nregion = eu-west-1\n"
    )
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    with _consolas(max_attempts=5, endpoint_url=fake.url, region="us-west-2") as client:
        core = client._core
        assert (core.retry.mode, core.retry.max_attempts) == ("standard", 5)
        assert client.region == "us-west-2"
        assert core.transport.ca_bundle == str(bundle)
        assert core.transport.ca_bundle_source == "AWS_CA_BUNDLE"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_attempts = many", "max_attempts in the config file is 'many'"),
        ("retry_mode = eager", "retry_mode in the config file is 'eager'"),
        ("ca_bundle = /nonexistent/ca.pem", "ca_bundle in the config file names"),
        ("endpoint_url = ftp://q.example.com", "config file profile endpoint_url"),
    ],
)
def test_bad_profile_setting_names_its_source(environment: Path, line: str, message: str) -> None:
    environment.write_text(f"[default]\nregion = us-east-1\n{line}\n")
    with pytest.raises(ConfigError) as caught:
        _consolas()
    assert message in str(caught.value)


def test_requests_go_through_the_environment_proxy(
    environment: Path, fake: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake service plays the proxy: an HTTP proxy receives the absolute URL.
    fake.set_default(CONSOLAS.operation, CONSOLAS.ok())
    monkeypatch.setenv("HTTP_PROXY", fake.url)
    with _consolas(region="us-east-1", endpoint_url="http://q.proxied.example") as client:
        assert client.list_profiles().profiles == []
    (call,) = fake.calls(CONSOLAS.operation)
    assert call.target == "http://q.proxied.example/"


def test_no_proxy_bypasses_the_proxy(
    environment: Path, fake: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_default(CONSOLAS.operation, CONSOLAS.ok())
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with _consolas(region="us-east-1", endpoint_url=fake.url) as client:
        assert client.list_profiles().profiles == []
    (call,) = fake.calls(CONSOLAS.operation)
    assert call.target == "/"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_whole_call_deadline_stops_a_slow_stream(environment: Path, mode: str) -> None:
    # Each event arrives well within the idle timeout, but the call as a whole takes too
    # long. The first event comes at once and the stream would last 10 s, so a loaded
    # machine cannot make the stream end before the 2 s deadline, nor the deadline pass
    # before the first event (the bound on elapsed time is an upper one, and generous).
    messages = stream_chunks([EVENTS[0]] * 40)
    parts: list[bytes | float] = [
        http_head(200, [("Content-Type", "application/vnd.amazon.eventstream")])
        + chunked(messages[:2], last=False)
    ]
    for message in messages[2:]:
        parts += [0.25, chunked([message], last=False)]
    with RawSocketServer() as server:
        server.enqueue(RawAnswer([*parts, b"0\r\n\r\n"]))
        started = time.monotonic()
        run = run_call(
            STREAMING,
            server.url,
            mode,
            transport=TransportConfig(trust_env=False, idle_timeout=5.0),
            call_timeout=2.0,
        )
        elapsed = time.monotonic() - started
        assert isinstance(run.outcome, CallTimeoutError), run.outcome
        assert STREAMING.operation in str(run.outcome)
        assert 1 <= len(run.delivered) < 40
        assert len(server.requests) == 1
        assert run.busy_connections == 0
        assert elapsed <= 2.0 + 1.5, f"{elapsed:.2f} s"


class Boom(Exception):
    pass


class FailingInterceptor:
    def __init__(self, where: str) -> None:
        self.where = where

    def before_send(self, context: object) -> None:
        if self.where == "before":
            raise Boom("before_send failed")

    def after_receive(self, context: object, outcome: object) -> None:
        if self.where == "after":
            raise Boom("after_receive failed")


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_failing_interceptor_fails_the_call_and_frees_the_connection(
    environment: Path, mode: str, where: str
) -> None:
    from qsmith.clients.codewhisperer_streaming.client import AsyncClient, Client

    with STREAMING.fake() as fake:
        fake.set_default(STREAMING.operation, STREAMING.ok())
        config = client_config(STREAMING, fake.url, interceptors=(FailingInterceptor(where),))
        if mode == "sync":
            with Client(config=config) as client, pytest.raises(Boom):
                client.generate_assistant_response(**STREAMING.arguments())
            assert busy_connections(client._http) == 0

        else:

            async def run() -> int:
                async with AsyncClient(config=config) as client:
                    with pytest.raises(Boom):
                        await client.generate_assistant_response(**STREAMING.arguments())
                    return busy_connections(client._http)

            assert asyncio.run(run()) == 0
        assert fake.attempts(STREAMING.operation) == (0 if where == "before" else 1)

"""Transport configuration: timeouts, pool, keep-alive, proxies from the environment, CA bundle."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import certifi
import httpx
import pytest

from qsmith.runtime.errors import ConfigError, RequestTimeoutError, TransportError
from qsmith.runtime.transport import (
    ConnectionDroppedError,
    ConnectionFailedError,
    PoolTimeoutError,
    ProxyConnectError,
    TransportConfig,
    build_async_client,
    build_sync_client,
    map_httpx_error,
)
from qsmith.testing import FakeService, LoopbackServer, ScriptedResponse, json_response
from tests.runtime.resilience.pool import busy_connections, pooled_connections

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    yield monkeypatch


def test_timeouts_for_plain_and_streaming_attempts() -> None:
    config = TransportConfig(connect_timeout=3, read_timeout=30, idle_timeout=7)
    plain = config.timeout()
    assert (plain.connect, plain.read) == (3, 30)
    assert config.timeout(streaming=True).read == 7
    capped = config.timeout(streaming=True, remaining=2.5)
    assert (capped.connect, capped.read, capped.pool, capped.write) == (2.5, 2.5, 2.5, 2.5)


def test_resolve_reads_ca_bundle_from_config_then_environment() -> None:
    config = TransportConfig.resolve(environ={}, config={"ca_bundle": "/c.pem"})
    assert (config.ca_bundle, config.ca_bundle_source) == ("/c.pem", "ca_bundle in the config file")
    config = TransportConfig.resolve(
        environ={"AWS_CA_BUNDLE": "/e.pem"}, config={"ca_bundle": "/c.pem"}
    )
    assert (config.ca_bundle, config.ca_bundle_source) == ("/e.pem", "AWS_CA_BUNDLE")
    assert TransportConfig.resolve(environ={}, read_timeout=5.0).read_timeout == 5.0
    with pytest.raises(ConfigError, match="unknown transport setting"):
        TransportConfig.resolve(environ={}, read_timout=5.0)


def test_missing_or_bad_ca_bundle_is_a_config_error_naming_its_source(tmp_path: Path) -> None:
    missing = TransportConfig.resolve(environ={"AWS_CA_BUNDLE": str(tmp_path / "none.pem")})
    with pytest.raises(ConfigError, match=r"AWS_CA_BUNDLE names .*none\.pem"):
        build_sync_client(missing)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    bad = TransportConfig.resolve(environ={}, config={"ca_bundle": str(junk)})
    with pytest.raises(ConfigError, match=r"ca_bundle in the config file .* no usable PEM"):
        bad.ssl_context()


def test_a_custom_ca_bundle_replaces_the_trust_store(tmp_path: Path) -> None:
    # One CA out of certifi's store, written alone into a bundle.
    pem = Path(certifi.where()).read_text()
    first = pem[pem.index("-----BEGIN CERTIFICATE-----") :]
    first = first[: first.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(first + "\n")
    context = TransportConfig(ca_bundle=str(bundle)).ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert len(context.get_ca_certs()) == 1
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert TransportConfig().ssl_context() is True


def test_keep_alive_reuses_one_connection_across_calls() -> None:
    with LoopbackServer() as server:
        server.set_handler(lambda _request: ScriptedResponse(status=200, body=b"ok"))
        with build_sync_client(TransportConfig(trust_env=False)) as client:
            for _ in range(5):
                assert client.get(server.url).text == "ok"
            assert pooled_connections(client) == 1
        assert server.connections_opened == 1


async def test_keep_alive_reuse_async() -> None:
    with LoopbackServer() as server:
        server.set_handler(lambda _request: ScriptedResponse(status=200, body=b"ok"))
        async with build_async_client(TransportConfig(trust_env=False)) as client:
            for _ in range(5):
                assert (await client.get(server.url)).text == "ok"
        assert server.connections_opened == 1


def test_pool_limit_makes_a_second_request_wait_then_time_out() -> None:
    config = TransportConfig(trust_env=False, max_connections=1, pool_timeout=0.2)
    with LoopbackServer() as server:
        server.set_handler(lambda _r: ScriptedResponse(status=200, body=[b"a", b"b"]))
        with build_sync_client(config) as client:
            held = client.send(client.build_request("GET", server.url), stream=True)
            with pytest.raises(httpx.PoolTimeout) as caught:
                client.get(server.url)
            error = map_httpx_error(caught.value, operation="GetThing")
            assert isinstance(error, PoolTimeoutError) and isinstance(error, RequestTimeoutError)
            assert "GetThing" in str(error)
            held.close()
            assert busy_connections(client) == 0


def test_http_proxy_from_the_environment_is_used(clean_proxy_env: pytest.MonkeyPatch) -> None:
    with LoopbackServer() as proxy:
        proxy.set_handler(lambda _r: ScriptedResponse(status=200, body=b"via proxy"))
        clean_proxy_env.setenv("HTTP_PROXY", proxy.url)
        with build_sync_client(TransportConfig()) as client:
            assert client.get("http://service.invalid/thing").text == "via proxy"
        assert proxy.requests[0].target == "http://service.invalid/thing"


def test_https_proxy_from_the_environment_gets_a_connect(
    clean_proxy_env: pytest.MonkeyPatch,
) -> None:
    with LoopbackServer() as proxy:  # it answers CONNECT with 501, which httpx reports
        clean_proxy_env.setenv("HTTPS_PROXY", proxy.url)
        with (
            build_sync_client(TransportConfig()) as client,
            pytest.raises(httpx.ProxyError) as caught,
        ):
            client.get("https://service.invalid/thing")
        assert proxy.connections_opened == 1
    error = map_httpx_error(caught.value, operation="GetThing")
    assert isinstance(error, ProxyConnectError) and not error.retryable


def test_no_proxy_bypasses_the_proxy(clean_proxy_env: pytest.MonkeyPatch) -> None:
    with LoopbackServer() as proxy, LoopbackServer() as service:
        proxy.set_handler(lambda _r: ScriptedResponse(status=200, body=b"via proxy"))
        service.set_handler(lambda _r: ScriptedResponse(status=200, body=b"direct"))
        clean_proxy_env.setenv("HTTP_PROXY", proxy.url)
        clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        with build_sync_client(TransportConfig()) as client:
            assert client.get(service.url).text == "direct"
        assert proxy.connections_opened == 0


def test_trust_env_false_ignores_proxies(clean_proxy_env: pytest.MonkeyPatch) -> None:
    with LoopbackServer() as proxy, LoopbackServer() as service:
        service.set_handler(lambda _r: ScriptedResponse(status=200, body=b"direct"))
        clean_proxy_env.setenv("HTTP_PROXY", proxy.url)
        with build_sync_client(TransportConfig(trust_env=False)) as client:
            assert client.get(service.url).text == "direct"
        assert proxy.connections_opened == 0


def _request() -> httpx.Request:
    return httpx.Request("GET", "https://h.example/p?X-Amz-Signature=sekritsig&a=1")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectError("refused", request=_request()), ConnectionFailedError),
        (httpx.ReadError("reset", request=_request()), ConnectionDroppedError),
        (httpx.RemoteProtocolError("eof", request=_request()), ConnectionDroppedError),
        (httpx.ProxyError("no", request=_request()), ProxyConnectError),
        (httpx.PoolTimeout("busy", request=_request()), PoolTimeoutError),
    ],
)
def test_error_mapping_names_the_call_and_hides_signatures(
    error: httpx.HTTPError, expected: type[TransportError]
) -> None:
    mapped = map_httpx_error(error, operation="GetThing")
    assert type(mapped) is expected
    assert "GetThing" in str(mapped)
    assert "h.example" in str(mapped)
    assert "sekritsig" not in str(mapped)
    assert mapped.url is not None and "sekritsig" not in mapped.url  # type: ignore[attr-defined]


def test_a_dropped_response_keeps_the_raw_response_reachable() -> None:
    from qsmith.testing import reset_connection

    with FakeService("restJson1") as fake:
        fake.route("GET", "/things/{id}", "GetThing")
        fake.respond("GetThing", reset_connection())
        with build_sync_client(TransportConfig(trust_env=False)) as client:
            response = client.send(client.build_request("GET", f"{fake.url}/things/1"), stream=True)
            try:
                with pytest.raises(httpx.HTTPError) as caught:
                    response.read()
            finally:
                response.close()
    mapped = map_httpx_error(caught.value, operation="GetThing", response=response)
    assert isinstance(mapped, ConnectionDroppedError)
    assert mapped.response is response and mapped.response.status_code == 200
    assert mapped.response.headers["x-amzn-RequestId"].startswith("fake-")


def test_fake_service_json_answer_through_the_client() -> None:
    with FakeService("restJson1") as fake:
        fake.route("GET", "/things/{id}", "GetThing")
        fake.set_default("GetThing", json_response({"id": "1"}))
        with build_sync_client(TransportConfig(trust_env=False)) as client:
            assert client.get(f"{fake.url}/things/1").json() == {"id": "1"}

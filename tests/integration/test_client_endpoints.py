"""Each generated client's endpoint per region, from its model's rule set, and the errors a
bad region or URL gives when the client is built (before any request).

The expected hosts are the services' published endpoint patterns: the Amazon Q runtime
and streaming services and Q Developer streaming at ``q.<region>``, the CodeWhisperer
(consolas) service at ``codewhisperer.<region>``, and toolkit telemetry at one global
host in us-east-1 that SigV4 signs for us-east-1 whatever the client's region.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.schemes import SIGV4
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.schema import ServiceSchema

REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "ap-northeast-1", "ap-south-1")

# package -> (URL for a region, SigV4 signing region for a region or None for bearer auth)
EXPECTED: dict[str, tuple[Callable[[str], str], Callable[[str], str] | None]] = {
    "codewhisperer": (lambda r: f"https://q.{r}.amazonaws.com", None),
    "codewhisperer_streaming": (lambda r: f"https://q.{r}.amazonaws.com", None),
    "consolas": (lambda r: f"https://codewhisperer.{r}.amazonaws.com", lambda r: r),
    "qdeveloper_streaming": (lambda r: f"https://q.{r}.amazonaws.com", lambda r: r),
    "toolkit_telemetry": (
        lambda r: "https://client-telemetry.us-east-1.amazonaws.com",
        lambda r: "us-east-1",
    ),
}
CASES = [(package, region) for package in EXPECTED for region in REGIONS]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No endpoint, region or profile may come from the machine running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in (
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


def _client(package: str, **kwargs: Any) -> Any:
    module = importlib.import_module(f"qsmith.clients.{package}.client")
    config = ClientConfig(
        token="endpoint-test-token",
        credentials=AwsCredentials("AKIDEXAMPLE", "endpoint-test-secret"),
    )
    return module.Client(config=config, **kwargs)


@pytest.mark.parametrize(("package", "region"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_endpoint_per_region(package: str, region: str) -> None:
    url, signing_region = EXPECTED[package]
    with _client(package, region=region) as client:
        assert client.region == region
        assert client.endpoint_url == url(region)
        service: ServiceSchema = importlib.import_module(
            f"qsmith.clients.{package}._schema"
        ).SERVICE
        operation = next(iter(service.operations.values()))
        auth = client._core.auth_for(client._core.endpoints.resolve()).resolve(service, operation)
        if signing_region is None:
            assert auth.scheme == "smithy.api#httpBearerAuth"
        else:
            assert (auth.scheme, auth.region) == (SIGV4, signing_region(region))


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_unknown_region_fails_at_construction(package: str) -> None:
    with pytest.raises(ConfigError, match="unknown region 'mars-north-1'"):
        _client(package, region="mars-north-1")


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_malformed_region_fails_at_construction(package: str) -> None:
    with pytest.raises(ConfigError, match="invalid region 'US_EAST_1'"):
        _client(package, region="US_EAST_1")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://q.example.com", "the scheme must be http or https"),
        ("https://", "it has no host"),
        ("http://q.example.com:0", "port 0"),
        ("q.example.com", "the scheme must be http or https"),
        ("https://q.example .com", "whitespace"),
    ],
)
@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_bad_endpoint_url_fails_at_construction(package: str, url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="the endpoint_url argument") as caught:
        _client(package, endpoint_url=url)
    assert problem in str(caught.value)


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_environment_endpoint_is_checked_too(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "localhost:8080")
    with pytest.raises(ConfigError, match="AWS_ENDPOINT_URL"):
        _client(package, region="us-east-1")


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_custom_endpoint_accepts_any_well_formed_region(package: str) -> None:
    # With an endpoint of their own (a local fake, a proxy), users may name any region.
    with _client(package, region="local-test-1", endpoint_url="http://127.0.0.1:9") as client:
        assert client.endpoint_url == "http://127.0.0.1:9"

"""Endpoint overrides and up-front checks of endpoint URLs and regions."""

from __future__ import annotations

from typing import Any

import pytest

from qsmith.runtime.endpoints import (
    EndpointConfigError,
    EndpointParameterError,
    EndpointResolutionError,
)
from qsmith.runtime.endpoints.config import (
    EndpointResolver,
    configured_endpoint,
    service_env_var,
    validate_endpoint_url,
    validate_region,
)
from qsmith.runtime.errors import ConfigError

RULES: dict[str, Any] = {
    "version": "1.0",
    "parameters": {
        "Region": {"type": "string", "builtIn": "AWS::Region"},
        "UseFIPS": {
            "type": "boolean",
            "builtIn": "AWS::UseFIPS",
            "required": True,
            "default": False,
        },
        "Endpoint": {"type": "string", "builtIn": "SDK::Endpoint"},
        "Mode": {"type": "string"},
    },
    "rules": [
        {
            "type": "error",
            "conditions": [
                {"fn": "isSet", "argv": [{"ref": "Endpoint"}]},
                {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, True]},
            ],
            "error": "FIPS and custom endpoint are not supported",
        },
        {
            "type": "endpoint",
            "conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
            "endpoint": {"url": {"ref": "Endpoint"}},
        },
        {
            "type": "endpoint",
            "conditions": [{"fn": "isSet", "argv": [{"ref": "Mode"}]}],
            "endpoint": {"url": "https://{Mode}.svc.{Region}.amazonaws.com"},
        },
        {
            "type": "endpoint",
            "conditions": [],
            "endpoint": {"url": "https://svc.{Region}.amazonaws.com"},
        },
    ],
}
FILE_PROFILE = {
    "endpoint_url": "https://profile.example",
    "services": {"code_whisperer": {"endpoint_url": "https://service-section.example"}},
}
ENV = {
    "AWS_ENDPOINT_URL_CODE_WHISPERER": "https://service-env.example",
    "AWS_ENDPOINT_URL": "https://global-env.example",
}


def test_service_env_var_name() -> None:
    assert service_env_var("Code Whisperer") == "AWS_ENDPOINT_URL_CODE_WHISPERER"


@pytest.mark.parametrize(
    ("argument", "env_keys", "profile", "url"),
    [
        ("https://arg.example", list(ENV), FILE_PROFILE, "https://arg.example"),
        (None, list(ENV), FILE_PROFILE, "https://service-env.example"),
        (None, ["AWS_ENDPOINT_URL"], FILE_PROFILE, "https://global-env.example"),
        (None, [], FILE_PROFILE, "https://service-section.example"),
        (None, [], {"endpoint_url": "https://profile.example"}, "https://profile.example"),
        (None, [], {}, None),
    ],
)
def test_override_precedence(
    argument: str | None, env_keys: list[str], profile: dict[str, Any], url: str | None
) -> None:
    environ = {k: ENV[k] for k in env_keys}
    found = configured_endpoint(
        "Code Whisperer", endpoint_url=argument, environ=environ, profile=profile
    )
    assert (found.url if found else None) == url


def test_ignore_configured_endpoint_urls_keeps_only_the_argument() -> None:
    environ = {**ENV, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
    assert configured_endpoint("Code Whisperer", environ=environ, profile=FILE_PROFILE) is None
    found = configured_endpoint(
        "Code Whisperer", endpoint_url="http://localhost:1", environ=environ
    )
    assert found is not None and found.url == "http://localhost:1"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com", "scheme must be http or https"),
        ("example.com", "scheme must be http or https"),
        ("https://", "no host"),
        ("https://example.com:99999", "Port out of range"),
        ("https://exa mple.com", "whitespace"),
        ("", "non-empty"),
    ],
)
def test_bad_endpoint_urls_are_rejected_naming_the_source(url: str, problem: str) -> None:
    with pytest.raises(EndpointConfigError, match=problem) as raised:
        validate_endpoint_url(url, "environment variable AWS_ENDPOINT_URL")
    assert "AWS_ENDPOINT_URL" in str(raised.value)
    assert isinstance(raised.value, ConfigError)


def test_user_info_never_reaches_the_error_message() -> None:
    with pytest.raises(EndpointConfigError) as raised:
        validate_endpoint_url("ftp://alice:s3cr3t@example.com", "the endpoint_url argument")
    assert "s3cr3t" not in str(raised.value) and "***@example.com" in str(raised.value)


def test_bad_url_in_environment_fails_when_the_resolver_is_built() -> None:
    with pytest.raises(EndpointConfigError, match="AWS_ENDPOINT_URL_SVC"):
        EndpointResolver(
            RULES, service_id="svc", region="us-east-1", environ={"AWS_ENDPOINT_URL_SVC": "nope"}
        )


def test_regions_are_checked_up_front() -> None:
    assert validate_region("eu-central-2") == "eu-central-2"
    with pytest.raises(EndpointConfigError, match="unknown region 'mars-1'"):
        EndpointResolver(RULES, service_id="svc", region="mars-1", environ={})
    with pytest.raises(EndpointConfigError, match="invalid region 'US East'"):
        EndpointResolver(RULES, service_id="svc", region="US East", environ={})


def test_any_well_formed_region_is_accepted_with_a_custom_endpoint() -> None:
    resolver = EndpointResolver(
        RULES, service_id="svc", region="local", endpoint_url="http://127.0.0.1:9", environ={}
    )
    assert resolver.resolve().url == "http://127.0.0.1:9"


def test_resolver_resolves_per_call_with_context() -> None:
    resolver = EndpointResolver(RULES, service_id="svc", region="eu-west-1", environ={})
    assert resolver.resolve().url == "https://svc.eu-west-1.amazonaws.com"
    assert (
        resolver.resolve(static_context={"Mode": "data"}).url
        == "https://data.svc.eu-west-1.amazonaws.com"
    )


def test_override_goes_through_the_rules() -> None:
    resolver = EndpointResolver(
        RULES,
        service_id="svc",
        region="us-east-1",
        use_fips=True,
        environ={"AWS_ENDPOINT_URL": "https://x.example"},
    )
    with pytest.raises(EndpointResolutionError, match="FIPS and custom endpoint"):
        resolver.resolve()


def test_missing_required_built_in_fails_up_front_but_context_parameters_may_come_later() -> None:
    rules = {
        "parameters": {
            "Region": {"type": "string", "builtIn": "AWS::Region", "required": True},
            "Arn": {"type": "string", "required": True},
        },
        "rules": [
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{Region}/{Arn}"}}
        ],
    }
    with pytest.raises(EndpointParameterError, match=r"'Region' \(the AWS::Region setting\)"):
        EndpointResolver(rules, service_id="svc", environ={})
    resolver = EndpointResolver(rules, service_id="svc", region="us-west-2", environ={})
    with pytest.raises(EndpointParameterError, match="missing required endpoint parameter 'Arn'"):
        resolver.resolve()
    assert resolver.resolve(context_members={"Arn": "a1"}).url == "https://us-west-2/a1"


def test_mistyped_client_setting_fails_up_front() -> None:
    with pytest.raises(EndpointParameterError, match="'Mode' must be a string"):
        EndpointResolver(
            RULES, service_id="svc", region="us-east-1", environ={}, client_params={"Mode": 3}
        )


def test_rule_set_without_endpoint_parameter_uses_the_override_directly() -> None:
    rules = {
        "parameters": {},
        "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://fixed"}}],
    }
    resolver = EndpointResolver(
        rules, service_id="svc", endpoint_url="https://mine.example", environ={}
    )
    assert resolver.resolve().url == "https://mine.example"

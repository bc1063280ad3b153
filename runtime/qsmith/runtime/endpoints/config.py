"""Where the endpoint comes from, checked before any request is sent.

An explicit endpoint URL wins in this order: the client's ``endpoint_url`` argument, the
``AWS_ENDPOINT_URL_<SERVICE>`` environment variable, ``AWS_ENDPOINT_URL``, the service's
entry in the profile's ``services`` section of the shared config file, the profile's own
``endpoint_url``; otherwise the rule set decides from the region and the flags. An
override is passed to the rule set as the ``SDK::Endpoint`` built-in, so the rule set's own
checks (for example "FIPS and custom endpoint are not supported") still apply.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from qsmith.runtime.endpoints.aws_functions import AWS_PARTITIONS, PartitionTable
from qsmith.runtime.endpoints.context import assemble_parameters
from qsmith.runtime.endpoints.errors import EndpointConfigError, EndpointParameterError
from qsmith.runtime.endpoints.model import Endpoint
from qsmith.runtime.endpoints.ruleset import RuleSet, compile_rule_set

ENV_ENDPOINT_URL = "AWS_ENDPOINT_URL"
ENV_IGNORE_CONFIGURED = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
_REGION = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")


@dataclass(frozen=True, slots=True)
class EndpointOverride:
    """An endpoint URL set by the user, and where it was set (for error messages)."""

    url: str
    source: str


def service_env_var(service_id: str) -> str:
    """``AWS_ENDPOINT_URL_<SERVICE>``: the service id upper-cased, spaces as underscores."""
    return ENV_ENDPOINT_URL + "_" + service_id.upper().replace(" ", "_")


def service_config_key(service_id: str) -> str:
    """The key of a service in a config file ``services`` section: lower-cased, underscores."""
    return service_id.lower().replace(" ", "_")


def configured_endpoint(
    service_id: str,
    *,
    endpoint_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    profile: Mapping[str, Any] | None = None,
) -> EndpointOverride | None:
    """The endpoint override in force, validated, or ``None`` when the rule set decides.

    ``profile`` is the selected profile of the shared config file as a mapping, with the
    referenced ``services`` section inlined: ``{"endpoint_url": ..., "services":
    {"dynamodb": {"endpoint_url": ...}}}``.
    """
    if endpoint_url is not None:
        return EndpointOverride(
            validate_endpoint_url(endpoint_url, "the endpoint_url argument"), "argument"
        )
    env = os.environ if environ is None else environ
    profile = profile or {}
    if _is_true(env.get(ENV_IGNORE_CONFIGURED)) or _is_true(
        profile.get("ignore_configured_endpoint_urls")
    ):
        return None
    candidates: list[tuple[Any, str]] = [
        (
            env.get(service_env_var(service_id)),
            f"environment variable {service_env_var(service_id)}",
        ),
        (env.get(ENV_ENDPOINT_URL), f"environment variable {ENV_ENDPOINT_URL}"),
    ]
    services = profile.get("services")
    key = service_config_key(service_id)
    if isinstance(services, Mapping) and isinstance(services.get(key), Mapping):
        candidates.append(
            (
                services[key].get("endpoint_url"),
                f"config file services section '{key}' endpoint_url",
            )
        )
    candidates.append((profile.get("endpoint_url"), "config file profile endpoint_url"))
    for value, source in candidates:
        if value:
            return EndpointOverride(validate_endpoint_url(value, source), source)
    return None


def _is_true(value: Any) -> bool:
    return (isinstance(value, str) and value.strip().lower() == "true") or value is True


def validate_endpoint_url(url: Any, source: str) -> str:
    """Reject anything that is not an absolute http(s) URL with a host, naming ``source``."""
    problem = _url_problem(url)
    if problem:
        raise EndpointConfigError(
            f"invalid endpoint URL {_redacted(url)!r} from {source}: {problem}"
        )
    return str(url)


def _redacted(url: Any) -> Any:
    """Hide user info (``user:password@``) so a credential never reaches an error message."""
    if not isinstance(url, str):
        return url
    return re.sub(r"(?<=://)[^/@]*@", "***@", url)


def _url_problem(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return "it must be a non-empty string"
    if any(c.isspace() for c in url):
        return "it contains whitespace"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not parts.hostname:
        return "it has no host"
    if port == 0:
        return "port 0 is not a valid port"
    return None


def validate_region(
    region: Any, *, known_only: bool = True, partitions: PartitionTable = AWS_PARTITIONS
) -> str:
    """A region must be a DNS label; unless ``known_only`` is off, a known AWS region."""
    if not isinstance(region, str) or not _REGION.match(region):
        raise EndpointConfigError(
            f"invalid region {region!r}: a region is lower-case letters, digits and hyphens, like 'us-east-1'"
        )
    if known_only and not partitions.is_known_region(region):
        raise EndpointConfigError(
            f"unknown region {region!r}: it is not an AWS region and matches no partition's region pattern"
        )
    return region


class EndpointResolver:
    """One client's endpoint settings, checked at construction; ``resolve`` per call."""

    def __init__(
        self,
        rule_set: RuleSet | Mapping[str, Any],
        *,
        service_id: str,
        region: str | None = None,
        use_fips: bool = False,
        use_dual_stack: bool = False,
        endpoint_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        profile: Mapping[str, Any] | None = None,
        client_params: Mapping[str, Any] | None = None,
        built_ins: Mapping[str, Any] | None = None,
    ) -> None:
        self.rule_set = rule_set if isinstance(rule_set, RuleSet) else compile_rule_set(rule_set)
        self.override = configured_endpoint(
            service_id, endpoint_url=endpoint_url, environ=environ, profile=profile
        )
        if region is not None:
            validate_region(region, known_only=self.override is None)
        values: dict[str, Any] = {
            "AWS::Region": region,
            "AWS::UseFIPS": use_fips,
            "AWS::UseDualStack": use_dual_stack,
        }
        values.update(built_ins or {})
        if self.override is not None:
            values["SDK::Endpoint"] = self.override.url
        parameters = self.rule_set.parameters
        self._takes_endpoint = any(p.built_in == "SDK::Endpoint" for p in parameters.values())
        self._base = assemble_parameters(parameters, built_ins=values, client_params=client_params)
        # A mistyped setting or a missing required built-in fails here, not on the first call.
        self.rule_set.scope(self._base, complete=False)
        for parameter in parameters.values():
            missing = parameter.required and parameter.default is None
            if missing and parameter.built_in and parameter.name not in self._base:
                raise EndpointParameterError(
                    parameter.name,
                    f"missing required endpoint parameter {parameter.name!r}"
                    f" (the {parameter.built_in} setting)",
                )

    def resolve(
        self,
        *,
        operation_context: Mapping[str, Any] | None = None,
        context_members: Mapping[str, Any] | None = None,
        static_context: Mapping[str, Any] | None = None,
    ) -> Endpoint:
        """Resolve for one call, given the operation's already-bound context parameters."""
        if self.override is not None and not self._takes_endpoint:
            return Endpoint(self.override.url)
        params = self._base
        if operation_context or context_members or static_context:
            params = {**params}
            for source in (operation_context, context_members, static_context):
                if source:
                    params.update((k, v) for k, v in source.items() if v is not None)
        return self.rule_set.resolve(params)
